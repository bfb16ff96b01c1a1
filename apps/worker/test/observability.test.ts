// The worker process as ops run it (the production build, `node apps/worker/dist/main.js`, with its
// prebuilt workflow bundle): one window exported, then its
// /metrics scraped (ours equal to the manifest's totals, the Temporal SDK's beside them) and its
// probes with the Kubernetes contract (the database stopped: /readyz 503, /livez 200).
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { WORKER_ALLOCATOR_ENV, WORKER_NODE_FLAGS } from '@log-exporter/config';
import { runExportWindow } from '@log-exporter/client';
import {
  DATA_DIR,
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type MotoServer,
  REPO_ROOT,
  freePort,
  readObject,
  startPostgresServer,
  startService,
} from '@log-exporter/local-stack';
import { generateSigningKey } from '@log-exporter/manifests';
import { openStore } from '@log-exporter/store';
import { generateClientLogs } from '@log-exporter/testing';
import { createExport, onboardCustomer, startMoto } from './harness';

const RECORDS = 3_000;

let moto: MotoServer;
beforeAll(async () => {
  // `npm run build`'s own command for the worker (apps/worker/project.json), so this is what ships.
  const project = JSON.parse(readFileSync(join(REPO_ROOT, 'apps', 'worker', 'project.json'), 'utf8')) as {
    targets: { build: { options: { command: string } } };
  };
  const command = project.targets.build.options.command.replace(/^node /, `"${process.execPath}" `);
  execSync(command, { cwd: REPO_ROOT, stdio: 'pipe' });
  moto = await startMoto();
}, 180_000);
afterAll(async () => {
  await moto?.stop();
});

/** The samples of one metric in Prometheus text: labels (as written) → value. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match && match[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

it('exports a window, then serves metrics equal to its manifest and probes that follow the database', async () => {
  const postgres = await startPostgresServer({ port: await freePort() });
  const databaseUrl = await postgres.createDatabase('observability');
  const store = await openStore(databaseUrl);
  const metricsPort = await freePort();
  const taskQueue = `observability-${process.pid}-${Date.now()}`;
  const worker = startService(
    'worker',
    process.execPath,
    [...WORKER_NODE_FLAGS, join(REPO_ROOT, 'apps', 'worker', 'dist', 'main.js')],
    {
      logFile: join(DATA_DIR, 'test', `observability-${process.pid}.log`),
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...WORKER_ALLOCATOR_ENV,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATABASE_URL: databaseUrl,
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: EMULATOR_DUMMY_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_DUMMY_CREDENTIALS.secretAccessKey,
        EXPORTER_AWS_ACCOUNT_ID: EMULATED_EXPORTER_ACCOUNT_ID,
        EXPORT_SETTLE_DELAY: '0s',
        MANIFEST_SIGNING_KEY: generateSigningKey(),
        WORKER_METRICS_PORT: String(metricsPort),
        WORKER_METRICS_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
    },
  );
  const url = `http://127.0.0.1:${metricsPort}`;
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const until = async (what: string, done: () => Promise<boolean>) => {
    const deadline = Date.now() + 90_000;
    while (!(await done().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`not ${what} after 90 s:\n${worker.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    await until('ready', async () => (await fetch(`${url}/readyz`)).status === 200);
    const customer = await onboardCustomer(store, moto, {
      organization: 'acme',
      bucket: 'acme-observed',
      prefix: 'logs',
    });
    const exportConfig = await createExport(store, customer.destination, {
      logType: 'client',
      format: 'json-ts',
      compression: 'gzip',
      folder: 'downloads',
    });
    const window = { start: '2026-09-01T00:00:00Z', end: '2026-09-02T00:00:00Z' };
    await store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 77, organization: 'acme', window, count: RECORDS }),
    ]);
    const client = new Client({ connection, namespace: 'default' });
    const result = await runExportWindow(client, { exportId: exportConfig.id, windowStart: '2026-09-01', taskQueue });
    const manifest = JSON.parse(
      (await readObject(customer.account.s3, 'acme-observed', result.manifestKey)).toString('utf8'),
    ) as { totals: { records: number; bytes: number }; objects: unknown[] };
    expect(manifest.totals.records).toBe(RECORDS);

    const text = await (await fetch(`${url}/metrics`)).text();
    const labels = '{log_type="client",format="json-ts"}';
    expect(samples(text, 'log_exporter_records_exported_total').get(labels)).toBe(manifest.totals.records);
    expect(samples(text, 'log_exporter_bytes_exported_total').get(labels)).toBe(manifest.totals.bytes);
    expect(samples(text, 'log_exporter_part_upload_seconds_count').get(labels)).toBe(manifest.objects.length);
    expect(samples(text, 'log_exporter_window_delivery_lag_seconds_count').get(labels)).toBe(1);
    expect(
      samples(text, 'log_exporter_windows_total').get(
        '{log_type="client",format="json-ts",status="succeeded",error_type=""}',
      ),
    ).toBe(1);
    expect(text).toContain('# TYPE log_exporter_undelivered_records gauge');
    // The Temporal SDK's own metrics, from its core, on the same endpoint.
    expect(text).toMatch(/^temporal_[a-z_]+(\{[^}]*\})? \d/m);
    expect(text).toMatch(/task_queue="observability-/);
    customer.account.s3.destroy();

    // Probes: the database stopped → not ready, still live; back → ready.
    const outage = postgres.outage(6_000);
    await until('503 while the database is down', async () => (await fetch(`${url}/readyz`)).status === 503);
    const readiness = (await (await fetch(`${url}/readyz`)).json()) as Record<string, { ok: boolean }>;
    expect(readiness).toMatchObject({ ok: false, database: { ok: false }, temporal: { ok: true } });
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    await outage;
    await until('ready after the outage', async () => (await fetch(`${url}/readyz`)).status === 200);
  } finally {
    await connection.close();
    await worker.stop();
    await store.close();
    await postgres.stop();
  }
}, 240_000);
