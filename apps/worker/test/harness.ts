// Test harness for the export path on real components: a SQLite file, the moto emulator (one per
// test file, so IAM enforcement in one file cannot disturb another), the shared Temporal dev
// server, and a real worker on a task queue of its own.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createLogger, withWorkerProcessSettings } from '@log-exporter/config';
import { type ManifestSigningKey, generateSigningKey, parseSigningKey } from '@log-exporter/manifests';
import {
  type ExportSettings,
  type NotificationSettings,
  type RetentionSettings,
  createExportActivities,
  createNotificationActivities,
  createRetentionActivities,
} from '@log-exporter/activities';
import {
  CustomerCredentials,
  CustomerS3Clients,
  generateExternalId,
  permissionPolicy,
  trustPolicy,
} from '@log-exporter/aws';
import {
  type EmulatedCustomerAccount,
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type DatabaseKind,
  type MotoServer,
  type TestDatabase,
  DATA_DIR,
  REPO_ROOT,
  type Service,
  TEMPORAL_BIN,
  createTestDatabase,
  createCustomerAccount,
  freePort,
  startMotoServer,
  startService,
} from '@log-exporter/local-stack';
import {
  type ClientLogRecord,
  type CreateExportInput,
  type Destination,
  type ExportConfig,
  createExportInputSchema,
} from '@log-exporter/schemas';
import { type Store, openStore } from '@log-exporter/store';
import { createExportWorker } from '../src/export-worker';

// The SDK's own logger: errors only, so expected failures in tests do not flood the output.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed by an earlier test file in this Jest worker
}

/**
 * With RECORD_WORKFLOW_HISTORIES=1, saves a finished workflow's history for the replay tests of
 * libs/workflows (`npm run record-histories`), so a non-deterministic change to the workflow
 * code fails CI.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_WORKFLOW_HISTORIES !== '1') return;
  // The CLI writes the JSON form that Worker.runReplayHistory reads back.
  const json = execFileSync(
    TEMPORAL_BIN,
    [
      'workflow',
      'show',
      '--address',
      process.env.TEMPORAL_ADDRESS!,
      '--workflow-id',
      handle.workflowId,
      '--output',
      'json',
    ],
    { encoding: 'utf8' },
  );
  const dir = join(__dirname, '..', '..', '..', 'libs', 'workflows', 'test', 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), json);
}

export async function startMoto(): Promise<MotoServer> {
  return startMotoServer({ port: await freePort() });
}

export interface TestStore {
  store: Store;
  kind: DatabaseKind;
  close(): Promise<void>;
}

/** A fresh store of its own on the given backend (every integration test runs on both). */
export async function openTestStore(kind: DatabaseKind): Promise<TestStore> {
  const database = await createTestDatabase(kind);
  const store = await openStore(database.url);
  return {
    store,
    kind,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

export interface CustomerSetup {
  destination: Destination;
  account: EmulatedCustomerAccount;
}

let accountCounter = 0;

/** A customer as onboarding leaves them: destination in our store, account and role in moto. */
export async function onboardCustomer(
  store: Store,
  moto: MotoServer,
  options: { organization: string; bucket: string; prefix?: string; createBucket?: boolean },
): Promise<CustomerSetup> {
  accountCounter++;
  const awsAccountId = String(210000000000 + accountCounter * 1111 + (process.pid % 1000));
  const roleName = `LogsWriter${accountCounter}`;
  const externalId = generateExternalId();
  const prefix = options.prefix ?? 'cloudsmith-logs';
  const account = await createCustomerAccount(moto.endpoint, {
    accountId: awsAccountId,
    bucket: options.bucket,
    roleName,
    trustPolicy: trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId }),
    permissionPolicy: permissionPolicy({ bucket: options.bucket, prefix }),
    createBucket: options.createBucket ?? true,
  });
  const destination = await store.destinations.create({
    organization: options.organization,
    awsAccountId,
    bucket: options.bucket,
    region: 'us-east-1',
    prefix,
    roleName,
    externalId,
  });
  return { destination, account };
}

export async function createExport(
  store: Store,
  destination: Destination,
  input: Omit<CreateExportInput, 'destinationId'>,
): Promise<ExportConfig> {
  const parsed = createExportInputSchema.parse({ destinationId: destination.id, ...input });
  return store.exports.create(parsed, destination.organization);
}

export interface TestWorker {
  client: Client;
  taskQueue: string;
  worker: Worker;
  credentials: CustomerCredentials;
  /** Everything the activities logged, one parsed JSON object per line. */
  logLines: Record<string, unknown>[];
  stop(): Promise<void>;
}

let queueCounter = 0;

/** The key test workers sign manifests with (a new one per test file). */
export const TEST_SIGNING_KEY: ManifestSigningKey = parseSigningKey(generateSigningKey());

