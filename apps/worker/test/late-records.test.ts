// Late records, on both databases, through the real dev server and moto: records stored after
// their window was delivered reach the bucket exactly once, as new objects of that window, by a
// run request and by the export's schedule; nothing delivered before is rewritten; the manifest's
// next revision lists every object, and verify accepts the window and its neighbours.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  type ScheduleSettings,
  ensureExportSchedule,
  exportScheduleId,
  runExportWindow,
  startExportWindow,
} from '@log-exporter/client';
import { s3BucketReader } from '@log-exporter/aws';
import { type MotoServer, TEST_DATABASE_KINDS, listKeys, readObject } from '@log-exporter/local-stack';
import { verifyExportedFiles } from '@log-exporter/manifests';
import {
  type ExportConfig,
  type ExportWindow,
  type ExportWindowResult,
  type Manifest,
  type ScheduledExportResult,
  manifestSchema,
  previousWindow,
  windowContaining,
} from '@log-exporter/schemas';
import { countUndelivered } from '@log-exporter/store';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import {
  type CustomerSetup,
  TEST_SIGNING_KEY,
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

const day = (d: number): ExportWindow => ({
  start: `2026-10-${String(d).padStart(2, '0')}T00:00:00Z`,
  end: `2026-10-${String(d + 1).padStart(2, '0')}T00:00:00Z`,
});
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(TEST_DATABASE_KINDS)('late records on %s', (kind) => {
  let moto: MotoServer;
  let db: TestStore;
  let worker: TestWorker;
  let customer: CustomerSetup;
  let clientExport: ExportConfig;
  let auditExport: ExportConfig;
  const BUCKET = `late-${kind}`;
  let seed = 0;

  beforeAll(async () => {
    moto = await startMoto();
    db = await openTestStore(kind);
    worker = await startTestWorker({ store: db.store, moto });
    customer = await onboardCustomer(db.store, moto, { organization: 'acme', bucket: BUCKET, prefix: 'logs' });
    clientExport = await createExport(db.store, customer.destination, {
      logType: 'client',
      format: 'json-ts',
      folder: 'client',
    });
    auditExport = await createExport(db.store, customer.destination, {
      logType: 'audit',
      format: 'json',
      compression: 'none',
      folder: 'audit',
    });
  });

  afterAll(async () => {
    customer?.account.s3.destroy();
    await worker?.stop();
    await db?.close();
    await moto?.stop();
  });

  async function store(window: ExportWindow, clients: number, audits: number) {
    const client = [...generateClientLogs({ seed: ++seed * 100, organization: 'acme', window, count: clients })];
    const audit = [...generateAuditLogs({ seed: ++seed * 100, organization: 'acme', window, count: audits })];
    await db.store.logs.insertClientLogs(client);
    await db.store.logs.insertAuditLogs(audit);
    return { client: client.map((r) => r.request_id), audit: audit.map((r) => r.uuid) };
  }

  const run = (config: ExportConfig, window: ExportWindow) =>
    runExportWindow(worker.client, { exportId: config.id, windowStart: window.start, taskQueue: worker.taskQueue });

  /** The IDs in every object of a window's result, as the customer reads them. */
  async function idsIn(config: ExportConfig, result: Pick<ExportWindowResult, 'objects'>): Promise<string[]> {
    const ids: string[] = [];
    for (const object of result.objects) {
      const bytes = await readObject(customer.account.s3, BUCKET, object.key);
      const text = (config.compression === 'gzip' ? gunzipSync(bytes) : bytes).toString('utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        const record = JSON.parse(line.slice(line.indexOf('{'))) as { request_id?: string; uuid?: string };
        ids.push((record.request_id ?? record.uuid) as string);
      }
    }
    return ids;
  }

  async function manifestOf(result: Pick<ExportWindowResult, 'manifestKey'>): Promise<Manifest> {
    return manifestSchema.parse(
      JSON.parse((await readObject(customer.account.s3, BUCKET, result.manifestKey)).toString('utf8')),
    );
  }

  async function objectDigests(keys: string[]): Promise<Map<string, string>> {
    const digests = new Map<string, string>();
    for (const key of keys) digests.set(key, sha256(await readObject(customer.account.s3, BUCKET, key)));
    return digests;
  }

  it('delivers late client and audit records by a run request: new objects, manifest revision 2, nothing rewritten', async () => {
    const windows = [day(1), day(2), day(3)];
    const first = [];
    for (const window of windows) first.push(await store(window, 600, 150));
    for (const window of windows) {
      await run(clientExport, window);
      await run(auditExport, window);
    }
    const before = await objectDigests(await listKeys(customer.account.s3, BUCKET));

    const late = await store(day(2), 25, 10);
    const clientRun = (await db.store.runs.get(clientExport.id, day(2).start))!;
    expect(await countUndelivered(db.store.logs, clientExport, clientRun)).toBe(25);
    expect(
      await countUndelivered(db.store.logs, auditExport, (await db.store.runs.get(auditExport.id, day(2).start))!),
    ).toBe(10);

    for (const [config, ids, lateIds] of [
      [clientExport, first[1]!.client, late.client],
      [auditExport, first[1]!.audit, late.audit],
    ] as const) {
      const started = await startExportWindow(worker.client, {
        exportId: config.id,
        windowStart: day(2).start,
        taskQueue: worker.taskQueue,
      });
      const result = (await started.handle.result()) as ExportWindowResult;
      if (config === clientExport) await recordHistory('export-window-correction', started.handle);
      expect(result).toMatchObject({
        revision: 2,
        deliveredRecords: lateIds.length,
        records: ids.length + lateIds.length,
      });
      expect(result.objects).toHaveLength(2);
      expect(result.objects[1]!.key).toMatch(/_part00002\./);
      // The late records are in the new object, and only they; every record once in the window.
      expect((await idsIn(config, { objects: [result.objects[1]!] })).sort()).toEqual([...lateIds].sort());
      const all = await idsIn(config, result);
      expect(all.length).toBe(new Set(all).size);
      expect(new Set(all)).toEqual(new Set([...ids, ...lateIds]));
      const manifest = await manifestOf(result);
      expect(manifest).toMatchObject({
        manifestVersion: 3,
        revision: 2,
        totals: { objects: 2, records: ids.length + lateIds.length },
      });
      expect(manifest.objects.map((o) => o.key)).toEqual(result.objects.map((o) => o.key));
      expect(manifest.previousRevisions).toHaveLength(1);
      expect(manifest.previousRevisions![0]!.sha256).toBe(sha256Of(before, result.manifestKey));
      const stored = (await db.store.runs.get(config.id, day(2).start))!;
      expect(stored).toMatchObject({ revision: 2, records: ids.length + lateIds.length, attempts: 2 });
      expect(await countUndelivered(db.store.logs, config, stored)).toBe(0);
      expect((await db.store.runs.deliveries(config.id, day(2).start)).map((d) => [d.revision, d.records])).toEqual([
        [1, ids.length],
        [2, lateIds.length],
      ]);
    }

    // Every object delivered before is byte for byte what it was; only manifests of day 2 changed.
    const after = await objectDigests(await listKeys(customer.account.s3, BUCKET));
    for (const [key, digest] of before) {
      if (key.includes('dt=2026-10-02/_manifest_')) expect(after.get(key)).not.toBe(digest);
      else expect(after.get(key)).toBe(digest);
    }
    expect(after.size).toBe(before.size + 2);

    // The revised window and its neighbours verify; day 3 still links to day 2's first revision.
    const report = await verifyExportedFiles({
      reader: s3BucketReader(customer.account.s3, BUCKET),
      prefix: 'logs',
      from: '2026-10-01',
      to: '2026-10-03',
      publicKeys: [TEST_SIGNING_KEY.publicKey],
    });
    expect(report.problems).toEqual([]);
    expect(report.manifests).toBe(6);
    expect(report.revised.map((r) => r.revision)).toEqual([2, 2]);

    // Asking again with nothing late writes nothing and counts no attempt.
    const again = await run(clientExport, day(2));
    expect(again).toMatchObject({ upToDate: true, deliveredRecords: 0, revision: 2 });
    expect(await objectDigests(await listKeys(customer.account.s3, BUCKET))).toEqual(after);
    expect((await db.store.runs.get(clientExport.id, day(2).start))!.attempts).toBe(2);
  });

  it('delivers late records of a delivered window by the run its schedule starts', async () => {
    const yesterday = previousWindow('daily', windowContaining('daily', Date.now()));
    const dayBefore = previousWindow('daily', yesterday);
    const first = await store(dayBefore, 300, 80);
    await store(yesterday, 300, 80);
    await run(clientExport, dayBefore);
    await run(auditExport, dayBefore);
    const late = await store(dayBefore, 12, 7);
    const folder = (config: ExportConfig) => `logs/${config.folder}/dt=${dayBefore.start.slice(0, 10)}/`;
    const before = new Map<string, Map<string, string>>();
    for (const config of [clientExport, auditExport])
      before.set(config.id, await objectDigests(await listKeys(customer.account.s3, BUCKET, folder(config))));

    const schedules: ScheduleSettings = {
      taskQueue: worker.taskQueue,
      runAt: { hour: 0, minute: 45 },
      catchupWindowMs: 86_400_000,
      spreadMs: 0,
    };
    for (const [config, ids, lateIds] of [
      [clientExport, first.client, late.client],
      [auditExport, first.audit, late.audit],
    ] as const) {
      await ensureExportSchedule(worker.client, config, schedules);
      const handle = worker.client.schedule.getHandle(exportScheduleId(config.id));
      await handle.trigger();
      const started = await firstScheduledWorkflow(worker.client, exportScheduleId(config.id));
      const result = (await started.result()) as ScheduledExportResult;
      expect(result.windows).toEqual([
        { windowStart: dayBefore.start, outcome: 'succeeded' },
        { windowStart: yesterday.start, outcome: 'succeeded' },
      ]);
      const revised = (await db.store.runs.get(config.id, dayBefore.start))!;
      expect(revised).toMatchObject({ revision: 2, records: ids.length + lateIds.length });
      expect((await idsIn(config, { objects: [revised.objects[1]!] })).sort()).toEqual([...lateIds].sort());
      const all = await idsIn(config, revised);
      expect(all.length).toBe(ids.length + lateIds.length);
      expect(new Set(all).size).toBe(all.length);
      // The first delivery's object is byte for byte what it was; the manifest is revision 2.
      const after = await objectDigests(await listKeys(customer.account.s3, BUCKET, folder(config)));
      for (const [key, digest] of before.get(config.id)!) {
        if (!key.includes('_manifest_')) expect(after.get(key)).toBe(digest);
      }
      expect(after.size).toBe(before.get(config.id)!.size + 1);
      expect(await manifestOf({ manifestKey: revised.manifestKey! })).toMatchObject({
        revision: 2,
        totals: { objects: 2, records: ids.length + lateIds.length },
      });
      await handle.delete();
    }
    const report = await verifyExportedFiles({
      reader: s3BucketReader(customer.account.s3, BUCKET),
      prefix: 'logs',
      from: dayBefore.start.slice(0, 10),
      to: yesterday.start.slice(0, 10),
      publicKeys: [TEST_SIGNING_KEY.publicKey],
    });
    expect(report.problems).toEqual([]);
    expect(report.revised).toHaveLength(2);
  });

  it('puts records stored while the window uploads into that delivery or the next, never both, never neither', async () => {
    const window = day(20);
    const initial = await store(window, 3_000, 0);
    const racer = await startTestWorker({ store: db.store, moto, settings: { maxRecordsPerPart: 100 } });
    try {
      let exporting = true;
      let roundsDuring = 0;
      const ingested: string[] = [];
      const ingest = (async () => {
        for (let round = 0; exporting || round < 20; round++) {
          const batch = [...generateClientLogs({ seed: 90_000 + round, organization: 'acme', window, count: 15 })];
          await db.store.logs.insertClientLogs(batch);
          ingested.push(...batch.map((r) => r.request_id));
          if (exporting) roundsDuring++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const delivered = await runExportWindow(racer.client, {
        exportId: clientExport.id,
        windowStart: window.start,
        taskQueue: racer.taskQueue,
      });
      exporting = false;
      await ingest;
      expect(delivered.objects.length).toBeGreaterThanOrEqual(30);
      expect(roundsDuring).toBeGreaterThanOrEqual(20);
      const corrected = await runExportWindow(racer.client, {
        exportId: clientExport.id,
        windowStart: window.start,
        taskQueue: racer.taskQueue,
      });
      const ids = await idsIn(clientExport, corrected);
      expect(ids.length).toBe(new Set(ids).size);
      expect(new Set(ids)).toEqual(new Set([...initial.client, ...ingested]));
      expect(corrected.records).toBe(initial.client.length + ingested.length);
      console.log(
        `race on ${kind}: ${roundsDuring} ingest rounds during the first delivery (${delivered.objects.length} parts, ` +
          `${delivered.records} records), ${ingested.length} records ingested in all, ` +
          `${corrected.deliveredRecords} delivered by the correction, ${ids.length} in the bucket, each once`,
      );
    } finally {
      await racer.stop();
    }
  }, 180_000);
});

function sha256Of(digests: Map<string, string>, key: string): string {
  const digest = digests.get(key);
  if (!digest) throw new Error(`no digest recorded for ${key}`);
  return digest;
}
