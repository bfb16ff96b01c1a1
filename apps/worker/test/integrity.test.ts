// Three consecutive windows exported through Temporal, then checked the way a customer checks them:
// verify finds every object listed, intact, the manifests chained and signed. Then the secrets:
// the customer's temporary AWS credentials appear in no workflow history, no log line and no
// database row, and the External ID only where it must be (the destination).
import { gunzipSync } from 'node:zlib';
import { customerRoleFor, s3BucketReader } from '@log-exporter/aws';
import { runExportWindow } from '@log-exporter/client';
import {
  type MotoServer,
  TEST_DATABASE_KINDS,
  type TestDatabase,
  createTestDatabase,
  listKeys,
  readObject,
} from '@log-exporter/local-stack';
import { parseManifest, sha256Hex, verifyExportedFiles } from '@log-exporter/manifests';
import { exportWindowWorkflowId } from '@log-exporter/schemas';
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

const DAYS = ['2026-10-05', '2026-10-06', '2026-10-07'];
const PER_DAY = 1_500;

function windowOf(day: string) {
  return {
    start: `${day}T00:00:00Z`,
    end: `${new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`,
  };
}

/** Every string inside the value, with binary payloads (Temporal's) decoded as UTF-8. */
function allText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'bigint' ? String(v) : v,
  );
}

describe.each(TEST_DATABASE_KINDS)('integrity on %s', (kind) => {
  let moto: MotoServer;
  let database: TestDatabase;
  let store: Store;
  let worker: TestWorker;
  let customer: CustomerSetup;
  let exportId: string;

  beforeAll(async () => {
    moto = await startMoto();
    database = await createTestDatabase(kind);
    store = await openStore(database.url);
    worker = await startTestWorker({ store, moto, settings: { maxRecordsPerPart: 1_000 } });
    customer = await onboardCustomer(store, moto, {
      organization: 'acme',
      bucket: 'acme-integrity',
      prefix: 'audit-trail',
    });
    exportId = (
      await createExport(store, customer.destination, { logType: 'client', format: 'json-ts', folder: 'downloads' })
    ).id;
    for (const [i, day] of DAYS.entries()) {
      await store.logs.insertClientLogs([
        ...generateClientLogs({ seed: 900 + i, organization: 'acme', window: windowOf(day), count: PER_DAY }),
      ]);
    }
    for (const day of DAYS)
      await runExportWindow(worker.client, { exportId, windowStart: day, taskQueue: worker.taskQueue });
  });

  afterAll(async () => {
    customer?.account.s3.destroy();
    await worker?.stop();
    await store?.close();
    await database?.drop();
    await moto?.stop();
  });

  it('gives verify nothing to report: every object listed and intact, manifests chained and signed', async () => {
    const report = await verifyExportedFiles({
      reader: s3BucketReader(customer.account.s3, 'acme-integrity'),
      prefix: 'audit-trail',
      from: DAYS[0] as string,
      to: DAYS[2] as string,
      publicKeys: [TEST_SIGNING_KEY.publicKey],
    });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ manifests: 3, objects: 6, records: 3 * PER_DAY });

    // The chain: each manifest carries the SHA-256 of the previous window's manifest as stored.
    const manifests = [];
    for (const day of DAYS) {
      const run = (await store.runs.get(exportId, `${day}T00:00:00Z`))!;
      const bytes = await readObject(customer.account.s3, 'acme-integrity', run.manifestKey!);
      expect(run.manifestSha256).toBe(sha256Hex(bytes));
      const parsed = parseManifest(bytes);
      if (!parsed.ok) throw new Error(parsed.reason);
      manifests.push({ key: run.manifestKey!, sha256: run.manifestSha256!, manifest: parsed.manifest });
    }
    expect(manifests[0]!.manifest.previousManifest).toBeNull();
    expect(manifests[1]!.manifest.previousManifest).toEqual({
      window: windowOf(DAYS[0]!),
      key: manifests[0]!.key,
      sha256: manifests[0]!.sha256,
    });
    expect(manifests[2]!.manifest.previousManifest).toEqual({
      window: windowOf(DAYS[1]!),
      key: manifests[1]!.key,
      sha256: manifests[1]!.sha256,
    });
    for (const m of manifests)
      expect(m.manifest.signature).toMatchObject({ algorithm: 'Ed25519', keyId: TEST_SIGNING_KEY.publicKey.keyId });
  });

  it('holds every record of each window exactly once', async () => {
    for (const day of DAYS) {
      const keys = (await listKeys(customer.account.s3, 'acme-integrity', `audit-trail/downloads/dt=${day}/`)).filter(
        (k) => !k.includes('_manifest_'),
      );
      expect(keys).toHaveLength(2);
      const ids: string[] = [];
      for (const key of keys) {
        const text = gunzipSync(await readObject(customer.account.s3, 'acme-integrity', key)).toString('utf8');
        for (const line of text.split('\n').filter(Boolean))
          ids.push((JSON.parse(line.slice(line.indexOf('{'))) as { request_id: string }).request_id);
      }
      const expected: string[] = [];
      for await (const page of store.logs.clientLogPages(
        { logType: 'client', organization: 'acme', repositories: null, window: windowOf(day) },
        { after: null, until: null },
      ))
        expected.push(...page.map((r) => r.request_id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(expected.sort());
      expect(ids).toHaveLength(PER_DAY);
    }
  });

  it('keeps the customer credentials out of workflow history, logs and the database', async () => {
    const destination = customer.destination;
    const credentials = await worker.credentials.get(customerRoleFor(destination, `log-exporter-${destination.id}`));
    const secrets = {
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken as string,
      accessKeyId: credentials.accessKeyId,
    };
    expect(secrets.secretAccessKey.length).toBeGreaterThan(10);
    expect(secrets.sessionToken.length).toBeGreaterThan(10);

    const histories = await Promise.all(
      DAYS.map((day) =>
        worker.client.workflow.getHandle(exportWindowWorkflowId(exportId, `${day}T00:00:00Z`)).fetchHistory(),
      ),
    );
    const historyText = allText(histories);
    expect(historyText).toContain(exportId); // the search does read the histories
    const logText = JSON.stringify(worker.logLines);
    expect(logText).toContain('uploaded part');
    const databaseText = await database.dumpText();
    expect(databaseText).toContain(exportId);

    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, inHistory: historyText.includes(secret) }).toEqual({ name, inHistory: false });
      expect({ name, inLogs: logText.includes(secret) }).toEqual({ name, inLogs: false });
      expect({ name, inDatabase: databaseText.includes(secret) }).toEqual({ name, inDatabase: false });
    }
    // The External ID is needed to assume the role, so the destination row keeps it; nothing else does.
    expect(historyText).not.toContain(destination.externalId);
    expect(logText).not.toContain(destination.externalId);
    expect(databaseText.split(destination.externalId)).toHaveLength(2);
  });
});
