// Schedules, backfills and idempotency on the real dev server: the schedule exports the window of
// the time it fired for, a backfill exports each window once, concurrent starts of a window share
// one workflow, and a failed window is retried by the next scheduled run once the setup is fixed.
import { createHash } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  type ScheduleSettings,
  backfillProgress,
  ensureExportSchedule,
  exportScheduleId,
  startBackfill,
  startExportWindow,
} from '@log-exporter/client';
import { type MotoServer, listKeys, readObject } from '@log-exporter/local-stack';
import {
  type BackfillProgress,
  type ExportWindowResult,
  type ScheduledExportResult,
  previousWindow,
  windowContaining,
  windowsStartingBetween,
} from '@log-exporter/schemas';
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
import { TEST_DATABASE_KINDS } from '@log-exporter/local-stack';

describe.each(TEST_DATABASE_KINDS)('on %s', (kind) => {
  let moto: MotoServer;
  let db: TestStore;
  let worker: TestWorker;
  let schedules: ScheduleSettings;

  beforeAll(async () => {
    moto = await startMoto();
    db = await openTestStore(kind);
    worker = await startTestWorker({ store: db.store, moto });
    schedules = {
      taskQueue: worker.taskQueue,
      runAt: { hour: 0, minute: 45 },
      catchupWindowMs: 3 * 86_400_000,
      spreadMs: 0,
    };
    const yesterday = previousWindow('daily', windowContaining('daily', Date.now()));
    for (const [i, window] of [
      ...windowsStartingBetween('daily', '2026-11-01', '2026-11-10'),
      previousWindow('daily', yesterday),
      yesterday,
    ].entries()) {
      await db.store.logs.insertClientLogs([
        ...generateClientLogs({ seed: 100 + i, organization: 'acme', window, count: 300 }),
      ]);
    }
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await moto?.stop();
  });

  /** Waits until the schedule has started this many workflows, and returns their results. */
  async function scheduledResults(scheduleId: string, count: number): Promise<ScheduledExportResult[]> {
    const handle = worker.client.schedule.getHandle(scheduleId);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const actions = (await handle.describe()).info.recentActions;
      if (actions.length >= count) {
        return Promise.all(
          actions.slice(0, count).map(async (a) => {
            const h = worker.client.workflow.getHandle(a.action.workflow.workflowId);
            const result = (await h.result()) as ScheduledExportResult;
            await recordHistory('scheduled-export', h);
            return result;
          }),
        );
      }
      if (Date.now() > deadline)
        throw new Error(`schedule ${scheduleId} started ${actions.length} of ${count} workflows`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  describe('schedules', () => {
    it('export the window that closed before the time the schedule fired for (trigger and schedule backfill)', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-scheduled',
      });
      const config = await createExport(db.store, destination, { logType: 'client', format: 'json', folder: 'client' });
      expect(await ensureExportSchedule(worker.client, config, schedules)).toBe('created');
      const handle = worker.client.schedule.getHandle(exportScheduleId(config.id));

      await handle.trigger();
      const [triggered] = await scheduledResults(exportScheduleId(config.id), 1);
      const yesterday = previousWindow('daily', windowContaining('daily', Date.now()));
      expect(triggered!.windows).toEqual([{ windowStart: yesterday.start, outcome: 'succeeded' }]);

      // A missed run of 2026-11-08 00:45 (catch-up, or a backfill of the schedule) exports 11-07.
      await handle.backfill({
        start: new Date('2026-11-08T00:40:00Z'),
        end: new Date('2026-11-08T00:50:00Z'),
        overlap: 'ALLOW_ALL',
      });
      const results = await scheduledResults(exportScheduleId(config.id), 2);
      const backfilled = results.find((r) => r.scheduledAt.startsWith('2026-11-08'))!;
      expect(backfilled.windows).toEqual([{ windowStart: '2026-11-07T00:00:00Z', outcome: 'succeeded' }]);

      const runs = (await db.store.runs.list(config.id)).map((r) => [r.window.start, r.status, r.records]);
      expect(runs).toEqual([
        [yesterday.start, 'succeeded', 300],
        ['2026-11-07T00:00:00Z', 'succeeded', 300],
      ]);
      const manifests = (await listKeys(account.s3, 'acme-scheduled')).filter((k) => k.includes('_manifest_'));
      expect(manifests.map((k) => k.split('/')[2])).toEqual(['dt=2026-11-07', `dt=${yesterday.start.slice(0, 10)}`]);
      await handle.delete();
    });
  });

  describe('backfill', () => {
    it('exports seven days as seven windows: seven manifests and seven run records, progress by query', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-backfill',
      });
      const config = await createExport(db.store, destination, { logType: 'client', format: 'csv', folder: 'client' });
      const windowStarts = windowsStartingBetween('daily', '2026-11-01', '2026-11-07').map((w) => w.start);

      const { workflowId, handle } = await startBackfill(worker.client, {
        exportId: config.id,
        organization: 'acme',
        logType: 'client',
        windowStarts,
        concurrency: 3,
        taskQueue: worker.taskQueue,
      });
      const done = (await handle.result()) as BackfillProgress;
      await recordHistory('backfill-export', handle);

      expect(done).toMatchObject({ total: 7, succeeded: 7, failed: 0, alreadyDone: 0, running: 0, pending: 0 });
      expect(await backfillProgress(worker.client, workflowId)).toMatchObject({ total: 7, succeeded: 7 });
      const manifests = (await listKeys(account.s3, 'acme-backfill')).filter((k) => k.includes('_manifest_'));
      expect(manifests).toHaveLength(7);
      const runs = await db.store.runs.list(config.id);
      expect(runs.map((r) => r.window.start).sort()).toEqual(windowStarts);
      expect(runs.every((r) => r.status === 'succeeded' && r.records === 300 && r.attempts === 1)).toBe(true);

      // The same backfill again does no work: every window is already exported.
      const again = await startBackfill(worker.client, {
        exportId: config.id,
        organization: 'acme',
        logType: 'client',
        windowStarts,
        taskQueue: worker.taskQueue,
      });
      expect(((await again.handle.result()) as BackfillProgress).alreadyDone).toBe(7);
      expect((await db.store.runs.list(config.id)).every((r) => r.attempts === 1)).toBe(true);
    });
  });

  describe('idempotency', () => {
    it('gives two concurrent starts of one window one workflow and one set of objects', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-concurrent',
      });
      const config = await createExport(db.store, destination, {
        logType: 'client',
        format: 'json-ts',
        folder: 'client',
      });
      const options = { exportId: config.id, windowStart: '2026-11-09', taskQueue: worker.taskQueue };

      const [a, b] = await Promise.all([
        startExportWindow(worker.client, options),
        startExportWindow(worker.client, options),
      ]);

      expect(a.workflowId).toBe(b.workflowId);
      expect((await a.handle.describe()).runId).toBe((await b.handle.describe()).runId);
      const [ra, rb] = (await Promise.all([a.handle.result(), b.handle.result()])) as ExportWindowResult[];
      expect(ra).toEqual(rb);
      const keys = await listKeys(account.s3, 'acme-concurrent');
      expect(keys).toHaveLength(2);
      const object = await readObject(account.s3, 'acme-concurrent', ra!.objects[0]!.key);
      expect(createHash('sha256').update(object).digest('hex')).toBe(ra!.objects[0]!.sha256);
      expect(await db.store.runs.list(config.id)).toHaveLength(1);
    });

    it('retries a failed window (bucket missing) in the next scheduled run once the bucket exists', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-fixed-later',
        createBucket: false,
      });
      const config = await createExport(db.store, destination, { logType: 'client', format: 'json', folder: 'client' });

      const failed = await startExportWindow(worker.client, {
        exportId: config.id,
        windowStart: '2026-11-09',
        taskQueue: worker.taskQueue,
      });
      await expect(failed.handle.result()).rejects.toMatchObject({ cause: { type: 'BucketNotFound' } });
      expect(await db.store.runs.get(config.id, '2026-11-09T00:00:00Z')).toMatchObject({ status: 'failed' });

      await account.s3.send(new CreateBucketCommand({ Bucket: 'acme-fixed-later' })); // the customer fixes it

      await ensureExportSchedule(worker.client, config, schedules);
      const handle = worker.client.schedule.getHandle(exportScheduleId(config.id));
      await handle.backfill({
        start: new Date('2026-11-11T00:40:00Z'),
        end: new Date('2026-11-11T00:50:00Z'),
        overlap: 'ALLOW_ALL',
      });
      const [result] = await scheduledResults(exportScheduleId(config.id), 1);

      expect(result!.windows).toEqual([
        { windowStart: '2026-11-09T00:00:00Z', outcome: 'succeeded' },
        { windowStart: '2026-11-10T00:00:00Z', outcome: 'succeeded' },
      ]);
      expect(await db.store.runs.get(config.id, '2026-11-09T00:00:00Z')).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        records: 300,
      });
      expect((await db.store.exports.get(config.id))!.health.consecutiveFailures).toBe(0);
      await handle.delete();
    });
  });
});
