// Failure notifications end to end, through the documented interfaces: an export created with a
// notify URL (a receiver on loopback, as ALLOW_LOOPBACK_WEBHOOKS allows), windows run by the real
// worker through Temporal into moto, the POSTs as the receiver gets them, and the export as the
// API shows it. Plus the refusals of private and link-local notify URLs.
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { type EmulatedCustomerAccount, type MotoServer } from '@log-exporter/local-stack';
import { verifySignature } from '@log-exporter/notifications';
import { previousWindow, windowContaining } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { startAdminWorker } from './admin-worker';
import { type AdminHarness, TOKEN, createRoleFromHandOver, ingestLogs, startAdmin, startMoto } from './harness';

const DAY_2 = previousWindow('daily', windowContaining('daily', Date.now()));
const DAY_1 = previousWindow('daily', DAY_2);
const ORGANIZATION = 'notifyco';
const BUCKET = 'notifyco-logs';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback: records every POST, answers with the next status queued (200 when none). */
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  answers: number[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = answers.shift() ?? 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/log-exports`,
    received,
    answers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A destination of the test's organisation, through the API. */
async function createDestination(on: AdminHarness, awsAccountId: string, bucket: string, roleName: string) {
  return (
    await on.api('POST', '/api/destinations', { organization: ORGANIZATION, awsAccountId, bucket, roleName })
  ).json();
}

let moto: MotoServer;
let admin: AdminHarness;
let worker: { stop(): Promise<void> };
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let account: EmulatedCustomerAccount;
let destinationId: string;

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
  worker = await startAdminWorker(admin, moto);
  receiver = await startReceiver();
  const destination = await createDestination(admin, '474747474747', BUCKET, 'NotifyWriter');
  destinationId = destination.id;
  // The customer has made the role but not the bucket yet: every window fails (BucketNotFound).
  account = await createRoleFromHandOver(admin, moto, destination, { createBucket: false });
  const records = [DAY_1, DAY_2].flatMap((window, i) => [
    ...generateClientLogs({ seed: 70 + i, organization: ORGANIZATION, window, count: 50 }),
  ]);
  const ingest = await ingestLogs(admin, 'client', records);
  expect(ingest.statusCode).toBe(200);
}, 120_000);

afterAll(async () => {
  account?.s3.destroy();
  await receiver?.close();
  await worker?.stop();
  await admin?.close();
  await moto?.stop();
});

/** A web session of the ops token. */
async function login(): Promise<string> {
  const response = await admin.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${TOKEN}&next=%2F`,
  });
  return String(response.headers['set-cookie']).split(';')[0] as string;
}

/** Runs one window to its end through the API; resolves to its run's status. */
async function runWindow(exportId: string, windowStart: string): Promise<string> {
  const started = await admin.api('POST', `/api/exports/${exportId}/runs`, { window: windowStart });
  expect(started.statusCode).toBe(202);
  const [workflowId] = started.json().workflowIds as string[];
  await (
    await admin.deps.temporal.client()
  ).workflow
    .getHandle(workflowId!)
    .result()
    .catch(() => undefined);
  const runs = (await admin.api('GET', `/api/exports/${exportId}/runs`)).json() as {
    window: { start: string };
    status: string;
  }[];
  return runs.find((r) => r.window.start === windowStart)!.status;
}

