// Notifications as the worker runs them (Temporal, moto, SQLite, a receiver on loopback): the
// export window claims and starts notifyCustomer without waiting for it, a receiver that refuses
// (4xx) ends the delivery at once with the export unaffected, and an export whose notify URL was
// removed before delivery sends nothing. Also records the histories of the replay tests.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startExportWindow } from '@log-exporter/client';
import { type MotoServer } from '@log-exporter/local-stack';
import { type ExportWindow, type Notification, notificationWorkflowId } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import {
  type TestStore,
  type TestWorker,
  createExport,
  onboardCustomer,
  openTestStore,
  recordHistory,
  startMoto,
  startTestWorker,
} from './harness';

const WINDOW: ExportWindow = { start: '2026-11-22T00:00:00Z', end: '2026-11-23T00:00:00Z' };

let moto: MotoServer;
let db: TestStore;
let worker: TestWorker;
let server: Server;
let receiverUrl: string;
const received: { body: string }[] = [];
const answers: number[] = [];

beforeAll(async () => {
  moto = await startMoto();
  db = await openTestStore('sqlite');
  worker = await startTestWorker({ store: db.store, moto });
  await db.store.logs.insertClientLogs([
    ...generateClientLogs({ seed: 61, organization: 'acme', window: WINDOW, count: 20 }),
  ]);
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ body });
      response.statusCode = answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await worker?.stop();
  await db?.close();
  await moto?.stop();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** An export with a notify URL and a secret, into a bucket that does not exist yet. */
async function notifyingExport(bucket: string) {
  const { destination, account } = await onboardCustomer(db.store, moto, {
    organization: 'acme',
    bucket,
    createBucket: false,
  });
  const config = await createExport(db.store, destination, {
    logType: 'client',
    format: 'json',
    folder: 'client',
    notifyUrl: receiverUrl,
  });
  await db.store.exports.setNotifySecret(config.id, 'whsec_worker-test');
  return { config, account };
}

async function runToEnd(exportId: string) {
  const started = await startExportWindow(worker.client, {
    exportId,
    windowStart: WINDOW.start,
    taskQueue: worker.taskQueue,
  });
  const outcome = await started.handle.result().then(
    () => 'succeeded',
    () => 'failed',
  );
  return { outcome, handle: started.handle };
}

/** The notification's own workflow, run to its end; its result and the stored row. */
async function delivered(exportId: string): Promise<{ result: unknown; notification: Notification }> {
  const notification = (await db.store.notifications.latest(exportId))!;
  const handle = worker.client.workflow.getHandle(notificationWorkflowId(notification.id));
  const result = await handle.result().catch((err: Error) => err);
  return { result, notification: (await db.store.notifications.get(notification.id))! };
}

it('notifies a failure and the recovery through notifyCustomer workflows of their own', async () => {
  const { config, account } = await notifyingExport('acme-notify-missing');
  const failed = await runToEnd(config.id);
  expect(failed.outcome).toBe('failed');
  await recordHistory('export-window-notified-failure', failed.handle);
  const failure = await delivered(config.id);
  expect(failure.notification).toMatchObject({ kind: 'failure', status: 'delivered', errorType: 'BucketNotFound' });
  expect(failure.result).toEqual({ status: 200 });
  await recordHistory(
    'notify-customer',
    worker.client.workflow.getHandle(notificationWorkflowId(failure.notification.id)),
  );

  await account.s3.send(new CreateBucketCommand({ Bucket: 'acme-notify-missing' }));
  const succeeded = await runToEnd(config.id);
  expect(succeeded.outcome).toBe('succeeded');
  await recordHistory('export-window-notified-recovery', succeeded.handle);
  const recovery = await delivered(config.id);
  expect(recovery.notification).toMatchObject({ kind: 'recovery', status: 'delivered', attempts: 1 });
  expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ event: 'export.recovered', exportId: config.id });
});

it('ends the delivery at the first 4xx, recorded as failed, and the export is unaffected', async () => {
  const { config } = await notifyingExport('acme-notify-refused');
  answers.push(410);
  expect((await runToEnd(config.id)).outcome).toBe('failed');
  const { result, notification } = await delivered(config.id);
  expect(notification).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 410 });
  expect(notification.lastError).toMatch(/answered 410/);
  expect((result as { cause?: Error }).cause?.message).toMatch(/not delivered: the receiver answered 410/);
  // The window's own failure is what the run says, not the notification's.
  const [run] = await db.store.runs.list(config.id);
  expect(run?.error?.type).toBe('BucketNotFound');
});

it('sends nothing for an export whose notify URL was removed before delivery', async () => {
  const { config } = await notifyingExport('acme-notify-removed');
  const claimed = await db.store.notifications.claim({
    exportId: config.id,
    kind: 'failure',
    window: WINDOW,
    error: { type: 'BucketNotFound', message: 'gone' },
    workflowId: 'wf',
  });
  await db.store.exports.update(config.id, { notifyUrl: null });
  const before = received.length;
  const handle = await worker.client.workflow.start('notifyCustomer', {
    workflowId: notificationWorkflowId(claimed!.id),
    taskQueue: worker.taskQueue,
    args: [{ notificationId: claimed!.id }],
  });
  expect(await handle.result()).toEqual({ skipped: 'the export no longer has a notify URL' });
  expect(received.length).toBe(before);
  expect(await db.store.notifications.get(claimed!.id)).toMatchObject({ status: 'skipped' });
});
