// The onboarding of a customer, as ops do it, in a real browser (Debian's Chromium driven by
// playwright-core) against the real admin app, Temporal dev server, worker, moto and SQLite:
// log in, create a destination and a client-log export, read the policies off the hand-over page
// (the customer creates their role from them), verify, run now, and see the run succeed with its
// object keys. A screenshot of each page lands in .reports/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page, chromium } from 'playwright-core';
import {
  CHROMIUM_ARGS,
  type MotoServer,
  REPO_ROOT,
  createCustomerAccount,
  ensureChromium,
  listKeys,
} from '@log-exporter/local-stack';
import { previousWindow, windowContaining } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { startAdminWorker } from './admin-worker';
import { type AdminHarness, DESTINATION, TOKEN, startAdmin, startMoto } from './harness';

const SCREENSHOTS = join(REPO_ROOT, '.reports', 'screenshots');

let moto: MotoServer;
let admin: AdminHarness;
let baseUrl: string;
let worker: { stop(): Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const executablePath = ensureChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  moto = await startMoto();
  admin = await startAdmin({ moto });
  await admin.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(admin.app.server.address() as AddressInfo).port}`;

  worker = await startAdminWorker(admin, moto);

  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await admin?.close();
  await moto?.stop();
});

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('onboarding in the browser', () => {
  it('logs in, onboards a customer, verifies, runs a window and shows the run with its objects', async () => {
    // Yesterday's downloads, already in the database.
    const window = previousWindow('daily', windowContaining('daily', Date.now()));
    await admin.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 77, organization: DESTINATION.organization, window, count: 1_200 }),
    ]);

    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot('01-login');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}/`);
    await screenshot('02-exports-empty');

    await page.click('text=New destination');
    for (const [field, value] of Object.entries({ ...DESTINATION, region: 'us-east-1' }))
      await page.fill(`#${field}`, value);
    await screenshot('03-new-destination');
    await page.click('button:has-text("Create destination")');
    await page.waitForURL(/\/destinations\/dst_/);
    await screenshot('04-hand-over');

    const externalId = (await page.textContent('#external-id'))!.trim();
    const roleArn = (await page.textContent('#role-arn'))!.trim();
    const permission = JSON.parse((await page.textContent('#permission-policy'))!);
    const trust = JSON.parse((await page.textContent('#trust-policy'))!);
    expect(externalId).toHaveLength(48);
    expect(roleArn).toBe('arn:aws:iam::995557609558:role/CloudsmithLogsWriter');
    expect(permission.Statement[0].Resource).toEqual(['arn:aws:s3:::cloudsmith-acmecorp-logs/cloudsmith-logs/*']);
    expect(trust.Statement[0].Condition.StringEquals['sts:ExternalId']).toBe(externalId);

    // The customer does what the page told them: bucket, role, the two policies.
    const account = await createCustomerAccount(moto.endpoint, {
      accountId: DESTINATION.awsAccountId,
      bucket: DESTINATION.bucket,
      roleName: DESTINATION.roleName,
      trustPolicy: trust,
      permissionPolicy: permission,
    });

    await page.click('button:has-text("Verify the customer")');
    await page.waitForSelector('#verification-result');
    expect(await page.textContent('#verification-result')).toContain('Verification passed');
    await screenshot('05-verified');

    await page.click('text=Add an export to this destination');
    await page.waitForURL(/\/exports\/new/);
    await page.selectOption('#logType', 'client');
    await page.selectOption('#format', 'json-ts');
    await page.fill('#folder', 'client-logs');
    await screenshot('06-new-export');
    await page.click('button:has-text("Create export")');
    await page.waitForURL(/\/exports\/exp_/);
    await screenshot('07-export');

    await page.fill('#window', window.start.slice(0, 10));
    await page.click('button:has-text("Run now")');
    await page.waitForSelector('.flash.ok');
    expect(await page.textContent('.flash.ok')).toContain('1 window(s) requested');

    // The worker runs it; the page shows the run once it is recorded as succeeded.
    const deadline = Date.now() + 90_000;
    for (;;) {
      await page.reload();
      const cells = page.locator('table[aria-label=runs] tbody tr td:nth-child(2)');
      const status = (await cells.count()) > 0 ? await cells.first().textContent() : 'no run yet';
      if (status?.trim() === 'succeeded') break;
      if (Date.now() > deadline) throw new Error(`run not succeeded in time (status ${status})`);
      await page.waitForTimeout(1_000);
    }
    await screenshot('08-run-succeeded');
    const keys = (await page.$$eval('.object-key, .manifest-key', (nodes) =>
      nodes.map((n) => n.textContent?.trim()),
    )) as string[];
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(
      /^cloudsmith-logs\/client-logs\/dt=\d{4}-\d{2}-\d{2}\/client_exp_[a-z2-7]{16}_\d{4}-\d{2}-\d{2}_part00001\.log\.gz$/,
    );
    expect(await page.textContent('table[aria-label=runs] tbody tr td:nth-child(3)')).toBe('1200');
    expect((await listKeys(account.s3, DESTINATION.bucket, 'cloudsmith-logs/client-logs/')).sort()).toEqual(
      [...keys].sort(),
    );

    await page.goto(`${baseUrl}/`);
    expect(await page.textContent('table[aria-label=exports] tbody')).toContain('healthy');
    await screenshot('09-exports-healthy');
    account.s3.destroy();
  }, 240_000);
});
