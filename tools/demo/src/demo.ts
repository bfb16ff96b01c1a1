// The demo: one export window end to end on the local stack, driven the way ops and other
// services drive the product: through the admin API. Starts Temporal, the S3/STS/IAM emulator, the
// worker app and the admin app; onboards a customer (destination, hand-over of the External ID and
// policies, the customer's role made from them, verify); ingests a day of realistic download logs;
// runs yesterday's window through Temporal; prints what landed in the customer's bucket.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DATA_DIR,
  type LocalStack,
  REPO_ROOT,
  type Service,
  createCustomerAccount,
  createExporterUser,
  devSigningKeyEnv,
  freePort,
  listKeys,
  portsFromEnv,
  trustPrincipalLine,
  readObject,
  startLocalStack,
  startService,
  waitUntil,
} from '@log-exporter/local-stack';
import { withWorkerProcessSettings } from '@log-exporter/config';
import { parsePublicKey, verifyExportedFiles } from '@log-exporter/manifests';
import { s3BucketReader } from '@log-exporter/aws';
import { previousWindow, windowContaining } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';

export interface DemoOptions {
  records: number;
  /** Where output lines go. */
  print: (line: string) => void;
}

export interface DemoResult {
  keys: string[];
  records: number;
  manifest: unknown;
}

const CUSTOMER = {
  organization: 'acmecorp',
  awsAccountId: '995557609558',
  bucket: 'cloudsmith-acmecorp-logs',
  prefix: 'cloudsmith-logs',
  roleName: 'CloudsmithLogsWriter',
};

