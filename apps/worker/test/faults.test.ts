// Faults production throws at an export, injected on loopback by a proxy in front of the S3/STS
// emulator (and, for the database, by another connection locking it): each window must still end
// with every record exactly once, no partial object visible, and a manifest verify accepts.
// The figures (records expected/found/duplicated, time to recover) go to .reports/faults.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { customerRoleFor, s3BucketReader } from '@log-exporter/aws';
import { runExportWindow } from '@log-exporter/client';
import {
  DATA_DIR,
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type FaultProxy,
  type FaultRule,
  type MotoServer,
  REPO_ROOT,
  type TestDatabase,
  createTestDatabase,
  freePort,
  listKeys,
  readObject,
  requestIs,
  s3Error,
  startFaultProxy,
  startPostgresServer,
  startService,
  startTemporalDevServer,
  stsError,
} from '@log-exporter/local-stack';
import { generateSigningKey, parseSigningKey, verifyExportedFiles } from '@log-exporter/manifests';
import { type Store, openStore } from '@log-exporter/store';
import { generateClientLogs } from '@log-exporter/testing';
import {
  type CustomerSetup,
  TEST_SIGNING_KEY,
  type TestWorker,
  createExport,
  onboardCustomer,
  startMoto,
  startTestWorker,
} from './harness';

const RECORDS = 20_000;
/** The PostgreSQL outage test's window: two parts large enough to still stream while they upload. */
const PG_RECORDS = 60_000;
const BUCKET = 'acme-faults';
const PREFIX = 'logs';

interface Outcome {
  fault: string;
  injected: number;
  expected: number;
  found: number;
  duplicated: number;
  secondsToSucceed: number;
  verifyProblems: number;
}

const outcomes: Outcome[] = [];
let moto: MotoServer;
let proxy: FaultProxy;
let database: TestDatabase;
let store: Store;
let worker: TestWorker;
let customer: CustomerSetup;
let exportId: string;
let dayCounter = 0;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  database = await createTestDatabase('sqlite');
  store = await openStore(database.url);
  worker = await startTestWorker({
    store,
    moto,
    awsEndpoint: proxy.endpoint,
    s3RequestTimeoutMs: 1_500,
    // Two objects per window, each above 5 MiB: multipart uploads of two parts.
    settings: { maxRecordsPerPart: RECORDS / 2, uploadPartSize: 5 * 1024 * 1024 },
  });
  customer = await onboardCustomer(store, moto, { organization: 'acme', bucket: BUCKET, prefix: PREFIX });
  exportId = (
    await createExport(store, customer.destination, {
      logType: 'client',
      format: 'json-ts',
      compression: 'none',
      folder: 'downloads',
    })
  ).id;
});

afterAll(async () => {
  mkdirSync(join(REPO_ROOT, '.reports'), { recursive: true });
  writeFileSync(join(REPO_ROOT, '.reports', 'faults.json'), JSON.stringify(outcomes, null, 2) + '\n');
  customer?.account.s3.destroy();
  await worker?.stop();
  await store?.close();
  await database?.drop();
  await proxy?.stop();
  await moto?.stop();
});

async function newWindow(): Promise<string> {
  const day = `2026-09-${String(++dayCounter).padStart(2, '0')}`;
  const window = { start: `${day}T00:00:00Z`, end: `2026-09-${String(dayCounter + 1).padStart(2, '0')}T00:00:00Z` };
  await store.logs.insertClientLogs([
    ...generateClientLogs({ seed: 7_000 + dayCounter, organization: 'acme', window, count: RECORDS }),
  ]);
  return day;
}

