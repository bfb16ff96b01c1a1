// The demo: one export window end to end on the local stack, as a customer would receive it.
// Starts Temporal and the S3/STS/IAM emulator, sets up a customer's AWS account the way the seed
// tells customers to (bucket, role, trust and permission policies with our External ID), loads a
// day of realistic download logs, runs the real worker app, exports yesterday's window through
// Temporal, and prints what landed in the customer's bucket.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client, Connection } from '@temporalio/client';
import { generateExternalId, permissionPolicy, trustPolicy } from '@log-exporter/aws';
import { runExportWindow } from '@log-exporter/client';
import {
  DATA_DIR,
  EMULATED_EXPORTER_ACCOUNT_ID,
  REPO_ROOT,
  type LocalStack,
  type Service,
  createCustomerAccount,
  createExporterUser,
  listKeys,
  portsFromEnv,
  readObject,
  startLocalStack,
  startService,
} from '@log-exporter/local-stack';
import { createExportInputSchema, roleArnFor, windowContaining, previousWindow } from '@log-exporter/schemas';
import { openSqliteStore } from '@log-exporter/store';
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

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { print } = options;
  const demoDir = join(DATA_DIR, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  const databaseUrl = `sqlite:${join(demoDir, 'log-exporter.db')}`;

  print('Starting the local stack (Temporal dev server, S3/STS/IAM emulator)…');
  const stack: LocalStack = await startLocalStack(portsFromEnv(process.env, {}));
  let worker: Service | undefined;
  let connection: Connection | undefined;
  try {
    const moto = stack.moto!;
    print(`  Temporal gRPC:        ${stack.temporal.address}`);
    print(`  Temporal UI:          ${stack.temporal.uiUrl}`);
    print(`  S3/STS/IAM emulator:  ${moto.endpoint}`);

    // The customer's side: bucket, role and policies, as the seed's "New Setup" describes.
    const externalId = generateExternalId();
    const account = await createCustomerAccount(moto.endpoint, {
      accountId: CUSTOMER.awsAccountId,
      bucket: CUSTOMER.bucket,
      roleName: CUSTOMER.roleName,
      trustPolicy: trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId }),
      permissionPolicy: permissionPolicy({ bucket: CUSTOMER.bucket, prefix: CUSTOMER.prefix }),
    });
    const roleArn = roleArnFor(CUSTOMER.awsAccountId, CUSTOMER.roleName);
    print(`Customer ${CUSTOMER.organization}: bucket s3://${CUSTOMER.bucket}/${CUSTOMER.prefix}/, role ${roleArn}`);
    print(`  External ID issued: ${externalId.slice(0, 6)}… (${externalId.length} characters)`);

    // Our side: the exporter's own IAM identity; from here on the emulator enforces IAM.
    const exporterKeys = await createExporterUser(moto.endpoint);
    await moto.enforceIam();

    const store = openSqliteStore({ path: databaseUrl.slice('sqlite:'.length) });
    const destination = await store.destinations.create({ ...CUSTOMER, region: 'us-east-1', externalId });
    const config = await store.exports.create(
      createExportInputSchema.parse({
        destinationId: destination.id,
        logType: 'client',
        format: 'json-ts',
        folder: 'client-logs',
      }),
      destination.organization,
    );
    const window = previousWindow('daily', windowContaining('daily', Date.now()));
    const loaded = await store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 20261125, organization: CUSTOMER.organization, window, count: options.records }),
    ]);
    await store.close();
    print(`Export ${config.id}: client logs, JSON Stream + Timestamp, gzip, folder client-logs/`);
    print(`Loaded ${loaded.inserted} client log records for the window ${window.start} – ${window.end}`);

    print('Starting the worker app…');
    worker = startService(
      'worker',
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts')],
      {
        logFile: join(demoDir, 'worker.log'),
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...stack.env,
          AWS_ACCESS_KEY_ID: exporterKeys.accessKeyId,
          AWS_SECRET_ACCESS_KEY: exporterKeys.secretAccessKey,
          DATABASE_URL: databaseUrl,
          EXPORT_SETTLE_DELAY: '0s',
          LOG_LEVEL: 'info',
        },
      },
    );

    connection = await Connection.connect({ address: stack.temporal.address });
    const client = new Client({ connection });
    print(`Running workflow exportWindow for ${window.start}…`);
    const started = Date.now();
    const result = await runExportWindow(client, {
      exportId: config.id,
      windowStart: window.start,
      organization: CUSTOMER.organization,
      logType: 'client',
    });
    print(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.records} records, ${result.bytes} bytes in ${result.objects.length} object(s)`,
    );

    // What the customer sees, read back with the customer's own credentials.
    const customerS3 = account.s3;
    const keys = await listKeys(customerS3, CUSTOMER.bucket);
    print('');
    print(`Objects in s3://${CUSTOMER.bucket}/:`);
    for (const key of keys) print(`  ${key}`);
    const manifestText = (await readObject(customerS3, CUSTOMER.bucket, result.manifestKey)).toString('utf8');
    print('');
    print(`Manifest ${result.manifestKey}:`);
    for (const line of manifestText.trimEnd().split('\n')) print(`  ${line}`);
    for (const object of result.objects) {
      const text = gunzipSync(await readObject(customerS3, CUSTOMER.bucket, object.key)).toString('utf8');
      print('');
      print(`First lines of ${object.key}:`);
      for (const line of text.split('\n').slice(0, 3)) print(`  ${line}`);
    }
    customerS3.destroy();
    print('');
    print(`Worker log: ${join(demoDir, 'worker.log')}`);
    return { keys, records: result.records, manifest: JSON.parse(manifestText) };
  } finally {
    await connection?.close();
    await worker?.stop();
    await stack.stop();
  }
}