/** Waits until every notification of the export has finished delivering; returns them, newest first. */
async function settledNotifications(exportId: string): Promise<{ kind: string; status: string; attempts: number }[]> {
  for (let i = 0; i < 120; i++) {
    const list = (await admin.api('GET', `/api/exports/${exportId}/notifications`)).json();
    if (list.every((n: { status: string }) => n.status !== 'pending')) return list;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('notifications still pending after 30 s');
}

it('refuses notify URLs of private, link-local and non-https addresses with 400 naming body.notifyUrl', async () => {
  for (const notifyUrl of [
    'http://10.0.0.1/',
    'http://169.254.169.254/',
    'https://169.254.169.254/latest/meta-data/',
    'https://192.168.1.10/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://[fd00::1]/hook',
    'http://example.com/hook',
    'ftp://example.com/hook',
  ]) {
    const response = await admin.api('POST', '/api/exports', {
      destinationId,
      logType: 'client',
      format: 'json',
      folder: 'refused',
      notifyUrl,
    });
    expect(response.statusCode).toBe(400);
    const details = response.json().error.details as { path: string }[];
    expect(details.map((d) => d.path)).toEqual(['body.notifyUrl']);
    // The answer names the address, not the URL's path (often a secret of its own).
    if (notifyUrl.startsWith('http')) expect(response.json().error.message).toContain(new URL(notifyUrl).origin);
    if (new URL(notifyUrl).pathname.length > 1)
      expect(response.json().error.message).not.toContain(new URL(notifyUrl).pathname);
  }
  // Nothing was half-written: no export was created by any of them.
  const listed = (await admin.api('GET', `/api/exports?organization=${ORGANIZATION}`)).json();
  expect(listed.filter((e: { folder: string }) => e.folder === 'refused')).toEqual([]);
});

it('refuses loopback notify URLs unless ALLOW_LOOPBACK_WEBHOOKS is set', async () => {
  const strict = await startAdmin({ moto, settings: { allowLoopbackWebhooks: false } });
  try {
    const destination = await createDestination(strict, '474747474748', 'strict-logs', 'StrictWriter');
    const response = await strict.api('POST', '/api/exports', {
      destinationId: destination.id,
      logType: 'client',
      format: 'json',
      folder: 'x',
      notifyUrl: receiver.url,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/loopback .*ALLOW_LOOPBACK_WEBHOOKS=true/);
  } finally {
    await strict.close();
  }
});

it('POSTs one signed failure notification for a day of failures, and one recovery when the export next succeeds', async () => {
  const created = await admin.api('POST', '/api/exports', {
    destinationId,
    logType: 'client',
    format: 'json',
    folder: 'client-logs',
    notifyUrl: receiver.url,
  });
  expect(created.statusCode).toBe(201);
  const { id: exportId, notifySecret } = created.json() as { id: string; notifySecret: string };
  expect(notifySecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  // Shown once: reading the export again does not show it.
  const read = (await admin.api('GET', `/api/exports/${exportId}`)).json();
  expect(read.notifySecret).toBeUndefined();
  expect(JSON.stringify(read)).not.toContain(notifySecret);

  // The same window fails three times, then the next day's fails too: one notification.
  for (let attempt = 0; attempt < 3; attempt++) expect(await runWindow(exportId, DAY_1.start)).toBe('failed');
  expect(await runWindow(exportId, DAY_2.start)).toBe('failed');
  let notifications = await settledNotifications(exportId);
  expect(notifications.map((n) => [n.kind, n.status])).toEqual([['failure', 'delivered']]);
  expect(receiver.received).toHaveLength(1);

  const [failure] = receiver.received;
  expect(verifySignature(notifySecret, failure!.body, failure!.headers['x-log-exporter-signature'] as string)).toBe(
    true,
  );
  expect(
    verifySignature(notifySecret, `${failure!.body} `, failure!.headers['x-log-exporter-signature'] as string),
  ).toBe(false);
  expect(failure!.headers['content-type']).toBe('application/json');
  const body = JSON.parse(failure!.body);
  expect(body).toMatchObject({
    event: 'export.failed',
    exportId,
    organization: ORGANIZATION,
    logType: 'client',
    window: { start: DAY_1.start, end: DAY_1.end },
    error: { type: 'BucketNotFound' },
  });
  expect(failure!.headers['x-log-exporter-notification']).toBe(body.notificationId);
  expect(body.text).toContain(`failed for the window ${DAY_1.start.slice(0, 10)} (BucketNotFound)`);
  expect(body.text).toContain('The bucket does not exist');
  expect(body.runUrl).toMatch(new RegExp(`/exports/${exportId}$`));

  // The customer makes the bucket: the next run succeeds and the recovery is told, once.
  await account.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  expect(await runWindow(exportId, DAY_1.start)).toBe('succeeded');
  expect(await runWindow(exportId, DAY_2.start)).toBe('succeeded');
  notifications = await settledNotifications(exportId);
  expect(notifications.map((n) => [n.kind, n.status])).toEqual([
    ['recovery', 'delivered'],
    ['failure', 'delivered'],
  ]);
  expect(receiver.received).toHaveLength(2);
  const recovery = receiver.received[1]!;
  expect(verifySignature(notifySecret, recovery.body, recovery.headers['x-log-exporter-signature'] as string)).toBe(
    true,
  );
  expect(JSON.parse(recovery.body)).toMatchObject({ event: 'export.recovered', exportId, error: null });

  // The export shows the last notification and how it went.
  const shown = (await admin.api('GET', `/api/exports/${exportId}`)).json();
  expect(shown.lastNotification).toMatchObject({
    kind: 'recovery',
    status: 'delivered',
    responseStatus: 200,
    attempts: 1,
  });
  const cookie = await login();
  const page = await admin.app.inject({ method: 'GET', url: `/exports/${exportId}`, headers: { cookie } });
  expect(page.body).toMatch(/recovery of the window [^<]* delivered at/);
  expect(page.body).toContain(`http://127.0.0.1:${new URL(receiver.url).port}/…`);
  // The path is shown only inside the edit form's value, never in the summary.
  expect(page.body.match(/\/hooks\/log-exports/g)).toHaveLength(1);

  // The page's "new signing secret": shown on the page the post leads to, once.
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const posted = await admin.app.inject({
    method: 'POST',
    url: `/exports/${exportId}/notify-secret`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  expect(posted.statusCode).toBe(303);
  const next = posted.headers.location as string;
  const shownOnce = await admin.app.inject({ method: 'GET', url: next, headers: { cookie } });
  const secret = /Signing secret, shown this once: <code>(whsec_[^<]+)<\/code>/.exec(shownOnce.body)?.[1];
  expect(secret).toMatch(/^whsec_/);
  expect(secret).not.toBe(notifySecret);
  expect(await admin.store.exports.notifySecret(exportId)).toBe(secret);
  const again = await admin.app.inject({ method: 'GET', url: next, headers: { cookie } });
  expect(again.body).not.toContain(secret!);
  expect(again.body).toContain('shown already');
}, 120_000);

it('retries a receiver that fails, with the same body, signed with the secret rotated before', async () => {
  // A destination whose role was never made: its windows fail (RoleNotAssumable).
  const gone = await createDestination(admin, '474747474749', 'never-made', 'NeverMade');
  const created = (
    await admin.api('POST', '/api/exports', {
      destinationId: gone.id,
      logType: 'client',
      format: 'csv',
      folder: 'retried',
      notifyUrl: receiver.url,
    })
  ).json();
  const rotated = await admin.api('POST', `/api/exports/${created.id}/notify-secret`);
  expect(rotated.statusCode).toBe(201);
  const { notifySecret } = rotated.json() as { notifySecret: string };
  expect(notifySecret).not.toBe(created.notifySecret);

  const before = receiver.received.length;
  receiver.answers.push(503); // the receiver is down for the first POST
  expect(await runWindow(created.id, DAY_1.start)).toBe('failed');
  const [notification] = await settledNotifications(created.id);
  expect(notification).toMatchObject({ kind: 'failure', status: 'delivered', attempts: 2 });
  const posts = receiver.received.slice(before);
  expect(posts).toHaveLength(2);
  expect(posts[0]!.headers['x-log-exporter-notification']).toBe(posts[1]!.headers['x-log-exporter-notification']);
  expect(posts[0]!.body).toBe(posts[1]!.body);
  const signature = posts[1]!.headers['x-log-exporter-signature'] as string;
  expect(verifySignature(notifySecret, posts[1]!.body, signature)).toBe(true);
  expect(verifySignature(created.notifySecret, posts[1]!.body, signature)).toBe(false);
  expect(JSON.parse(posts[1]!.body).error.type).toBe('RoleNotAssumable');
}, 120_000);

it('sends a signed test notification on request, says how the receiver answered, and limits the rate', async () => {
  const created = (
    await admin.api('POST', '/api/exports', {
      destinationId,
      logType: 'audit',
      format: 'json',
      folder: 'tested',
      notifyUrl: receiver.url,
    })
  ).json();
  const before = receiver.received.length;
  const test = async () => admin.api('POST', `/api/exports/${created.id}/notifications/test`);
  const ok = await test();
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toMatchObject({ delivered: true, responseStatus: 200, error: null });
  const post = receiver.received[before]!;
  expect(verifySignature(created.notifySecret, post.body, post.headers['x-log-exporter-signature'] as string)).toBe(
    true,
  );
  expect(JSON.parse(post.body)).toMatchObject({
    event: 'export.test',
    exportId: created.id,
    window: null,
    error: null,
  });
  expect(post.headers['x-log-exporter-notification']).toBe(ok.json().notificationId);

  receiver.answers.push(500);
  expect((await test()).json()).toMatchObject({ delivered: false, responseStatus: 500 });
  // A test is not a notification of the export: none is recorded.
  expect((await admin.api('GET', `/api/exports/${created.id}/notifications`)).json()).toEqual([]);
  for (let i = 0; i < 3; i++) expect((await test()).statusCode).toBe(200);
  const limited = await test();
  expect(limited.statusCode).toBe(429);
  expect(limited.json().error.message).toMatch(/at most 5 test notifications per export per minute/);

  const silent = (
    await admin.api('POST', '/api/exports', { destinationId, logType: 'audit', format: 'csv', folder: 'silent' })
  ).json();
  expect((await admin.api('POST', `/api/exports/${silent.id}/notifications/test`)).statusCode).toBe(409);
});