/** Exports the window under the faults, then checks it the way a customer would. */
async function exportUnder(
  fault: string,
  day: string,
  rules: FaultRule[],
  during?: () => Promise<void>,
  by: TestWorker = worker,
): Promise<Outcome> {
  proxy.clearRules();
  for (const rule of rules) proxy.addRule(rule);
  const started = Date.now();
  const [result] = await Promise.all([
    runExportWindow(by.client, { exportId, windowStart: day, taskQueue: by.taskQueue }),
    during?.(),
  ]);
  const secondsToSucceed = (Date.now() - started) / 1000;
  proxy.clearRules();
  const injected = rules.reduce((sum, r) => sum + proxy.fired(r.name), 0);

  const report = await verifyExportedFiles({
    reader: s3BucketReader(customer.account.s3, BUCKET),
    prefix: PREFIX,
    from: day,
    to: day,
    publicKeys: [TEST_SIGNING_KEY.publicKey],
  });
  // No partial object: the window folder holds exactly the manifest's objects and the manifest.
  const keys = await listKeys(customer.account.s3, BUCKET, `${PREFIX}/downloads/dt=${day}/`);
  expect(keys.sort()).toEqual([...result.objects.map((o) => o.key), result.manifestKey].sort());

  const ids: string[] = [];
  for (const object of result.objects) {
    const text = (await readObject(customer.account.s3, BUCKET, object.key)).toString('utf8');
    for (const line of text.split('\n'))
      if (line) ids.push((JSON.parse(line.slice(line.indexOf('{'))) as { request_id: string }).request_id);
  }
  const unique = new Set(ids);
  const outcome: Outcome = {
    fault,
    injected,
    expected: RECORDS,
    found: unique.size,
    duplicated: ids.length - unique.size,
    secondsToSucceed: Math.round(secondsToSucceed * 10) / 10,
    verifyProblems: report.problems.length,
  };
  outcomes.push(outcome);
  expect(report.problems).toEqual([]);
  expect(result.records).toBe(RECORDS);
  expect(outcome).toMatchObject({ found: RECORDS, duplicated: 0 });
  return outcome;
}

