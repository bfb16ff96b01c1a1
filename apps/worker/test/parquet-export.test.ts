// Parquet exports through the real path (Temporal, moto, SQLite): a client-log export in three
// parts and an audit-log export, each object downloaded from the bucket and read back by DuckDB
// (Python's, from the project's venv: not our code), compared value for value with what the
// store returns for the window. Hostile strings (quotes, line breaks, commas, backslashes,
// astral characters, 8 KB values) and nulls included. Exclusions remove their columns; the
// manifest lists the Parquet objects with their SHA-256 like any other.
import { createHash } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runExportWindow } from '@log-exporter/client';
import {
  type MotoServer,
  type ParquetReadBack,
  readObject,
  readParquetBytesWithDuckdb,
} from '@log-exporter/local-stack';
import {
  type AuditLogRecord,
  type ClientLogRecord,
  type CreateExportInput,
  type Destination,
  type ExportWindow,
  type LogType,
  parseRfc3339Micros,
} from '@log-exporter/schemas';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import {
  type TestStore,
  type TestWorker,
  createExport,
  onboardCustomer,
  openTestStore,
  startMoto,
  startTestWorker,
} from './harness';

const WINDOW: ExportWindow = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const BUCKET = 'acme-parquet';
const CLIENT_RECORDS = 3_000;
const PART_RECORDS = 1_200;

const HOSTILE = [
  '',
  '-',
  ',',
  '"',
  '\r\n',
  'a "quoted", value\nwith lines',
  '\\x41 \\',
  '=SUM(A1:A9)',
  '🚀 astral 𝄞',
  'ünïcödé',
  'ua/'.repeat(3_000),
];

/** Every third record gets hostile text in its free-text fields (and a null in another). */
function hostileClient(record: ClientLogRecord, i: number): ClientLogRecord {
  if (i % 3 !== 0) return record;
  const text = HOSTILE[i % HOSTILE.length] as string;
  return { ...record, user_agent: text, referer: text, city: text, package_name: null, user_name: text };
}

function hostileAudit<R extends { actor_url: string | null; object: string | null }>(record: R, i: number): R {
  if (i % 3 !== 0) return record;
  const text = HOSTILE[i % HOSTILE.length] as string;
  return { ...record, actor_url: text, object: i % 2 ? null : text };
}

let moto: MotoServer;
let db: TestStore;
let worker: TestWorker;
let destination: Destination;
let s3: S3Client;
const stored: { client: ClientLogRecord[]; audit: AuditLogRecord[] } = { client: [], audit: [] };

beforeAll(async () => {
  moto = await startMoto();
  db = await openTestStore('sqlite');
  worker = await startTestWorker({ store: db.store, moto, settings: { maxRecordsPerPart: PART_RECORDS } });
  await db.store.logs.insertClientLogs(
    [...generateClientLogs({ seed: 61, organization: 'acme', window: WINDOW, count: CLIENT_RECORDS })].map(
      hostileClient,
    ),
  );
  await db.store.logs.insertAuditLogs(
    [...generateAuditLogs({ seed: 62, organization: 'acme', window: WINDOW, count: 500 })].map(hostileAudit),
  );
  const scope = (logType: LogType) => ({ logType, organization: 'acme', repositories: null, window: WINDOW });
  for await (const page of db.store.logs.clientLogPages(scope('client'), { after: null, until: null }))
    stored.client.push(...page);
  for await (const page of db.store.logs.auditLogPages(scope('audit'), { after: null, until: null }))
    stored.audit.push(...page);
  ({
    destination,
    account: { s3 },
  } = await onboardCustomer(db.store, moto, { organization: 'acme', bucket: BUCKET }));
});

afterAll(async () => {
  await worker?.stop();
  await db?.close();
  await moto?.stop();
});

