// The export worker process: reads the environment, connects to Temporal, the database and AWS,
// and runs the export workflows and activities until SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import {
  createExportActivities,
  createNotificationActivities,
  createRetentionActivities,
} from '@log-exporter/activities';
import { CustomerCredentials, CustomerS3Clients } from '@log-exporter/aws';
import {
  EnvError,
  applyWorkerRuntimeV8Flags,
  createLogger,
  memoryUsageMb,
  missingWorkerAllocatorEnv,
  missingWorkerNodeFlags,
  parseEnv,
  workerEnvSchema,
} from '@log-exporter/config';
import { SigningKeyError, parseSigningKey } from '@log-exporter/manifests';
import { openStore } from '@log-exporter/store';
import { createExportMetrics, startTelemetryServer, startTracingFromEnv } from '@log-exporter/telemetry';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createExportWorker } from './export-worker';
import { freeLoopbackPort } from './worker-telemetry';

async function main(): Promise<void> {
  applyWorkerRuntimeV8Flags();
  const env = parseEnv(workerEnvSchema);
  const logger = createLogger({ name: 'worker', level: env.LOG_LEVEL });

  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  // The SDK's Rust core serves its metrics on a loopback port of its own; ours appends them.
  const sdkMetricsPort = await freeLoopbackPort();
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}`, useSecondsForDurations: true } },
    },
    logger: new DefaultLogger(toSdkLevel(env.LOG_LEVEL), (entry) => {
      const level =
        entry.level === 'TRACE' ? 'trace' : (entry.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
      sdkLogger[level](entry.meta ?? {}, entry.message);
    }),
  });

  const manifestSigningKey = env.MANIFEST_SIGNING_KEY ? parseSigningKey(env.MANIFEST_SIGNING_KEY) : null;
  if (!manifestSigningKey)
    logger.warn('MANIFEST_SIGNING_KEY is not set: manifests are written unsigned and verify will report them');

  const tracing = startTracingFromEnv('log-exporter-worker', process.env);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createExportMetrics(registry);

  const store = await openStore(env.DATABASE_URL);
  const aws = { region: env.AWS_REGION, ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}) };
  const stsEndpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  const credentials = new CustomerCredentials({
    region: env.AWS_REGION,
    ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
    exporterAccountId: env.EXPORTER_AWS_ACCOUNT_ID,
  });
  const s3 = new CustomerS3Clients(credentials, aws);
  const activities = createExportActivities({
    store,
    credentials,
    s3,
    logger,
    manifestSigningKey,
    metrics,
    settings: {
      settleDelayMs: env.EXPORT_SETTLE_DELAY,
      maxRecordsPerPart: env.EXPORT_PART_MAX_RECORDS,
      retryFailedWindowsForMs: env.EXPORT_RETRY_FAILED_FOR,
      partConcurrency: env.EXPORT_PART_CONCURRENCY,
      uploadHeartbeatTimeoutMs: env.EXPORT_HEARTBEAT_TIMEOUT,
      lateHorizonMs: env.EXPORT_LATE_HORIZON,
    },
  });
  const retentionActivities = createRetentionActivities({
    store,
    logger,
    settings: { logRetentionMs: env.LOG_RETENTION },
  });
  const notificationActivities = createNotificationActivities({
    store,
    logger,
    settings: { allowLoopback: env.ALLOW_LOOPBACK_WEBHOOKS, adminUrl: env.ADMIN_PUBLIC_URL },
  });

  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const bundle = join(__dirname, 'workflow-bundle.js');
  const worker = await createExportWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    activities: { ...activities, ...notificationActivities, ...retentionActivities },
    ...(existsSync(bundle) ? { workflowBundlePath: bundle } : {}),
    ...(tracing ? { tracing } : {}),
    limits: {
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTasks: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentLocalActivities: env.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
    },
  });
  const telemetry = await startTelemetryServer({
    host: env.WORKER_METRICS_HOST,
    port: env.WORKER_METRICS_PORT,
    registry,
    appendMetricsFrom: `http://127.0.0.1:${sdkMetricsPort}/metrics`,
    readiness: {
      database: () => store.ping(),
      temporal: async () => {
        await connection.healthService.check({});
        const state = worker.getState();
        if (state !== 'RUNNING') throw new Error(`worker is ${state}`);
      },
    },
  });
  logger.info(
    {
      temporal: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      database: store.kind,
      node: process.version,
      manifestKeyId: manifestSigningKey?.publicKey.keyId ?? null,
      metrics: `${telemetry.url}/metrics`,
      tracing: tracing ? 'on' : 'off',
      memoryMb: memoryUsageMb(),
    },
    'worker started',
  );
  const missingFlags = missingWorkerNodeFlags();
  if (missingFlags.length > 0) {
    logger.warn(
      { missingFlags },
      `started without ${missingFlags.join(' ')} (see the worker's README): memory may peak ~90 MB higher per export`,
    );
  }
  const missingEnv = missingWorkerAllocatorEnv();
  if (missingEnv.length > 0) {
    logger.warn(
      { missingEnv },
      `started without ${missingEnv.join(' ')} in its environment (see the worker's README): memory may peak ~25 MB higher per export`,
    );
  }
  try {
    await worker.run();
  } finally {
    await telemetry.close();
    await tracing?.shutdown();
    await connection.close();
    s3.destroy();
    credentials.destroy();
    await store.close();
    logger.info('worker stopped');
  }
}

function toSdkLevel(level: string): LogLevel {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARN';
    default:
      return 'ERROR';
  }
}

main().catch((err: unknown) => {
  if (err instanceof EnvError || err instanceof SigningKeyError) {
    process.stderr.write(`worker: ${err.message}\n`);
  } else {
    process.stderr.write(`worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