describe('an export window under faults', () => {
  it('S3 answers 503 SlowDown to part uploads', async () => {
    const day = await newWindow();
    const outcome = await exportUnder('S3 503 SlowDown ×4 (UploadPart)', day, [
      {
        name: 'slowdown',
        match: requestIs.uploadPart,
        times: 4,
        fault: s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
      },
    ]);
    expect(outcome.injected).toBe(4);
  });

  it('S3 answers 500 InternalError to completing an upload and to the manifest', async () => {
    const day = await newWindow();
    const outcome = await exportUnder('S3 500 InternalError (Complete, manifest PUT)', day, [
      {
        name: 'complete-500',
        match: requestIs.completeMultipart,
        times: 1,
        fault: s3Error(500, 'InternalError', 'We encountered an internal error.'),
      },
      {
        name: 'manifest-500',
        match: requestIs.putManifest,
        times: 1,
        fault: s3Error(500, 'InternalError', 'We encountered an internal error.'),
      },
    ]);
    expect(outcome.injected).toBe(2);
  });

  it('connections are reset mid-request', async () => {
    const day = await newWindow();
    const outcome = await exportUnder('connection reset ×3 (UploadPart, manifest PUT)', day, [
      { name: 'reset-part', match: requestIs.uploadPart, times: 2, fault: { kind: 'reset' } },
      { name: 'reset-manifest', match: requestIs.putManifest, times: 1, fault: { kind: 'reset' } },
    ]);
    expect(outcome.injected).toBe(3);
  });

  it('S3 stalls past the request timeout', async () => {
    const day = await newWindow();
    // 30 s stalls: were the request timeout not enforced, the window would take a minute.
    const outcome = await exportUnder('stall 30 s > 1.5 s request timeout ×2 (UploadPart)', day, [
      { name: 'stall', match: requestIs.uploadPart, times: 2, fault: { kind: 'delay', ms: 30_000 } },
    ]);
    expect(outcome.injected).toBe(2);
    expect(outcome.secondsToSucceed).toBeLessThan(20);
  });

  it('STS throttles AssumeRole past the SDK retries', async () => {
    const day = await newWindow();
    const destination = customer.destination;
    worker.credentials.invalidate(customerRoleFor(destination, `log-exporter-${destination.id}`));
    const outcome = await exportUnder('STS Throttling ×4 (AssumeRole)', day, [
      { name: 'throttle', match: requestIs.assumeRole, times: 4, fault: stsError(400, 'Throttling', 'Rate exceeded') },
    ]);
    expect(outcome.injected).toBe(4);
  });

  it('the Temporal server restarts in the middle of the window', async () => {
    // A server of this test's own, its state in a file, so it can be stopped and started again.
    const dir = mkdtempSync(join(tmpdir(), 'temporal-restart-'));
    const port = await freePort();
    const serverOptions = { port, dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log') };
    let server = await startTemporalDevServer(serverOptions);
    const ownWorker = await startTestWorker({
      store,
      moto,
      awsEndpoint: proxy.endpoint,
      temporalAddress: server.address,
      settings: { maxRecordsPerPart: RECORDS / 2, uploadPartSize: 5 * 1024 * 1024 },
    });
    try {
      const day = await newWindow();
      const restart = async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_500)); // the first part is uploading (slowly)
        await server.stop();
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        server = await startTemporalDevServer(serverOptions);
      };
      const outcome = await exportUnder(
        'Temporal dev server restart mid-window (down 3 s)',
        day,
        [{ name: 'slow-parts', match: requestIs.uploadPart, times: 4, fault: { kind: 'delay', ms: 1_000 } }],
        restart,
        ownWorker,
      );
      expect(outcome.injected).toBeGreaterThanOrEqual(1);
    } finally {
      await ownWorker.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the PostgreSQL server goes down three times mid-part; the worker process survives and finishes the window', async () => {
    // The real worker app in a process of its own: an unhandled 'error' of a pg client would be
    // an uncaught exception there and end the process; it must keep its PID throughout.
    const server = await startPostgresServer({ port: await freePort() });
    const databaseUrl = await server.createDatabase('faults');
    const pgStore = await openStore(databaseUrl);
    const taskQueue = `faults-pg-${process.pid}-${Date.now()}`;
    const signingKey = generateSigningKey();
    const workerProcess = startService(
      'worker',
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts')],
      {
        logFile: join(DATA_DIR, 'test', `faults-pg-${process.pid}.log`),
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          TEMPORAL_TASK_QUEUE: taskQueue,
          DATABASE_URL: databaseUrl,
          AWS_ENDPOINT_URL: proxy.endpoint,
          AWS_ACCESS_KEY_ID: EMULATOR_DUMMY_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: EMULATOR_DUMMY_CREDENTIALS.secretAccessKey,
          EXPORTER_AWS_ACCOUNT_ID: EMULATED_EXPORTER_ACCOUNT_ID,
          EXPORT_SETTLE_DELAY: '0s',
          // Worker processes of parallel test files side by side: each its own metrics port.
          WORKER_METRICS_PORT: '0',
          // Two parts of ~23 MiB: five 5 MiB chunks each, two in flight, so while a part's first
          // chunks upload, its cursor is open (the writer waits for a free buffer mid-part).
          EXPORT_PART_MAX_RECORDS: String(PG_RECORDS / 2),
          EXPORT_HEARTBEAT_TIMEOUT: '30s',
          MANIFEST_SIGNING_KEY: signingKey,
          LOG_LEVEL: 'info',
        },
      },
    );
    const pid = workerProcess.process.pid;
    const workerLog = () => readFileSync(workerProcess.logFile, 'utf8');
    const until = async (what: string, done: () => boolean) => {
      const deadline = Date.now() + 90_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`not ${what} after 90 s:\n${workerProcess.tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    try {
      await until('started', () => workerLog().includes('"msg":"worker started"'));
      const pgCustomer = await onboardCustomer(pgStore, moto, {
        organization: 'acme',
        bucket: 'acme-faults-pg',
        prefix: PREFIX,
      });
      const pgExport = await createExport(pgStore, pgCustomer.destination, {
        logType: 'client',
        format: 'json-ts',
        compression: 'none',
        folder: 'downloads',
      });
      const day = '2026-08-01';
      const window = { start: `${day}T00:00:00Z`, end: '2026-08-02T00:00:00Z' };
      await pgStore.logs.insertClientLogs([
        ...generateClientLogs({ seed: 8_001, organization: 'acme', window, count: PG_RECORDS }),
      ]);
      // Every chunk of a part held 1.2 s: an attempt takes more than the 1.5 s between outages.
      proxy.addRule({
        name: 'slow-pg-parts',
        match: requestIs.uploadPart,
        times: 40,
        fault: { kind: 'delay', ms: 1_200 },
      });
      const started = Date.now();
      let finishedAt = 0;
      const outageStarts: number[] = [];
      const [result] = await Promise.all([
        runExportWindow(worker.client, { exportId: pgExport.id, windowStart: day, taskQueue }).then((r) => {
          finishedAt = Date.now();
          return r;
        }),
        (async () => {
          for (let outage = 0; outage < 3; outage++) {
            // Down while the first or second chunk of a part is held at the proxy: the part is
            // streaming, its cursor open.
            const seen = proxy.log.length;
            await until('uploading the start of a part', () =>
              proxy.log.slice(seen).some((r) => r.fault === 'slow-pg-parts' && /[?&]partNumber=[12](&|$)/.test(r.url)),
            );
            outageStarts.push(Date.now());
            await server.outage(2_000);
          }
        })(),
      ]);
      // The window was still running at each outage, and finished only after the last one.
      expect(outageStarts).toHaveLength(3);
      expect(finishedAt).toBeGreaterThan(outageStarts[2]! + 2_000);
      expect(workerProcess.process.exitCode).toBeNull();
      expect(workerProcess.process.pid).toBe(pid);
      // Attempts the outages failed (and Temporal retried), by activity: every one as DatabaseUnavailable.
      const failed = workerLog()
        .split('\n')
        .filter((line) => line.includes('"msg":"Activity failed"'))
        .map((line) => JSON.parse(line) as { activityType: string; error?: { type?: string } });
      expect(failed.filter((f) => f.activityType === 'uploadPart').length).toBeGreaterThanOrEqual(1);
      expect(failed.every((f) => f.error?.type === 'DatabaseUnavailable')).toBe(true);
      const failedAttempts = failed.map((f) => f.activityType).join(', ');
      const seconds = (Date.now() - started) / 1000;
      proxy.clearRules();
      const report = await verifyExportedFiles({
        reader: s3BucketReader(pgCustomer.account.s3, 'acme-faults-pg'),
        prefix: PREFIX,
        from: day,
        to: day,
        publicKeys: [parseSigningKey(signingKey).publicKey],
      });
      const keys = await listKeys(pgCustomer.account.s3, 'acme-faults-pg', `${PREFIX}/downloads/dt=${day}/`);
      expect(keys.sort()).toEqual([...result.objects.map((o) => o.key), result.manifestKey].sort());
      const ids: string[] = [];
      for (const object of result.objects) {
        const text = (await readObject(pgCustomer.account.s3, 'acme-faults-pg', object.key)).toString('utf8');
        for (const line of text.split('\n'))
          if (line) ids.push((JSON.parse(line.slice(line.indexOf('{'))) as { request_id: string }).request_id);
      }
      const outcome: Outcome = {
        fault: `PostgreSQL server down 3 × 2 s mid-part (fast shutdown, restart), worker PID kept; attempts failed and retried: ${failedAttempts}`,
        injected: 3,
        expected: PG_RECORDS,
        found: new Set(ids).size,
        duplicated: ids.length - new Set(ids).size,
        secondsToSucceed: Math.round(seconds * 10) / 10,
        verifyProblems: report.problems.length,
      };
      outcomes.push(outcome);
      pgCustomer.account.s3.destroy();
      expect(report.problems).toEqual([]);
      expect(outcome).toMatchObject({ found: PG_RECORDS, duplicated: 0 });
      expect(await pgStore.runs.get(pgExport.id, window.start)).toMatchObject({
        status: 'succeeded',
        records: PG_RECORDS,
      });
    } finally {
      await workerProcess.stop();
      await pgStore.close();
      await server.stop();
    }
  }, 420_000);

  it('the database is locked by another process for 8 seconds', async () => {
    const day = await newWindow();
    const path = database.url.slice('sqlite:'.length);
    const outcome = await exportUnder('database unavailable 8 s (SQLite exclusively locked)', day, [], async () => {
      const locker = new Database(path);
      locker.exec('BEGIN EXCLUSIVE');
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      locker.exec('COMMIT');
      locker.close();
    });
    expect(outcome.secondsToSucceed).toBeGreaterThanOrEqual(8);
  });
});