/** Runs the window for a new Parquet export; returns each object read back, and the manifest. */
async function exportParquet(input: Omit<CreateExportInput, 'destinationId' | 'format'>) {
  const config = await createExport(db.store, destination, { ...input, format: 'parquet' });
  expect(config.compression).toBe('none');
  const result = await runExportWindow(worker.client, {
    exportId: config.id,
    windowStart: WINDOW.start,
    taskQueue: worker.taskQueue,
  });
  const manifest = JSON.parse((await readObject(s3, BUCKET, result.manifestKey)).toString('utf8')) as {
    format: string;
    compression: string;
    objects: { key: string; records: number; bytes: number; sha256: string }[];
  };
  const files: ParquetReadBack[] = [];
  for (const object of manifest.objects) {
    const bytes = await readObject(s3, BUCKET, object.key);
    expect(object.key).toMatch(/_part\d{5}\.parquet$/);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(object.sha256);
    expect(bytes.length).toBe(object.bytes);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: object.key }));
    expect(head.ContentType).toBe('application/vnd.apache.parquet');
    const back = readParquetBytesWithDuckdb(bytes);
    expect(back.rows).toHaveLength(object.records);
    files.push(back);
  }
  return { manifest, files, rows: files.flatMap((f) => f.rows) };
}

/** A stored record as DuckDB reads its Parquet row back: timestamps as exact microseconds. */
function asRead(record: Record<string, unknown>, timestamps: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const field of timestamps) out[field] = { micros: parseRfc3339Micros(record[field] as string) };
  return out;
}

it('exports client logs as Parquet parts that read back value for value, hostile strings and nulls included', async () => {
  const { manifest, files, rows } = await exportParquet({ logType: 'client', folder: 'client-parquet' });
  expect(manifest.format).toBe('parquet');
  expect(manifest.compression).toBe('none');
  expect(manifest.objects.map((o) => o.records)).toEqual([1_200, 1_200, 600]);
  expect(files[0]!.codecs).toEqual(['ZSTD']);
  expect(files[0]!.columns.find((c) => c.name === 'recorded')?.type).toBe('TIMESTAMP WITH TIME ZONE');
  expect(files[0]!.columns.find((c) => c.name === 'bytes')?.type).toBe('BIGINT');
  expect(rows).toEqual(stored.client.map((r) => asRead(r, ['datetime', 'recorded'])));
  // The comparison covered what breaks formats.
  expect(rows.some((r) => r.user_agent === 'a "quoted", value\nwith lines')).toBe(true);
  expect(rows.some((r) => r.referer === '')).toBe(true);
  expect(rows.some((r) => r.package_name === null)).toBe(true);
  expect(rows.some((r) => typeof r.user_agent === 'string' && r.user_agent.length > 8_000)).toBe(true);
}, 60_000);

it('exports audit logs as Parquet that reads back value for value', async () => {
  const { rows } = await exportParquet({ logType: 'audit', folder: 'audit-parquet' });
  expect(rows).toEqual(stored.audit.map((r) => asRead(r, ['event_at'])));
  expect(rows.some((r) => r.object === null)).toBe(true);
  expect(rows.some((r) => r.actor_url === '🚀 astral 𝄞')).toBe(true);
}, 60_000);

it('leaves the excluded columns out of the files, and writes snappy pages on request', async () => {
  const { files, rows } = await exportParquet({
    logType: 'client',
    folder: 'client-parquet-slim',
    exclude: ['geo', 'ip', 'eula'],
    parquetCompression: 'snappy',
  });
  const names = files[0]!.columns.map((c) => c.name);
  for (const gone of ['city', 'country', 'continent', 'ip_address', 'eula', 'eula_number'])
    expect(names).not.toContain(gone);
  expect(names).toHaveLength(28 - 6);
  expect(files.every((f) => f.codecs.join() === 'SNAPPY')).toBe(true);
  expect(rows.map((r) => r.request_id)).toEqual(stored.client.map((r) => r.request_id));
}, 60_000);
