// The onboarding of a customer, as ops do it, in a real browser (Debian's Chromium driven by
// playwright-core) against the real admin app, Temporal dev server, worker, moto and SQLite:
// log in, create a destination and a client-log export, read the policies off the hand-over page
// (the customer creates their role from them), verify, run now, and see the run succeed with its
// object keys. Then a customer with its own token: only its organisation, its own hand-over and
// verify, an export with run history and the delivery chart; an ops login still sees everyone.
// A screenshot of each page lands in .reports/screenshots/.
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
import { type ExportWindow, previousWindow, windowContaining } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { startAdminWorker } from './admin-worker';
import { type AdminHarness, DESTINATION, TOKEN, issueAccessToken, startAdmin, startMoto } from './harness';

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

  it('shows a customer only its organisation: hand-over, verify, run history and the chart; ops still see all', async () => {
    const yesterday = previousWindow('daily', windowContaining('daily', Date.now()));
    const daysBefore = (n: number): ExportWindow => {
      let window = yesterday;
      for (let i = 0; i < n; i++) window = previousWindow('daily', window);
      return window;
    };
    // Another organisation, onboarded by ops: the customer must not see it.
    const hidden = (
      await admin.api('POST', '/api/destinations', {
        ...DESTINATION,
        organization: 'hiddenco',
        bucket: 'hiddenco-logs',
      })
    ).json();
    const hiddenExport = (
      await admin.api('POST', '/api/exports', {
        destinationId: hidden.id,
        logType: 'client',
        format: 'csv',
        folder: 'c',
      })
    ).json();
    const { token } = await issueAccessToken(admin, { kind: 'customer', name: 'custco-admin', organization: 'custco' });
    await admin.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 78, organization: 'custco', window: yesterday, count: 300 }),
    ]);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const customer = await context.newPage();
    const shot = (name: string) => customer.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    try {
      await customer.goto(`${baseUrl}/`);
      await customer.fill('#token', token);
      await customer.click('button[type=submit]');
      await customer.waitForURL(`${baseUrl}/`);
      expect(await customer.textContent('#viewer')).toBe('custco-admin (custco)');
      expect(await customer.textContent('main')).not.toContain('hiddenco');
      expect(await customer.textContent('main')).not.toContain(DESTINATION.organization);
      await shot('20-customer-exports');

      await customer.click('text=New destination');
      expect(await customer.getAttribute('#organization', 'readonly')).not.toBeNull();
      expect(await customer.inputValue('#organization')).toBe('custco');
      for (const [field, value] of Object.entries({
        awsAccountId: '717171717171',
        bucket: 'custco-logs',
        prefix: 'logs',
        roleName: 'ExporterRole',
      }))
        await customer.fill(`#${field}`, value);
      await customer.click('button:has-text("Create destination")');
      await customer.waitForURL(/\/destinations\/dst_/);
      await shot('21-customer-hand-over');
      const trust = JSON.parse((await customer.textContent('#trust-policy'))!);
      const permission = JSON.parse((await customer.textContent('#permission-policy'))!);
      const account = await createCustomerAccount(moto.endpoint, {
        accountId: '717171717171',
        bucket: 'custco-logs',
        roleName: 'ExporterRole',
        trustPolicy: trust,
        permissionPolicy: permission,
      });
      try {
        await customer.click('button:has-text("Verify my setup")');
        await customer.waitForSelector('#verification-result');
        expect(await customer.textContent('#verification-result')).toContain('Verification passed');
        expect(await customer.locator('table[aria-label=verification] tbody tr').count()).toBeGreaterThanOrEqual(2);
        await shot('22-customer-verified');

        await customer.click('text=Add an export to this destination');
        await customer.waitForURL(/\/exports\/new/);
        await customer.selectOption('#logType', 'client');
        await customer.selectOption('#format', 'csv');
        await customer.fill('#folder', 'downloads');
        await customer.click('button:has-text("Create export")');
        await customer.waitForURL(/\/exports\/exp_/);
        const exportId = new URL(customer.url()).pathname.split('/').pop()!;

        // Earlier history for the chart: four delivered windows, one failed, one without a run.
        for (const [n, status] of [
          [6, 'failed'],
          [5, 'succeeded'],
          [4, 'succeeded'],
          [3, 'succeeded'],
          [2, 'succeeded'],
        ] as const) {
          const window = daysBefore(n);
          const workflowId = `export-window/${exportId}/${window.start}`;
          await admin.store.runs.markStarted({ exportId, window, workflowId, workflowRunId: null });
          await admin.store.runs.markFinished({
            exportId,
            window,
            workflowId,
            status,
            objects:
              status === 'failed'
                ? []
                : [{ key: `logs/downloads/${n}`, records: 100 * n, bytes: 4_000 * n, sha256: 'a'.repeat(64) }],
            manifestKey: null,
            error: status === 'failed' ? { type: 'AccessDenied', message: 'the role refused s3:PutObject' } : null,
          });
        }

        await customer.fill('#window', yesterday.start.slice(0, 10));
        await customer.click('button:has-text("Run now")');
        await customer.waitForSelector('.flash.ok');
        const deadline = Date.now() + 90_000;
        for (;;) {
          await customer.reload();
          // Yesterday's row, once the run has recorded it (the seeded rows are older).
          const row = customer.locator('table[aria-label=runs] tbody tr').first();
          const window = (await row.locator('td:nth-child(1)').textContent())?.trim();
          const status = (await row.locator('td:nth-child(2)').textContent())?.trim();
          if (window === yesterday.start && status === 'succeeded') break;
          if (Date.now() > deadline) throw new Error(`run not succeeded in time (status ${status})`);
          await customer.waitForTimeout(1_000);
        }
        // Late records for yesterday: the chart marks it degraded until they are delivered.
        await admin.store.logs.insertClientLogs([
          ...generateClientLogs({ seed: 79, organization: 'custco', window: yesterday, count: 7 }),
        ]);
        await customer.reload();
        await shot('23-customer-run-history');
        expect(await customer.textContent('table[aria-label=runs] tbody tr td:nth-child(3)')).toContain('300');
        expect(await customer.locator('table[aria-label=runs] a:has-text("workflow")').count()).toBe(0);

        const chart = customer.locator('figure.delivery-chart');
        await chart.screenshot({ path: join(SCREENSHOTS, '24-customer-chart.png') });
        const marks = async (mark: string) => customer.locator(`g[data-panel=records] rect[data-mark=${mark}]`).count();
        expect(await customer.locator('g[data-panel=records] rect').count()).toBe(30);
        expect(await marks('failed')).toBe(1);
        expect(await marks('degraded')).toBe(1);
        expect(await marks('ok')).toBe(4);
        expect(
          await customer.getAttribute(`g[data-panel=records] rect[data-window="${daysBefore(1).start}"]`, 'data-mark'),
        ).toBe('missing');
        expect(await customer.textContent('#chart-desc')).toContain('1 failed, 1 degraded');

        // Another organisation's export is "not found", exactly like an unknown one.
        const response = await customer.goto(`${baseUrl}/exports/${hiddenExport.id}`);
        expect(response?.status()).toBe(404);
        expect(await customer.textContent('h1')).toBe('No such export');
        const handover = await customer.goto(`${baseUrl}/destinations/${hidden.id}`);
        expect(handover?.status()).toBe(404);
      } finally {
        account.s3.destroy();
      }
    } finally {
      await context.close();
    }

    // Ops, logged in afresh, see every organisation.
    const opsContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const ops = await opsContext.newPage();
    try {
      await ops.goto(`${baseUrl}/login`);
      await ops.fill('#token', TOKEN);
      await ops.click('button[type=submit]');
      await ops.waitForURL(`${baseUrl}/`);
      const listed = await ops.textContent('table[aria-label=destinations] tbody');
      for (const organization of ['custco', 'hiddenco', DESTINATION.organization])
        expect(listed).toContain(organization);
      expect(await ops.textContent('#viewer')).toBe('admin (ops)');
      await ops.screenshot({ path: join(SCREENSHOTS, '25-ops-all-organisations.png'), fullPage: true });
      await ops.click('text=Tokens');
      await ops.waitForURL(`${baseUrl}/tokens`);
      expect(await ops.textContent('table[aria-label=tokens] tbody')).toContain('custco-admin');
      await ops.screenshot({ path: join(SCREENSHOTS, '26-ops-tokens.png'), fullPage: true });
    } finally {
      await opsContext.close();
    }
  }, 240_000);
});
