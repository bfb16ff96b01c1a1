// The files as a query engine sees them: two days of a CSV, a JSON and a Parquet export, run through Temporal
// into moto, downloaded into a temporary directory with the bucket's key layout, and read by
// DuckDB (Python's, from the project's venv: not our code) with Hive partitioning. Per-day counts
// equal the manifests' totals, and the manifests (`_manifest_….json`, beside the data) are not
// read as data by the globs docs/formats.md gives.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runExportWindow } from '@log-exporter/client';
import { type MotoServer, VENV_PYTHON, listKeys, readObject } from '@log-exporter/local-stack';
import type { ExportWindow, Format } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import {
  type TestStore,
  type TestWorker,
  createExport,
  onboardCustomer,
  openTestStore,
  startMoto,
  startTestWorker,
} from './harness';

const DAYS: ExportWindow[] = [
  { start: '2026-11-23T00:00:00Z', end: '2026-11-24T00:00:00Z' },
  { start: '2026-11-24T00:00:00Z', end: '2026-11-25T00:00:00Z' },
];

let moto: MotoServer;
let db: TestStore;
let worker: TestWorker;
let dir: string;

beforeAll(async () => {
  moto = await startMoto();
  db = await openTestStore('sqlite');
  worker = await startTestWorker({ store: db.store, moto });
  for (const [i, window] of DAYS.entries())
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 80 + i, organization: 'acme', window, count: 300 + 150 * i }),
    ]);
  dir = mkdtempSync(join(tmpdir(), 'query-ready-'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await worker?.stop();
  await db?.close();
  await moto?.stop();
});

/** DuckDB's per-day counts over the glob, as [dt, count] pairs. */
function duckdbDays(reader: string, glob: string): [string, number][] {
  const script = [
    'import json, sys, duckdb',
    `rows = duckdb.sql("select cast(dt as varchar), count(*) from ${reader}(?, hive_partitioning = true) group by 1 order by 1", params=[sys.argv[1]]).fetchall()`,
    'print(json.dumps(rows))',
  ].join('\n');
  return JSON.parse(execFileSync(VENV_PYTHON, ['-c', script, glob], { encoding: 'utf8' })) as [string, number][];
}

it.each([
  ['csv', 'read_csv', '*.csv.gz'],
  ['json', 'read_json', '*.jsonl.gz'],
  ['parquet', 'read_parquet', '*.parquet'],
] as [Format, string, string][])(
  '%s: DuckDB reads the dt= partitions, each day as many records as its manifest says',
  async (format, reader, files) => {
    const bucket = `acme-query-${format}`;
    const { destination, account } = await onboardCustomer(db.store, moto, { organization: 'acme', bucket });
    const config = await createExport(db.store, destination, { logType: 'client', format, folder: `${format}-logs` });
    const manifests: { day: string; records: number }[] = [];
    for (const window of DAYS) {
      const result = await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: window.start,
        taskQueue: worker.taskQueue,
      });
      const manifest = JSON.parse((await readObject(account.s3, bucket, result.manifestKey)).toString('utf8'));
      manifests.push({ day: window.start.slice(0, 10), records: manifest.totals.records as number });
    }
    const folder = `${destination.prefix}/${format}-logs/`;
    const keys = await listKeys(account.s3, bucket, folder);
    for (const key of keys) {
      const path = join(dir, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await readObject(account.s3, bucket, key));
    }
    // The manifests are there, beside the data files.
    const day = readdirSync(join(dir, folder, `dt=${DAYS[0]!.start.slice(0, 10)}`));
    expect(day.filter((name) => name.startsWith('_manifest_'))).toHaveLength(1);

    const counted = duckdbDays(reader, join(dir, folder, '*', files));
    expect(counted).toEqual(manifests.map((m) => [m.day, m.records]));
    expect(manifests.map((m) => m.records)).toEqual([300, 450]);
  },
  60_000,
);
