// With moto enforcing IAM, the worker works only through what a real customer grants: our
// exporter's own IAM user assumes the customer's role, whose permission policy is the one we
// generate. (moto does not check cross-account trust or External IDs; libs/aws unit-tests those.)
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { runExportWindow } from '@log-exporter/client';
import { type MotoServer, createExporterUser, listKeys, readObject } from '@log-exporter/local-stack';
import { roleArnFor } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import {
  type CustomerSetup,
  type TestStore,
  type TestWorker,
  createExport,
  onboardCustomer,
  openTestStore,
  startMoto,
  startTestWorker,
} from './harness';
import { TEST_DATABASE_KINDS } from '@log-exporter/local-stack';

const WINDOW = { start: '2026-11-18T00:00:00Z', end: '2026-11-19T00:00:00Z' };

describe.each(TEST_DATABASE_KINDS)('on %s', (kind) => {
  let moto: MotoServer;
  let db: TestStore;
  let worker: TestWorker;
  let customer: CustomerSetup;

  beforeAll(async () => {
    moto = await startMoto();
    db = await openTestStore(kind);
    customer = await onboardCustomer(db.store, moto, {
      organization: 'acme',
      bucket: 'acme-secure-logs',
      prefix: 'exports/cloudsmith',
    });
    const exporterKeys = await createExporterUser(moto.endpoint);
    await moto.enforceIam();
    worker = await startTestWorker({ store: db.store, moto, ownCredentials: exporterKeys });
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 11, organization: 'acme', window: WINDOW, count: 2_000 }),
    ]);
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await moto?.stop();
  });

  describe('with IAM enforced and the generated permission policy on the role', () => {
    it('exports the window through the assumed role', async () => {
      const config = await createExport(db.store, customer.destination, {
        logType: 'client',
        format: 'json-ts',
        folder: 'client-logs',
      });

      const result = await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
      });

      expect(result.records).toBe(2_000);
      const keys = await listKeys(customer.account.s3, 'acme-secure-logs');
      expect(keys).toEqual([result.manifestKey, result.objects[0]!.key].sort());
      expect(keys.every((k) => k.startsWith('exports/cloudsmith/client-logs/dt=2026-11-18/'))).toBe(true);
      const lines = gunzipSync(await readObject(customer.account.s3, 'acme-secure-logs', result.objects[0]!.key))
        .toString('utf8')
        .trimEnd()
        .split('\n');
      expect(lines).toHaveLength(2_000);
    });

    it('denies the same credentials a write outside the prefix, and allows one inside it', async () => {
      const d = customer.destination;
      const credentials = await worker.credentials.get({
        roleArn: roleArnFor(d.awsAccountId, d.roleName),
        externalId: d.externalId,
        sessionName: 'test',
      });
      expect(credentials.accessKeyId).toMatch(/^ASIA/);
      const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials });
      try {
        await expect(
          s3.send(new PutObjectCommand({ Bucket: 'acme-secure-logs', Key: 'elsewhere/intruder.txt', Body: 'x' })),
        ).rejects.toMatchObject({ name: 'AccessDenied' });
        await expect(
          s3.send(new PutObjectCommand({ Bucket: 'acme-secure-logs', Key: 'exports/other-prefix.txt', Body: 'x' })),
        ).rejects.toMatchObject({ name: 'AccessDenied' });
        await expect(
          s3.send(
            new PutObjectCommand({ Bucket: 'acme-secure-logs', Key: 'exports/cloudsmith/allowed.txt', Body: 'x' }),
          ),
        ).resolves.toBeDefined();
      } finally {
        s3.destroy();
      }
    });

    it('fails with WriteDenied, not a retry loop, when the folder is outside what the role may write', async () => {
      // A destination whose prefix the customer's policy does not cover: same role, other prefix.
      const d = customer.destination;
      const outside = await db.store.destinations.create({
        organization: 'acme',
        awsAccountId: d.awsAccountId,
        bucket: d.bucket,
        region: d.region,
        prefix: 'not-granted',
        roleName: d.roleName,
        externalId: d.externalId + 'x',
      });
      // The role's External ID is not checked by moto, so only the write is refused.
      const config = await createExport(db.store, outside, { logType: 'client', format: 'csv', folder: 'client' });
      await expect(
        runExportWindow(worker.client, { exportId: config.id, windowStart: WINDOW.start, taskQueue: worker.taskQueue }),
      ).rejects.toMatchObject({ cause: { type: 'WriteDenied' } });
      const run = await db.store.runs.get(config.id, WINDOW.start);
      expect(run?.error?.message).toContain('s3://acme-secure-logs/not-granted/');
    });
  });
});
