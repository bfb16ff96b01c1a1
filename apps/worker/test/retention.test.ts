// Retention on both databases, run by the log clean-up's own schedule on the real dev server:
// delivered rows past LOG_RETENTION are deleted (PostgreSQL: their day partitions dropped), rows
// of a window with undelivered records stay, and so do recent rows. The clean-up's clock is set
// to 2026-11-15, so 30 days of retention keep rows from 2026-10-16 on.
import { ensureRetentionSchedule, runExportWindow } from '@log-exporter/client';
import { type MotoServer, TEST_DATABASE_KINDS } from '@log-exporter/local-stack';
import { type CleanUpLogsResult, type ExportWindow, logRetentionScheduleId } from '@log-exporter/schemas';
import type { WindowScope } from '@log-exporter/store';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import {
  type TestStore,
  type TestWorker,
  createExport,
  firstScheduledWorkflow,
  onboardCustomer,
  openTestStore,
  recordHistory,
  startMoto,
  startTestWorker,
} from './harness';

const NOW = Date.parse('2026-11-15T12:00:00Z');
const day = (date: string): ExportWindow => {
  const end = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().replace('.000Z', 'Z');
  return { start: `${date}T00:00:00Z`, end };
};

describe.each(TEST_DATABASE_KINDS)('retention on %s', (kind) => {
  let moto: MotoServer;
  let db: TestStore;
  let worker: TestWorker;

  beforeAll(async () => {
    moto = await startMoto();
    db = await openTestStore(kind);
    worker = await startTestWorker({
      store: db.store,
      moto,
      retention: { settings: { logRetentionMs: 30 * 86_400_000, retentionBatchSize: 250 }, now: () => NOW },
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await moto?.stop();
  });

  const scope = (window: ExportWindow, organization = 'acme'): WindowScope => ({
    logType: 'client',
    organization,
    repositories: null,
    window,
  });

  it('deletes delivered rows past the retention, keeps windows with undelivered records and recent rows', async () => {
    const { destination } = await onboardCustomer(db.store, moto, {
      organization: 'acme',
      bucket: `retention-${kind}`,
    });
    const config = await createExport(db.store, destination, { logType: 'client', format: 'csv', folder: 'client' });
    const old = ['2026-10-01', '2026-10-02', '2026-10-03'].map(day);
    const held = day('2026-10-05');
    const recent = day('2026-11-10');
    let seed = 0;
    for (const window of [...old, held, recent]) {
      await db.store.logs.insertClientLogs([
        ...generateClientLogs({ seed: ++seed, organization: 'acme', window, count: 400 }),
      ]);
      await db.store.logs.insertAuditLogs([
        ...generateAuditLogs({ seed: ++seed, organization: 'acme', window, count: 50 }),
      ]);
    }
    // An organisation without exports: its old rows go too.
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 99, organization: 'other', window: old[0]!, count: 100 }),
    ]);
    for (const window of [...old, held]) {
      await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: window.start,
        taskQueue: worker.taskQueue,
      });
    }
    // Stored after its delivery and not delivered since: 2026-10-05 must stay.
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 100, organization: 'acme', window: held, count: 9 }),
    ]);
    const partitionsBefore = await db.store.listPartitions('client');

    await ensureRetentionSchedule(worker.client, { taskQueue: worker.taskQueue });
    const schedule = worker.client.schedule.getHandle(logRetentionScheduleId(worker.taskQueue));
    await schedule.trigger();
    const cleanUp = await firstScheduledWorkflow(worker.client, logRetentionScheduleId(worker.taskQueue));
    const result = (await cleanUp.result()) as CleanUpLogsResult;
    if (kind === 'sqlite') await recordHistory('clean-up-logs', cleanUp);

    for (const window of old) expect(await db.store.logs.countInWindow(scope(window))).toBe(0);
    expect(await db.store.logs.countInWindow(scope(old[0]!, 'other'))).toBe(0);
    expect(await db.store.logs.countInWindow(scope(held))).toBe(409);
    expect(await db.store.logs.countInWindow(scope(recent))).toBe(400);
    // No audit export holds anything: the held day's audit rows go with the rest.
    expect(await db.store.logs.countInWindow({ ...scope(held), logType: 'audit' })).toBe(0);
    expect(await db.store.logs.countInWindow({ ...scope(old[1]!), logType: 'audit' })).toBe(0);
    expect(await db.store.logs.countInWindow({ ...scope(recent), logType: 'audit' })).toBe(50);
    expect(result.holds).toBe(1);

    const partitionsAfter = await db.store.listPartitions('client');
    if (kind === 'postgres') {
      for (const name of ['client_logs_p20261001', 'client_logs_p20261002', 'client_logs_p20261003']) {
        expect(partitionsBefore).toContain(name);
        expect(partitionsAfter).not.toContain(name);
      }
      expect(partitionsAfter).toEqual(expect.arrayContaining(['client_logs_p20261005', 'client_logs_p20261110']));
      expect(result.partitionsDropped).toEqual(
        expect.arrayContaining(['client_logs_p20261001', 'audit_logs_p20261001', 'audit_logs_p20261005']),
      );
      // The held day's client partition stays whole: nothing in it was deleted, row by row or at all.
      expect(result.rowsDeleted).toBe(0);
      console.log(`PostgreSQL client_logs partitions before: ${partitionsBefore.join(', ')}`);
      console.log(`PostgreSQL client_logs partitions after:  ${partitionsAfter.join(', ')}`);
    } else {
      expect(partitionsAfter).toEqual([]);
      expect(result.rowsDeleted).toBe(3 * 400 + 100 + 4 * 50);
      expect(result.batches).toBeGreaterThan(2); // bounded batches of 250
    }
    await schedule.delete();
  });
});