/** A small client of the admin API: JSON in, JSON out, any non-2xx an error with the API's message. */
function adminApi(baseUrl: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { print } = options;
  const demoDir = join(DATA_DIR, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

  print('Starting the local stack (Temporal dev server, S3/STS/IAM emulator)…');
  const stack: LocalStack = await startLocalStack(portsFromEnv(process.env, {}));
  const services: Service[] = [];
  try {
    const moto = stack.moto!;
    // Our exporter's own AWS identity: from here on the emulator enforces IAM.
    const exporterKeys = await createExporterUser(moto.endpoint);
    await moto.enforceIam();

    const adminPort = process.env.ADMIN_PORT ? Number(process.env.ADMIN_PORT) : await freePort();
    const token = randomBytes(24).toString('base64url');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...stack.env,
      AWS_ACCESS_KEY_ID: exporterKeys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: exporterKeys.secretAccessKey,
      DATABASE_URL: `sqlite:${join(demoDir, 'log-exporter.db')}`,
      EXPORT_SETTLE_DELAY: '0s',
      ADMIN_TOKEN: token,
      ADMIN_PORT: String(adminPort),
      WORKER_METRICS_PORT: String(await freePort()),
      WORKER_METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...devSigningKeyEnv(),
    };
    const admin = startService('admin app', tsx, [join(REPO_ROOT, 'apps', 'admin', 'src', 'main.ts')], {
      logFile: join(demoDir, 'admin.log'),
      cwd: REPO_ROOT,
      env,
    });
    services.push(admin);
    const worker = startService('worker', tsx, [join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts')], {
      logFile: join(demoDir, 'worker.log'),
      cwd: REPO_ROOT,
      env: withWorkerProcessSettings(env),
    });
    services.push(worker);
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    await waitUntil(admin, `answering on ${adminUrl}`, async () => (await fetch(`${adminUrl}/healthz`)).ok, 120_000);
    print(`  Temporal gRPC:        ${stack.temporal.address}`);
    print(`  Temporal UI:          ${stack.temporal.uiUrl}`);
    print(`  S3/STS/IAM emulator:  ${moto.endpoint}`);
    print(`  Admin app:            ${adminUrl}  (metrics ${adminUrl}/metrics)`);
    print(`  Worker metrics:       http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`);
    print(`  ${trustPrincipalLine(env)}`);
    const api = adminApi(adminUrl, token);

    // Onboarding, as in the seed: we create the destination and hand over External ID + policies…
    const destination = await api<{ id: string; externalId: string; roleArn: string }>(
      'POST',
      '/api/destinations',
      CUSTOMER,
    );
    const policies = await api<{ externalId: string; roleArn: string; permissionPolicy: object; trustPolicy: object }>(
      'GET',
      `/api/destinations/${destination.id}/policies`,
    );
    print(`Destination ${destination.id}: s3://${CUSTOMER.bucket}/${CUSTOMER.prefix}/ via ${policies.roleArn}`);
    print(`  External ID issued: ${policies.externalId.slice(0, 6)}… (${policies.externalId.length} characters)`);

    // …the customer creates bucket and role from them (IAM relaxed only while we play the customer)…
    await moto.relaxIam();
    const account = await createCustomerAccount(moto.endpoint, {
      accountId: CUSTOMER.awsAccountId,
      bucket: CUSTOMER.bucket,
      roleName: CUSTOMER.roleName,
      trustPolicy: policies.trustPolicy,
      permissionPolicy: policies.permissionPolicy,
    });
    await moto.enforceIam();

    // …and we verify.
    const verification = await api<{ ok: boolean; steps: { name: string; ok: boolean; message: string }[] }>(
      'POST',
      `/api/destinations/${destination.id}/verify`,
    );
    for (const step of verification.steps)
      print(`  verify ${step.name}: ${step.ok ? 'ok' : 'FAILED'} (${step.message})`);
    if (!verification.ok) throw new Error('verification of the customer setup failed');

    const config = await api<{ id: string }>('POST', '/api/exports', {
      destinationId: destination.id,
      logType: 'client',
      format: 'json-ts',
      folder: 'client-logs',
    });
    print(`Export ${config.id}: client logs, JSON Stream + Timestamp, gzip, folder client-logs/`);

    const window = previousWindow('daily', windowContaining('daily', Date.now()));
    const records = [
      ...generateClientLogs({ seed: 20261125, organization: CUSTOMER.organization, window, count: options.records }),
    ];
    let inserted = 0;
    for (let i = 0; i < records.length; i += 5_000) {
      const batch = records
        .slice(i, i + 5_000)
        .map((r) => JSON.stringify(r))
        .join('\n');
      inserted += (await api<{ inserted: number }>('POST', '/api/logs/client', batch, 'application/x-ndjson')).inserted;
    }
    print(`Ingested ${inserted} client log records for the window ${window.start} – ${window.end}`);

    print(`Running window ${window.start} through Temporal…`);
    const started = Date.now();
    const requested = await api<{ workflowIds: string[] }>('POST', `/api/exports/${config.id}/runs`, {
      window: window.start,
    });
    print(`  workflow ${requested.workflowIds[0]}`);
    type RunView = {
      status: string;
      records: number;
      bytes: number;
      objects: { key: string }[];
      manifestKey: string | null;
      error: { message: string } | null;
    };
    let run: RunView | undefined;
    for (;;) {
      [run] = await api<RunView[]>('GET', `/api/exports/${config.id}/runs?limit=1`);
      if (run?.status === 'succeeded') break;
      if (run?.status === 'failed') throw new Error(`the run failed: ${run.error?.message}`);
      if (Date.now() - started > 180_000)
        throw new Error(`the run did not finish in 180 s (status ${run?.status ?? 'not started'})`);
      await new Promise((r) => setTimeout(r, 500));
    }
    print(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${run.records} records, ${run.bytes} bytes in ${run.objects.length} object(s)`,
    );

    // What the customer sees, read back with the customer's own credentials.
    const keys = await listKeys(account.s3, CUSTOMER.bucket);
    print('');
    print(`Objects in s3://${CUSTOMER.bucket}/:`);
    for (const key of keys) print(`  ${key}`);
    const manifestText = (await readObject(account.s3, CUSTOMER.bucket, run.manifestKey!)).toString('utf8');
    print('');
    print(`Manifest ${run.manifestKey}:`);
    for (const line of manifestText.trimEnd().split('\n')) print(`  ${line}`);
    for (const object of run.objects) {
      const text = gunzipSync(await readObject(account.s3, CUSTOMER.bucket, object.key)).toString('utf8');
      print('');
      print(`First lines of ${object.key}:`);
      for (const line of text.split('\n').slice(0, 3)) print(`  ${line}`);
    }
    // The customer's own check: every object against the signed manifest (what `npm run verify` does).
    const keysResponse = await fetch(`${adminUrl}/api/manifest-keys`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const published = ((await keysResponse.json()) as { keys: { publicKey: string }[] }).keys;
    const day = window.start.slice(0, 10);
    const report = await verifyExportedFiles({
      reader: s3BucketReader(account.s3, CUSTOMER.bucket),
      prefix: CUSTOMER.prefix,
      from: day,
      to: day,
      publicKeys: published.map((k) => parsePublicKey(k.publicKey)),
    });
    print('');
    print(
      `verify ${day}: ${report.manifests} manifest(s), ${report.objects} object(s), ${report.records} records; ` +
        (report.problems.length === 0
          ? 'all verified (signature, checksums, nothing extra)'
          : `${report.problems.length} problem(s)`),
    );
    for (const problem of report.problems) print(`  ${problem.kind}: ${problem.key}: ${problem.message}`);
    if (report.problems.length > 0) throw new Error('the exported window does not verify');
    account.s3.destroy();
    print('');
    print(`Logs: ${worker.logFile}, ${admin.logFile}`);
    return { keys, records: run.records, manifest: JSON.parse(manifestText) };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await stack.stop();
  }
}
