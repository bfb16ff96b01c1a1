// exportWindow end to end on a real Temporal dev server, the moto S3/STS emulator and SQLite.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { parse as parseCsv } from 'csv-parse/sync';
import { runExportWindow, startExportWindow } from '@log-exporter/client';
import { type MotoServer, listKeys, readObject } from '@log-exporter/local-stack';
import {
  CLIENT_LOG_CSV_FIELDS,
  type ClientLogRecord,
  type ExportWindow,
  type ExportWindowResult,
  manifestSchema,
} from '@log-exporter/schemas';
import type { WindowScope } from '@log-exporter/store';
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

const WINDOW: ExportWindow = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const DAY_BEFORE: ExportWindow = { start: '2026-11-19T00:00:00Z', end: '2026-11-20T00:00:00Z' };
const DAY_AFTER: ExportWindow = { start: '2026-11-21T00:00:00Z', end: '2026-11-22T00:00:00Z' };

describe.each(TEST_DATABASE_KINDS)('on %s', (kind) => {
  let moto: MotoServer;
  let db: TestStore;
  let worker: TestWorker;

  beforeAll(async () => {
    moto = await startMoto();
    db = await openTestStore(kind);
    worker = await startTestWorker({ store: db.store, moto });
    // acme's window, its neighbours, and another organisation in the same window.
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 4_000 }),
    ]);
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 2, organization: 'acme', window: DAY_BEFORE, count: 150 }),
    ]);
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 3, organization: 'acme', window: DAY_AFTER, count: 150 }),
    ]);
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 4, organization: 'globex', window: WINDOW, count: 300 }),
    ]);
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await moto?.stop();
  });

  async function storedWindow(scope: Omit<WindowScope, 'logType'>): Promise<ClientLogRecord[]> {
    const records: ClientLogRecord[] = [];
    for await (const page of db.store.logs.clientLogPages(
      { logType: 'client', ...scope },
      { after: null, until: null },
    )) {
      records.push(...page);
    }
    return records;
  }

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  describe('exportWindow', () => {
    it('writes a json-ts + gzip window that reads back record for record, then a manifest that describes it', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-logs',
      });
      const config = await createExport(db.store, destination, {
        logType: 'client',
        format: 'json-ts',
        folder: 'client-logs',
      });

      const started = await startExportWindow(worker.client, {
        exportId: config.id,
        windowStart: '2026-11-20',
        taskQueue: worker.taskQueue,
      });
      const result = (await started.handle.result()) as ExportWindowResult;
      await recordHistory('export-window-succeeded', started.handle);

      expect(result.records).toBe(4_000);
      expect(result.objects).toHaveLength(1);
      const keys = await listKeys(account.s3, 'acme-logs');
      expect(keys).toEqual(
        [
          `cloudsmith-logs/client-logs/dt=2026-11-20/client_${config.id}_2026-11-20_part00001.log.gz`,
          `cloudsmith-logs/client-logs/dt=2026-11-20/_manifest_${config.id}_2026-11-20.json`,
        ].sort(),
      );

      const object = await readObject(account.s3, 'acme-logs', result.objects[0]!.key);
      const lines = gunzipSync(object).toString('utf8').split('\n');
      expect(lines.pop()).toBe(''); // every line ends in \n
      const exported = lines.map((line) => {
        const space = line.indexOf(' ');
        const record = JSON.parse(line.slice(space + 1)) as ClientLogRecord;
        expect(line.slice(0, space)).toBe(record.datetime);
        return record;
      });
      const stored = await storedWindow({ organization: 'acme', repositories: null, window: WINDOW });
      expect(stored).toHaveLength(4_000);
      expect(exported).toEqual(stored);

      const manifest = manifestSchema.parse(
        JSON.parse((await readObject(account.s3, 'acme-logs', result.manifestKey)).toString('utf8')),
      );
      expect(manifest.window).toEqual(WINDOW);
      expect(manifest.totals).toEqual({ objects: 1, records: 4_000, bytes: object.length });
      expect(manifest.objects).toEqual([
        { key: result.objects[0]!.key, records: 4_000, bytes: object.length, sha256: sha256(object) },
      ]);

      const run = await db.store.runs.get(config.id, WINDOW.start);
      expect(run).toMatchObject({
        status: 'succeeded',
        records: 4_000,
        bytes: object.length,
        manifestKey: result.manifestKey,
        attempts: 1,
      });
      const health = (await db.store.exports.get(config.id))!.health;
      expect(health).toMatchObject({ lastSuccessWindow: WINDOW.start, consecutiveFailures: 0 });
    });

    it('writes CSV limited to selected repositories, parsed back by csv-parse', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-csv',
        prefix: '',
      });
      const config = await createExport(db.store, destination, {
        logType: 'client',
        format: 'csv',
        folder: 'downloads',
        compression: 'none',
        repositories: ['prod-rpm', 'npm-internal'],
      });

      const result = await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
      });

      const text = (await readObject(account.s3, 'acme-csv', result.objects[0]!.key)).toString('utf8');
      expect(result.objects[0]!.key).toBe(`downloads/dt=2026-11-20/client_${config.id}_2026-11-20_part00001.csv`);
      const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
      const stored = await storedWindow({
        organization: 'acme',
        repositories: ['npm-internal', 'prod-rpm'],
        window: WINDOW,
      });
      expect(stored.length).toBeGreaterThan(500);
      expect(stored.every((r) => r.repository === 'acme/prod-rpm' || r.repository === 'acme/npm-internal')).toBe(true);
      expect(rows).toEqual(
        stored.map((r) => Object.fromEntries(CLIENT_LOG_CSV_FIELDS.map((f) => [f, r[f] === null ? '' : String(r[f])]))),
      );
      expect(result.records).toBe(stored.length);
    });

    it('splits a window into numbered parts that together hold every record exactly once', async () => {
      const small = await startTestWorker({ store: db.store, moto, settings: { maxRecordsPerPart: 1_500 } });
      try {
        const { destination, account } = await onboardCustomer(db.store, moto, {
          organization: 'acme',
          bucket: 'acme-parts',
        });
        const config = await createExport(db.store, destination, {
          logType: 'client',
          format: 'json',
          folder: 'client',
        });

        const started = await startExportWindow(small.client, {
          exportId: config.id,
          windowStart: WINDOW.start,
          taskQueue: small.taskQueue,
        });
        const result = (await started.handle.result()) as ExportWindowResult;
        await recordHistory('export-window-three-parts', started.handle);

        expect(result.objects.map((o) => [o.key.split('_').pop(), o.records])).toEqual([
          ['part00001.jsonl.gz', 1_500],
          ['part00002.jsonl.gz', 1_500],
          ['part00003.jsonl.gz', 1_000],
        ]);
        const exported: ClientLogRecord[] = [];
        for (const object of result.objects) {
          const lines = gunzipSync(await readObject(account.s3, 'acme-parts', object.key))
            .toString('utf8')
            .trimEnd()
            .split('\n');
          exported.push(...lines.map((l) => JSON.parse(l) as ClientLogRecord));
        }
        const ids = exported.map((r) => r.request_id);
        expect(new Set(ids).size).toBe(4_000);
        expect(exported).toEqual(await storedWindow({ organization: 'acme', repositories: null, window: WINDOW }));
      } finally {
        await small.stop();
      }
    });

    it('runs a window once: a second start finds nothing late and writes nothing, a forced re-run rewrites identical bytes and keeps one run record', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-twice',
      });
      const config = await createExport(db.store, destination, {
        logType: 'client',
        format: 'json-ts',
        folder: 'client',
      });
      const options = { exportId: config.id, windowStart: WINDOW.start, taskQueue: worker.taskQueue };

      const first = await runExportWindow(worker.client, options);
      const keys = await listKeys(account.s3, 'acme-twice');
      const before = await Promise.all(keys.map((k) => readObject(account.s3, 'acme-twice', k)));

      const again = await runExportWindow(worker.client, options);
      expect(again).toMatchObject({ upToDate: true, deliveredRecords: 0, revision: 1, objects: first.objects });
      expect((await db.store.runs.list(config.id))[0]).toMatchObject({ attempts: 1, revision: 1 });

      const second = await runExportWindow(worker.client, { ...options, rerun: true });
      expect(second).toEqual({ ...first, revision: 2 });
      expect(await listKeys(account.s3, 'acme-twice')).toEqual(keys);
      const after = await Promise.all(keys.map((k) => readObject(account.s3, 'acme-twice', k)));
      // The data objects are byte-identical; the manifest is its next revision, naming the first.
      const data = (list: Buffer[]) => list.filter((_, i) => !keys[i]!.includes('_manifest_')).map(sha256);
      expect(data(after)).toEqual(data(before));
      const manifestAt = keys.findIndex((k) => k.includes('_manifest_'));
      const manifest = JSON.parse(after[manifestAt]!.toString('utf8')) as {
        revision: number;
        previousRevisions: unknown;
      };
      expect(manifest).toMatchObject({
        revision: 2,
        previousRevisions: [{ revision: 1, sha256: sha256(before[manifestAt]!) }],
      });

      const runs = await db.store.runs.list(config.id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'succeeded', attempts: 2, records: 4_000, revision: 2 });
    });

    it('writes a manifest with no objects for a window without records', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'initech',
        bucket: 'initech-logs',
      });
      const config = await createExport(db.store, destination, { logType: 'client', format: 'csv', folder: 'client' });

      const started = await startExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
      });
      const result = (await started.handle.result()) as ExportWindowResult;
      await recordHistory('export-window-empty', started.handle);

      expect(result).toMatchObject({ records: 0, objects: [] });
      expect(await listKeys(account.s3, 'initech-logs')).toEqual([result.manifestKey]);
      const manifest = manifestSchema.parse(
        JSON.parse((await readObject(account.s3, 'initech-logs', result.manifestKey)).toString('utf8')),
      );
      expect(manifest.totals).toEqual({ objects: 0, records: 0, bytes: 0 });
    });

    it('fails non-retryably, naming the bucket, when the bucket does not exist', async () => {
      const { destination } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-missing-bucket',
        createBucket: false,
      });
      const config = await createExport(db.store, destination, {
        logType: 'client',
        format: 'json-ts',
        folder: 'client',
      });
      const started = await startExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
      });

      const failure = await started.handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      await recordHistory('export-window-bucket-missing', started.handle);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('BucketNotFound');
      expect((cause as ApplicationFailure).message).toContain('"acme-missing-bucket"');

      // The upload was attempted once: a missing bucket is not retried.
      const history = await started.handle.fetchHistory();
      const uploadStarts = (history.events ?? []).filter(
        (e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt !== undefined,
      );
      expect(uploadStarts.every((e) => e.activityTaskStartedEventAttributes!.attempt === 1)).toBe(true);

      const run = await db.store.runs.get(config.id, WINDOW.start);
      expect(run).toMatchObject({ status: 'failed', error: { type: 'BucketNotFound' } });
      expect(run!.error!.message).toContain('acme-missing-bucket');
      expect((await db.store.exports.get(config.id))!.health.consecutiveFailures).toBe(1);
    });
  });
});
