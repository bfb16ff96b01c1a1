// The export activities run in Temporal's mock activity context (it records heartbeats), against a
// real SQLite store and the moto emulator. The workflow around them is tested in apps/worker.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import {
  CustomerCredentials,
  CustomerS3Clients,
  generateExternalId,
  permissionPolicy,
  trustPolicy,
} from '@log-exporter/aws';
import {
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type MotoServer,
  createCustomerAccount,
  ensurePythonTools,
  freePort,
  startMotoServer,
} from '@log-exporter/local-stack';
import { type ExportActivities, type ExportConfig, createExportInputSchema } from '@log-exporter/schemas';
import { type Store, openSqliteStore } from '@log-exporter/store';
import { generateClientLogs } from '@log-exporter/testing';
import { createExportActivities } from '../src';

/** Temporal's activity context without a server; SDK log lines off (failures here are expected). */
function mockEnvironment(): MockActivityEnvironment {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) });
}

/** MockActivityEnvironment.run, typed by the activity it runs. */
function call<A extends unknown[], R>(
  env: MockActivityEnvironment,
  fn: (...args: A) => Promise<R>,
  ...args: A
): Promise<R> {
  return env.run(fn, ...args) as Promise<R>;
}

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };

let dir: string;
let store: Store;
let moto: MotoServer;
let credentials: CustomerCredentials;
let s3: CustomerS3Clients;
let config: ExportConfig;

function activities(settings: Parameters<typeof createExportActivities>[0]['settings'] = {}): ExportActivities {
  return createExportActivities({ store, credentials, s3, logger: pino({ level: 'silent' }), settings });
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

beforeAll(async () => {
  ensurePythonTools();
  dir = mkdtempSync(join(tmpdir(), 'activities-test-'));
  store = await openSqliteStore({ path: join(dir, 'store.db') });
  moto = await startMotoServer({ port: await freePort() });
  const externalId = generateExternalId();
  await createCustomerAccount(moto.endpoint, {
    accountId: '777788889999',
    bucket: 'acts',
    roleName: 'W',
    trustPolicy: trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId }),
    permissionPolicy: permissionPolicy({ bucket: 'acts', prefix: 'p' }),
  });
  const destination = await store.destinations.create({
    organization: 'acme',
    awsAccountId: '777788889999',
    bucket: 'acts',
    region: 'us-east-1',
    prefix: 'p',
    roleName: 'W',
    externalId,
  });
  config = await store.exports.create(
    createExportInputSchema.parse({ destinationId: destination.id, logType: 'client', format: 'json', folder: 'f' }),
    'acme',
  );
  credentials = new CustomerCredentials({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID,
    ownCredentials: EMULATOR_DUMMY_CREDENTIALS,
  });
  s3 = new CustomerS3Clients(credentials, { endpoint: moto.endpoint });
  await store.logs.insertClientLogs([
    ...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 1_000 }),
  ]);
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  credentials?.destroy();
  await moto?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('resolveExport', () => {
  it('snapshots the export, its window, keys and when it may run', async () => {
    const env = mockEnvironment();
    const resolved = await call(env, activities({ settleDelayMs: 30 * 60_000 }).resolveExport, {
      exportId: config.id,
      windowStart: '2026-11-20',
    });
    expect(resolved).toMatchObject({
      exportId: config.id,
      organization: 'acme',
      bucket: 'acts',
      roleArn: 'arn:aws:iam::777788889999:role/W',
      window: WINDOW,
      readyAt: '2026-11-21T00:30:00Z',
      manifestKey: `p/f/dt=2026-11-20/_manifest_${config.id}_2026-11-20.json`,
    });
    expect(JSON.stringify(resolved)).not.toContain((await store.destinations.get(config.destinationId))!.externalId);
  });

  it('fails non-retryably for an export that does not exist', async () => {
    const failure = await failureOf(
      call(mockEnvironment(), activities().resolveExport, {
        exportId: 'exp_aaaaaaaaaaaaaaaa',
        windowStart: '2026-11-20',
      }),
    );
    expect(failure).toMatchObject({ type: 'ExportNotFound', nonRetryable: true });
    expect(failure.message).toContain('exp_aaaaaaaaaaaaaaaa');
  });

  it('fails non-retryably for a window not aligned to the cadence', async () => {
    const failure = await failureOf(
      call(mockEnvironment(), activities().resolveExport, { exportId: config.id, windowStart: '2026-11-20T05:00:00Z' }),
    );
    expect(failure).toMatchObject({ type: 'InvalidWindow', nonRetryable: true });
    expect(failure.message).toContain('"2026-11-20T05:00:00Z"');
  });
});

describe('planWindowParts', () => {
  async function plan(maxRecordsPerPart: number, window = WINDOW) {
    const acts = activities({ maxRecordsPerPart });
    const env = mockEnvironment();
    const resolved = await call(env, acts.resolveExport, { exportId: config.id, windowStart: window.start });
    return call(env, acts.planWindowParts, { resolved });
  }

  it('cuts the window into parts of at most N records, the last one open-ended', async () => {
    const { totalRecords, parts } = await plan(400);
    expect(totalRecords).toBe(1_000);
    expect(parts.map((p) => [p.partNumber, p.plannedRecords])).toEqual([
      [1, 400],
      [2, 400],
      [3, 200],
    ]);
    expect(parts[0]!.after).toBeNull();
    expect(parts[1]!.after).toEqual(parts[0]!.until);
    expect(parts[2]!.until).toBeNull();
    expect(parts.map((p) => p.key.split('_').pop())).toEqual([
      'part00001.jsonl.gz',
      'part00002.jsonl.gz',
      'part00003.jsonl.gz',
    ]);
  });

  it('makes no empty trailing part when the count divides evenly', async () => {
    expect((await plan(500)).parts.map((p) => p.plannedRecords)).toEqual([500, 500]);
  });

  it('plans no parts for an empty window', async () => {
    // A first delivery, even of nothing: it still gets a manifest (revision 1), so it is not "up to date".
    expect(await plan(500, { start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z' })).toEqual({
      totalRecords: 0,
      parts: [],
      delivery: {
        revision: 1,
        afterSeq: null,
        upToSeq: 1_000,
        keptObjects: [],
        previousRevisions: [],
        upToDate: false,
      },
    });
  });
});

describe('uploadPart', () => {
  it('heartbeats its progress while it streams, and reports the object it wrote', async () => {
    const acts = activities({ heartbeatIntervalMs: 5 });
    const env = mockEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const resolved = await call(env, acts.resolveExport, { exportId: config.id, windowStart: WINDOW.start });
    const { parts } = await call(env, acts.planWindowParts, { resolved });
    const object = await call(env, acts.uploadPart, { resolved, part: parts[0]! });
    expect(object).toMatchObject({ key: parts[0]!.key, records: 1_000 });
    expect(object.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(beats.length).toBeGreaterThan(0);
    expect(beats[0]).toMatchObject({ partNumber: 1 });
  });
});
