// The admin app process: reads the environment, opens the store, connects (lazily) to Temporal,
// and serves the API and the web pages on ADMIN_PORT until SIGINT/SIGTERM.
import { CustomerCredentials } from '@log-exporter/aws';
import { EnvError, adminEnvSchema, createLogger, parseEnv } from '@log-exporter/config';
import { SigningKeyError, parsePublicKey } from '@log-exporter/manifests';
import { openStore } from '@log-exporter/store';
import { startTracingFromEnv } from '@log-exporter/telemetry';
import type { AdminDeps } from './admin-deps';
import { ADMIN_VERSION, buildAdminServer } from './admin-server';
import { reconcile } from './export-management';
import { createTemporalGateway } from './temporal-gateway';

async function main(): Promise<void> {
  const env = parseEnv(adminEnvSchema);
  const logger = createLogger({ name: 'admin', level: env.LOG_LEVEL });
  const tracing = startTracingFromEnv('log-exporter-admin', process.env);
  const store = await openStore(env.DATABASE_URL);
  const temporal = createTemporalGateway({
    address: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    uiUrl: env.TEMPORAL_UI_URL,
    schedule: {
      runAt: env.EXPORT_SCHEDULE_AT,
      catchupWindowMs: env.EXPORT_SCHEDULE_CATCHUP,
      spreadMs: env.EXPORT_SCHEDULE_SPREAD,
    },
    backfillConcurrency: env.BACKFILL_CONCURRENCY,
  });
  const stsEndpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  const credentials = new CustomerCredentials({
    region: env.AWS_REGION,
    exporterAccountId: env.EXPORTER_AWS_ACCOUNT_ID,
    ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
  });
  const deps: AdminDeps = {
    store,
    temporal,
    credentials,
    ...(env.AWS_ENDPOINT_URL ? { awsEndpoint: env.AWS_ENDPOINT_URL } : {}),
    logger,
    settings: {
      adminToken: env.ADMIN_TOKEN,
      exporterAccountId: env.EXPORTER_AWS_ACCOUNT_ID,
      failingAfter: env.EXPORT_FAILING_AFTER,
      maxBackfillWindows: env.MAX_BACKFILL_WINDOWS,
      ingestBodyLimit: env.INGEST_BODY_LIMIT_BYTES,
      manifestPublicKeys: (env.MANIFEST_PUBLIC_KEYS ?? '')
        .split(',')
        .filter((k) => k.trim() !== '')
        .map((k, i) => parsePublicKey(k, `MANIFEST_PUBLIC_KEYS (key ${i + 1})`)),
      version: ADMIN_VERSION,
      lateHorizonMs: env.EXPORT_LATE_HORIZON,
      settleDelayMs: env.EXPORT_SETTLE_DELAY,
      logRetentionMs: env.LOG_RETENTION,
      trustProxy: env.TRUST_PROXY,
      failedAuthPerMinute: env.FAILED_AUTH_PER_MINUTE,
      failedAuthLockoutMs: env.FAILED_AUTH_LOCKOUT,
      verifyBundlePath: env.VERIFY_BUNDLE_PATH,
      allowLoopbackWebhooks: env.ALLOW_LOOPBACK_WEBHOOKS,
      publicUrl: env.ADMIN_PUBLIC_URL,
    },
  };
  const app = await buildAdminServer(deps);
  const address = await app.listen({ port: env.ADMIN_PORT, host: env.ADMIN_HOST });
  logger.info(
    { address, temporal: env.TEMPORAL_ADDRESS, database: store.kind, node: process.version },
    'admin app listening',
  );
  // Repair schedule drift (exports changed while Temporal was down, schedules edited by hand).
  reconcile(deps).catch((err: unknown) =>
    logger.error(
      { err: (err as Error).message },
      'schedule reconciliation at start failed: POST /api/schedules/reconcile to retry',
    ),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'admin app stopping');
    await app.close();
    await temporal.close();
    credentials.destroy();
    await store.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `admin: ${err instanceof EnvError || err instanceof SigningKeyError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