export async function startTestWorker(options: {
  store: Store;
  moto: MotoServer;
  ownCredentials?: AwsCredentialIdentity;
  settings?: Partial<ExportSettings>;
  /** Defaults to the suite's test key; null writes unsigned manifests. */
  manifestSigningKey?: ManifestSigningKey | null;
  /** Where the worker sends its AWS calls (a fault proxy); the emulator itself by default. */
  awsEndpoint?: string;
  s3RequestTimeoutMs?: number;
  /** A Temporal server of the test's own (the suite's shared one by default). */
  temporalAddress?: string;
  /** The log clean-up's settings and clock. */
  retention?: { settings?: Partial<RetentionSettings>; now?: () => number };
  /** Notification delivery settings (loopback receivers are allowed by default). */
  notifications?: Partial<NotificationSettings>;
}): Promise<TestWorker> {
  const address = options.temporalAddress ?? process.env.TEMPORAL_ADDRESS;
  const bundle = process.env.TEST_WORKFLOW_BUNDLE;
  if (!address || !bundle) throw new Error('TEMPORAL_ADDRESS and TEST_WORKFLOW_BUNDLE come from the jest global setup');
  const taskQueue = `test-${process.pid}-${++queueCounter}-${Date.now()}`;
  const logLines: Record<string, unknown>[] = [];
  // The production logger (with its redaction), capturing what it writes.
  const logger = createLogger({
    name: 'worker',
    level: 'debug',
    destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const aws = { region: 'us-east-1', endpoint: options.awsEndpoint ?? options.moto.endpoint };
  const credentials = new CustomerCredentials({
    ...aws,
    exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID,
    ownCredentials: options.ownCredentials ?? EMULATOR_DUMMY_CREDENTIALS,
  });
  const s3 = new CustomerS3Clients(credentials, aws, options.s3RequestTimeoutMs);
  const activities = createExportActivities({
    store: options.store,
    credentials,
    s3,
    logger,
    manifestSigningKey: options.manifestSigningKey === undefined ? TEST_SIGNING_KEY : options.manifestSigningKey,
    settings: { settleDelayMs: 0, heartbeatIntervalMs: 500, ...options.settings },
  });
  const retentionActivities = createRetentionActivities({
    store: options.store,
    logger,
    ...(options.retention ? { settings: options.retention.settings, now: options.retention.now } : {}),
  });
  // Test receivers listen on loopback.
  const notificationActivities = createNotificationActivities({
    store: options.store,
    logger,
    settings: { allowLoopback: true, adminUrl: 'http://admin.test', ...options.notifications },
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await createExportWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: { ...activities, ...notificationActivities, ...retentionActivities },
    workflowBundlePath: bundle,
    shutdownGraceTime: '1 second',
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    client,
    taskQueue,
    worker,
    credentials,
    logLines,
    stop: async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      s3.destroy();
      credentials.destroy();
    },
  };
}

/** Waits for the first workflow a schedule started (trigger, or its time) and returns its handle. */
export async function firstScheduledWorkflow(client: Client, scheduleId: string): Promise<WorkflowHandle> {
  const schedule = client.schedule.getHandle(scheduleId);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [action] = (await schedule.describe()).info.recentActions;
    if (action) return client.workflow.getHandle(action.action.workflow.workflowId);
    if (Date.now() > deadline) throw new Error(`schedule ${scheduleId} started nothing in 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/**
 * The worker app itself (src/main.ts) in a process of its own, on the test's database and moto,
 * configured by its environment as in production; `env` adds to or overrides the test defaults.
 */
export function startWorkerProcess(options: {
  name: string;
  taskQueue: string;
  databaseUrl: string;
  moto: MotoServer;
  env?: NodeJS.ProcessEnv;
}): Service {
  return startService(
    'worker',
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts')],
    {
      logFile: join(DATA_DIR, 'test', `${options.name}-${process.pid}.log`),
      cwd: REPO_ROOT,
      env: withWorkerProcessSettings({
        ...process.env,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: options.taskQueue,
        DATABASE_URL: options.databaseUrl,
        AWS_ENDPOINT_URL: options.moto.endpoint,
        AWS_ACCESS_KEY_ID: EMULATOR_DUMMY_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_DUMMY_CREDENTIALS.secretAccessKey,
        EXPORTER_AWS_ACCOUNT_ID: EMULATED_EXPORTER_ACCOUNT_ID,
        EXPORT_SETTLE_DELAY: '0s',
        // Worker processes of parallel test files side by side: each its own metrics port.
        WORKER_METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        ...options.env,
      }),
    },
  );
}

/**
 * A suite whose workers are app processes (startWorkerProcess): moto, a database of `kind` holding
 * `records`, and a Temporal client (a test worker on a task queue of its own, used only as a
 * client); all of it, and every worker started through `startWorker`, stopped after the suite.
 * The fields are set before the suite's first test.
 */
export interface ProcessSuite {
  moto: MotoServer;
  database: TestDatabase;
  store: Store;
  client: TestWorker;
  startWorker(options: { name: string; taskQueue: string; env?: NodeJS.ProcessEnv }): Service;
}

export function processSuite(kind: DatabaseKind, records: () => ClientLogRecord[]): ProcessSuite {
  const workers: Service[] = [];
  const suite = {
    startWorker: (options: { name: string; taskQueue: string; env?: NodeJS.ProcessEnv }) => {
      const worker = startWorkerProcess({ ...options, databaseUrl: suite.database.url, moto: suite.moto });
      workers.push(worker);
      return worker;
    },
  } as ProcessSuite;
  beforeAll(async () => {
    suite.moto = await startMoto();
    suite.database = await createTestDatabase(kind);
    suite.store = await openStore(suite.database.url);
    suite.client = await startTestWorker({ store: suite.store, moto: suite.moto });
    await suite.store.logs.insertClientLogs(records());
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await suite.client?.stop();
    await suite.store?.close();
    await suite.database?.drop();
    await suite.moto?.stop();
  });
  return suite;
}
