// Preview through the API: for each format, the lines equal the start of the object the next run
// writes for the same export and window (exclusions and repository scope applied; a Parquet
// export's rows as JSON lines, equal to the file's rows read by DuckDB), and a preview writes
// nothing to the bucket. Real worker, Temporal dev server, moto and SQLite.
import { gunzipSync } from 'node:zlib';
import {
  type EmulatedCustomerAccount,
  type MotoServer,
  listKeys,
  readObject,
  readParquetBytesWithDuckdb,
} from '@log-exporter/local-stack';
import { parseRfc3339Micros, previousWindow, windowContaining } from '@log-exporter/schemas';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import { startAdminWorker } from './admin-worker';
import { type AdminHarness, createRoleFromHandOver, ingestLogs, startAdmin, startMoto } from './harness';

const WINDOW = previousWindow('daily', windowContaining('daily', Date.now()));
const ORGANIZATION = 'previewco';
const BUCKET = 'previewco-logs';

let moto: MotoServer;
let admin: AdminHarness;
let worker: { stop(): Promise<void> };
let destinationId: string;
let account: EmulatedCustomerAccount;

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
  worker = await startAdminWorker(admin, moto);
  const destination = (
    await admin.api('POST', '/api/destinations', {
      organization: ORGANIZATION,
      awsAccountId: '363636363636',
      bucket: BUCKET,
      roleName: 'PreviewWriter',
    })
  ).json();
  destinationId = destination.id;
  account = await createRoleFromHandOver(admin, moto, destination);
  for (const [logType, records] of [
    ['client', [...generateClientLogs({ seed: 91, organization: ORGANIZATION, window: WINDOW, count: 300 })]],
    ['audit', [...generateAuditLogs({ seed: 92, organization: ORGANIZATION, window: WINDOW, count: 120 })]],
  ] as const) {
    expect((await ingestLogs(admin, logType, records)).statusCode).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  account?.s3.destroy();
  await worker?.stop();
  await admin?.close();
  await moto?.stop();
});

/** Runs the window and returns the bytes of its first object. */
async function runAndReadFirstObjectBytes(exportId: string): Promise<Buffer> {
  const started = await admin.api('POST', `/api/exports/${exportId}/runs`, { window: WINDOW.start });
  expect(started.statusCode).toBe(202);
  const [workflowId] = started.json().workflowIds as string[];
  await (await admin.deps.temporal.client()).workflow.getHandle(workflowId!).result();
  const [run] = (await admin.api('GET', `/api/exports/${exportId}/runs`)).json();
  return readObject(account.s3, BUCKET, run.objects[0].key);
}

async function runAndReadFirstObject(exportId: string): Promise<string[]> {
  const body = gunzipSync(await runAndReadFirstObjectBytes(exportId)).toString('utf8');
  return body.replace(/\n$/, '').split('\n');
}

describe.each([
  ['client', 'csv', ['ip'], null, undefined],
  ['client', 'json', ['geo'], null, 'hash'],
  ['client', 'json-ts', [], ['prod-rpm'], undefined],
  ['client', 'apache', [], null, 'truncate'],
  ['audit', 'csv', ['ip'], null, undefined],
  ['audit', 'json-ts', ['geo'], null, 'hash'],
] as const)(
  '%s logs as %s, excluding %j, repositories %j, IPs %s',
  (logType, format, exclude, repositories, ipHandling) => {
    it('shows the first lines the run then writes, and writes nothing itself', async () => {
      const folder = `${logType}-${format}-${exclude.join('') || 'all'}`;
      const created = await admin.api('POST', '/api/exports', {
        destinationId,
        logType,
        format,
        folder,
        exclude,
        ...(repositories ? { repositories } : {}),
        ...(ipHandling ? { ipHandling } : {}),
      });
      expect(created.statusCode).toBe(201);
      const exportId = created.json().id as string;

      const preview = await admin.api('POST', `/api/exports/${exportId}/preview`, { window: WINDOW.start, limit: 7 });
      expect(preview.statusCode).toBe(200);
      const { lines, records, windowRecords } = preview.json();
      expect(records).toBe(7);
      expect(windowRecords).toBeGreaterThan(7);
      expect(lines).toHaveLength(format === 'csv' ? 8 : 7);
      expect(await listKeys(account.s3, BUCKET, `${folder}/`)).toEqual([]);
      if ((exclude as readonly string[]).includes('ip')) expect(lines.join('\n')).not.toMatch(/ip_address/);

      const written = await runAndReadFirstObject(exportId);
      expect(lines).toEqual(written.slice(0, lines.length));
    }, 60_000);
  },
);

it("shows a Parquet export's first rows as JSON lines holding what the file then holds", async () => {
  const created = await admin.api('POST', '/api/exports', {
    destinationId,
    logType: 'client',
    format: 'parquet',
    folder: 'client-parquet',
    exclude: ['geo'],
    ipHandling: 'hash',
  });
  expect(created.statusCode).toBe(201);
  const exportId = created.json().id as string;
  const preview = (
    await admin.api('POST', `/api/exports/${exportId}/preview`, { window: WINDOW.start, limit: 5 })
  ).json();
  expect(preview.format).toBe('parquet');
  const rows = (preview.lines as string[]).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(rows).toHaveLength(5);

  const file = readParquetBytesWithDuckdb(await runAndReadFirstObjectBytes(exportId));
  expect(Object.keys(rows[0]!)).toEqual(file.columns.map((c) => c.name));
  rows.forEach((row, i) => {
    const written = file.rows[i]!;
    for (const [name, value] of Object.entries(row)) {
      const timestamp = name === 'datetime' || name === 'recorded';
      expect([name, timestamp ? { micros: parseRfc3339Micros(value as string) } : value]).toEqual([
        name,
        written[name],
      ]);
    }
  });
}, 60_000);

it('refuses a limit above 100 and a malformed window, naming the field', async () => {
  const created = (
    await admin.api('POST', '/api/exports', { destinationId, logType: 'client', format: 'csv', folder: 'refusals' })
  ).json();
  const fields = async (body: unknown) =>
    (
      (await admin.api('POST', `/api/exports/${created.id}/preview`, body)).json() as {
        error: { details: { path: string }[] };
      }
    ).error.details.map((d) => d.path);
  expect(await fields({ limit: 101 })).toEqual(['body.limit']);
  expect(await fields({ window: 'yesterday' })).toEqual(['body.window']);
  // Without a window: the last closed one.
  const preview = (await admin.api('POST', `/api/exports/${created.id}/preview`, {})).json();
  expect(preview.window.start).toBe(WINDOW.start);
});
