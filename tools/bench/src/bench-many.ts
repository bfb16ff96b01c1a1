// Many small exports on one worker: N organisations, each with its own destination (External ID,
// prefix) and a client-log export of a few records, all started for one window at once through
// the typed client, run by one production worker against the Temporal dev server and moto.
// Measures the per-window overhead (workflow, activities, role assumption, manifest), not bytes.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { generateExternalId, permissionPolicy, trustPolicy } from '@log-exporter/aws';
import { startExportWindow } from '@log-exporter/client';
import {
  DATA_DIR,
  EMULATED_EXPORTER_ACCOUNT_ID,
  type EmulatedCustomerAccount,
  type LocalStack,
  createCustomerAccount,
  listKeys,
  startLocalStack,
} from '@log-exporter/local-stack';
import { type ExportWindowResult, createExportInputSchema } from '@log-exporter/schemas';
import { openSqliteStore } from '@log-exporter/store';
import { generateClientLogs } from '@log-exporter/testing';
import { buildWorker, startBenchWorker } from './bench-worker';

const WINDOW = { start: '2026-10-01T00:00:00Z', end: '2026-10-02T00:00:00Z' };
const BUCKET = 'bench-many';
/** Start requests in flight at once (the windows themselves all run at once). */
const START_CONCURRENCY = 50;
const RESULT_CONCURRENCY = 200;
/** Organisations whose External IDs one role's trust policy lists. */
const EXTERNAL_IDS_PER_ROLE = 100;

export interface ManyExportsBenchResult {
  exports: number;
  recordsPerExport: number;
  seconds: number;
  windowsPerSec: number;
  peakRssMb: number;
  objects: number;
}

export async function benchManyExports(options: {
  exports: number;
  recordsPerExport: number;
  print: (l: string) => void;
}): Promise<ManyExportsBenchResult> {
  const { print, exports: count, recordsPerExport } = options;
  const dir = join(DATA_DIR, 'bench');
  mkdirSync(dir, { recursive: true });
  const storePath = join(dir, `many-${process.pid}.db`);
  const workerMain = buildWorker(print);

  print('starting Temporal and the S3 emulator…');
  const stack: LocalStack = await startLocalStack({ headless: true });
  const moto = stack.moto!;
  let connection: Connection | undefined;
  try {
    // Organisations share roles, EXTERNAL_IDS_PER_ROLE at a time, each role's trust policy listing
    // its organisations' External IDs (IAM takes a list of values in a condition and matches any
    // of them), as the local stack's STS checks it. Not one role for all: the STS stand-in reads
    // the role's trust policy from moto on every AssumeRole, so one policy of N External IDs made
    // the bench's own set-up cost grow with N² (at 10,000 exports each GetRole returned ~400 KB).
    const externalIds = Array.from({ length: count }, () => generateExternalId());
    const [statement] = trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId: '' }).Statement;
    const roleOf = (i: number) => `BenchWriter-${String(Math.floor(i / EXTERNAL_IDS_PER_ROLE)).padStart(3, '0')}`;
    const accounts: EmulatedCustomerAccount[] = [];
    for (let first = 0; first < count; first += EXTERNAL_IDS_PER_ROLE) {
      const ids = externalIds.slice(first, first + EXTERNAL_IDS_PER_ROLE);
      accounts.push(
        await createCustomerAccount(moto.endpoint, {
          accountId: '525252525252',
          bucket: BUCKET,
          createBucket: first === 0,
          roleName: roleOf(first),
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ ...statement, Condition: { StringEquals: { 'sts:ExternalId': ids } } }],
          },
          permissionPolicy: permissionPolicy({ bucket: BUCKET, prefix: '' }),
        }),
      );
    }
    const account = accounts[0]!;

    print(`onboarding ${count.toLocaleString('en-US')} organisations with ${recordsPerExport} records each…`);
    const store = await openSqliteStore({ path: storePath });
    const exportIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const organization = `org-${String(i).padStart(5, '0')}`;
      const destination = await store.destinations.create({
        organization,
        awsAccountId: '525252525252',
        bucket: BUCKET,
        region: 'us-east-1',
        prefix: organization,
        roleName: roleOf(i),
        externalId: externalIds[i] as string,
      });
      const config = await store.exports.create(
        createExportInputSchema.parse({
          destinationId: destination.id,
          logType: 'client',
          format: 'json-ts',
          folder: 'client-logs',
        }),
        organization,
      );
      exportIds.push(config.id);
      await store.logs.insertClientLogs([
        ...generateClientLogs({ seed: i + 1, organization, window: WINDOW, count: recordsPerExport }),
      ]);
    }
    await store.close();

    connection = await Connection.connect({ address: stack.temporal.address });
    const client = new Client({ connection });
    const worker = await startBenchWorker({
      workerMain,
      client,
      taskQueue: `bench-many-${process.pid}`,
      logName: 'worker-many.log',
      env: { ...stack.env, DATABASE_URL: `sqlite:${storePath}`, EXPORT_SETTLE_DELAY: '0s' },
    });
    try {
      print(`exporting ${count.toLocaleString('en-US')} windows on one worker…`);
      const started = process.hrtime.bigint();
      // Every window is started at once, as a day's schedules fire together; the starts themselves
      // go out START_CONCURRENCY at a time.
      const handles: { result(): Promise<unknown> }[] = [];
      let next = 0;
      const lane = async () => {
        while (next < exportIds.length) {
          const exportId = exportIds[next++] as string;
          const run = await startExportWindow(client, {
            exportId,
            windowStart: WINDOW.start,
            taskQueue: worker.taskQueue,
          });
          if (run.status !== 'running') throw new Error(`window of ${exportId} reported ${run.status} on first start`);
          handles.push(run.handle);
        }
      };
      await Promise.all(Array.from({ length: START_CONCURRENCY }, lane));
      // Results are awaited RESULT_CONCURRENCY at a time: each is a long poll, and the dev
      // server refuses more than about a thousand at once (RESOURCE_EXHAUSTED).
      const results: ExportWindowResult[] = new Array(handles.length);
      let waited = 0;
      const waiter = async () => {
        while (waited < handles.length) {
          const i = waited++;
          results[i] = (await handles[i]!.result()) as ExportWindowResult;
        }
      };
      await Promise.all(Array.from({ length: RESULT_CONCURRENCY }, waiter));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;

      const wrong = results.filter((r) => r.records !== recordsPerExport);
      if (results.length !== count || wrong.length > 0)
        throw new Error(
          `${results.length} windows done, ${wrong.length} with a record count other than ${recordsPerExport}`,
        );
      const keys = await listKeys(account.s3, BUCKET);
      const expectedObjects = count * 2; // one data object and one manifest per window
      if (keys.length !== expectedObjects)
        throw new Error(`${keys.length} objects in the bucket, expected ${expectedObjects}`);
      return {
        exports: count,
        recordsPerExport,
        seconds: Math.round(seconds * 100) / 100,
        windowsPerSec: Math.round((count / seconds) * 10) / 10,
        peakRssMb: worker.peakRssMb(),
        objects: keys.length,
      };
    } finally {
      await worker.service.stop();
      for (const a of accounts) a.s3.destroy();
    }
  } finally {
    await connection?.close();
    await stack.stop();
    rmSync(storePath, { force: true });
    rmSync(`${storePath}-wal`, { force: true });
    rmSync(`${storePath}-shm`, { force: true });
  }
}
