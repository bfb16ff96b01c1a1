// One window of N client records exported through the real path (the production worker bundle in
// its own process, Temporal dev server, moto, SQLite), JSON Stream + Timestamp with gzip (or zstd,
// or none: --compression), timed and
// its worker's peak RSS read from the kernel; then, on the same data and the same moto bucket, the
// pipeline an engineer would script instead:
//   sqlite3 -json <db> "<the same query>" | gzip -6 | aws s3 cp - s3://…   (zstd -3 for zstd, cat for none)
// (for Parquet: sqlite3 -json | DuckDB's COPY … (FORMAT parquet, COMPRESSION zstd) | aws s3 cp -)
// Medians of several runs of each, measured side by side in one invocation.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { generateExternalId, permissionPolicy, trustPolicy } from '@log-exporter/aws';
import { runExportWindow } from '@log-exporter/client';
import {
  DATA_DIR,
  VENV_PYTHON,
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type LocalStack,
  createCustomerAccount,
  startLocalStack,
} from '@log-exporter/local-stack';
import {
  CLIENT_LOG_FIELDS,
  type Compression,
  type Format,
  createExportInputSchema,
  windowRecordBounds,
} from '@log-exporter/schemas';
import { openSqliteStore } from '@log-exporter/store';
import { generateClientLogs } from '@log-exporter/testing';
import { ensureBaselineTools } from './baseline-tools';
import { type BenchWorker, buildWorker, startBenchWorker } from './bench-worker';
import { describeCpu, machineBusySeconds, median } from './measure';

const WINDOW = { start: '2026-10-01T00:00:00Z', end: '2026-10-02T00:00:00Z' };
const ORGANIZATION = 'benchco';
const SEED = 4242;

export interface ExportBenchResult {
  records: number;
  recordsPerSec: number;
  peakRssMb: number;
  baselineRecordsPerSec: number;
  ratio: number;
  runs: {
    oursSeconds: number[];
    baselineSeconds: number[];
    peakRssMb: number[];
    /** CPU the whole machine spent busy during each run (measure.ts machineBusySeconds). */
    oursCpuSeconds: number[];
    baselineCpuSeconds: number[];
  };
  /** Medians of the runs' machine CPU seconds. */
  cpuSeconds: { ours: number; baseline: number };
  bytes: { ours: number; baseline: number };
  /** With compression none: seconds `gzip -6` alone takes on the uncompressed output. */
  gzipFloorSeconds: number | null;
}

/** The store with N generated records, reused across invocations when it already holds them. */
async function prepareStore(records: number, print: (l: string) => void): Promise<string> {
  const dir = join(DATA_DIR, 'bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `store-${records}.db`);
  const marker = `${path}.ready`;
  if (existsSync(path) && existsSync(marker)) return path;
  rmSync(path, { force: true });
  print(`generating ${records.toLocaleString('en-US')} client records into ${path}…`);
  const store = await openSqliteStore({ path });
  let batch = [];
  for (const record of generateClientLogs({ seed: SEED, organization: ORGANIZATION, window: WINDOW, count: records })) {
    batch.push(record);
    if (batch.length === 50_000) {
      await store.logs.insertClientLogs(batch);
      batch = [];
    }
  }
  if (batch.length) await store.logs.insertClientLogs(batch);
  await store.close();
  writeFileSync(marker, `${records}\n`);
  return path;
}

/** The SQL an engineer would write for the window, in the same order as the exporter reads it. */
function baselineQuery(): string {
  const bounds = windowRecordBounds(WINDOW);
  const columns = CLIENT_LOG_FIELDS.map((f) =>
    f === 'repository' ? `namespace || '/' || repository AS repository` : `"${f}"`,
  );
  return (
    `SELECT ${columns.join(', ')} FROM client_logs WHERE namespace = '${ORGANIZATION}' ` +
    `AND recorded >= '${bounds.from}' AND recorded < '${bounds.to}' ORDER BY recorded, request_id`
  );
}

function runBaseline(command: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', `set -o pipefail; ${command}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`baseline pipeline failed (${code}): ${stderr}`));
      resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

/** The Parquet baseline's converter: DuckDB reads the JSON array on stdin, writes Parquet to stdout. */
function writeParquetBaselineScript(): string {
  const path = join(DATA_DIR, 'bench', 'json-to-parquet.py');
  mkdirSync(join(DATA_DIR, 'bench'), { recursive: true });
  writeFileSync(
    path,
    [
      'import duckdb',
      `duckdb.sql("COPY (SELECT * FROM read_json('/dev/stdin')) TO '/dev/stdout' (FORMAT parquet, COMPRESSION zstd)")`,
      '',
    ].join('\n'),
  );
  return path;
}

export async function benchExport(options: {
  records: number;
  runs?: number;
  /** Skip the baseline (tuning runs): its figures are reported as 0. */
  oursOnly?: boolean;
  /** Of ours and of the baseline alike (default gzip). */
  compression?: Compression;
  /** Ours (default json-ts); the baseline writes `sqlite3 -csv` for csv, `sqlite3 -json` otherwise. */
  format?: Format;
  /**
   * Worker processes on the task queue (default 1). With more, the window is cut into one part per
   * worker, uploaded all at once, and each worker runs one activity at a time, so every worker
   * takes a part; peak RSS is then the largest of the workers'.
   */
  workers?: number;
  print: (l: string) => void;
}): Promise<ExportBenchResult> {
  const { print } = options;
  const runs = options.runs ?? 3;
  const compression = options.compression ?? 'gzip';
  const workerCount = options.workers ?? 1;
  const format = options.format ?? 'json-ts';
  const baselineReader = format === 'csv' ? '-csv -header' : '-json';
  const tools = ensureBaselineTools(print);
  // The baseline compresses as the shell would, at the level ours uses; for Parquet, DuckDB
  // (the project venv's) turns the JSON into a zstd Parquet file, as an engineer would script it.
  const baselineCompressor =
    format === 'parquet'
      ? `${VENV_PYTHON} ${writeParquetBaselineScript()}`
      : { gzip: 'gzip -6', zstd: `${tools.zstd} -3 -q`, none: 'cat' }[compression];
  const baselineLabel =
    format === 'parquet'
      ? 'duckdb COPY … (FORMAT parquet, COMPRESSION zstd)'
      : { gzip: 'gzip -6', zstd: 'zstd -3', none: 'no compression' }[compression];
  const storePath = await prepareStore(options.records, print);
  const workerMain = buildWorker(print);

  print('starting Temporal and the S3 emulator…');
  const stack: LocalStack = await startLocalStack({ headless: true });
  const moto = stack.moto!;
  let connection: Connection | undefined;
  try {
    const externalId = generateExternalId();
    const account = await createCustomerAccount(moto.endpoint, {
      accountId: '515151515151',
      bucket: 'bench-logs',
      roleName: 'BenchWriter',
      trustPolicy: trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId }),
      permissionPolicy: permissionPolicy({ bucket: 'bench-logs', prefix: '' }),
    });
    account.s3.destroy();
    const store = await openSqliteStore({ path: storePath });
    const destination = await store.destinations.create({
      organization: ORGANIZATION,
      awsAccountId: '515151515151',
      bucket: 'bench-logs',
      region: 'us-east-1',
      prefix: '',
      roleName: 'BenchWriter',
      externalId,
    });
    const config = await store.exports.create(
      createExportInputSchema.parse({
        destinationId: destination.id,
        logType: 'client',
        format,
        compression,
        folder: 'ours',
      }),
      ORGANIZATION,
    );
    await store.close();

    connection = await Connection.connect({ address: stack.temporal.address });
    const client = new Client({ connection });
    const oursSeconds: number[] = [];
    const oursCpuSeconds: number[] = [];
    const rss: number[] = [];
    let oursBytes = 0;
    let lastKey: string | undefined;
    for (let run = 1; run <= runs; run++) {
      // A task queue per run: Temporal lists a stopped worker's poller for a while.
      const taskQueue = `bench-${process.pid}-${run}`;
      const shared =
        workerCount === 1
          ? {}
          : {
              EXPORT_PART_MAX_RECORDS: String(Math.ceil(options.records / workerCount)),
              EXPORT_PART_CONCURRENCY: String(workerCount),
              WORKER_MAX_CONCURRENT_ACTIVITIES: '1',
            };
      const workers: BenchWorker[] = [];
      for (let i = 1; i <= workerCount; i++) {
        workers.push(
          await startBenchWorker({
            workerMain,
            client,
            taskQueue,
            logName: workerCount === 1 ? `worker-${run}.log` : `worker-${run}-${i}.log`,
            env: { ...stack.env, DATABASE_URL: `sqlite:${storePath}`, EXPORT_SETTLE_DELAY: '0s', ...shared },
          }),
        );
      }
      const worker = {
        taskQueue,
        peakRssMb: () => Math.max(...workers.map((w) => w.peakRssMb())),
        rssMb: () => Math.max(...workers.map((w) => w.rssMb())),
      };
      try {
        const idleRss = worker.peakRssMb();
        const samples: number[] = [];
        // BENCH_RSS_TRACE=1 prints the worker's RSS every half second (where the memory goes).
        const sampler = process.env.BENCH_RSS_TRACE ? setInterval(() => samples.push(worker.rssMb()), 500) : undefined;
        const cpuBefore = machineBusySeconds();
        const started = process.hrtime.bigint();
        const result = await runExportWindow(client, {
          exportId: config.id,
          windowStart: WINDOW.start,
          taskQueue: worker.taskQueue,
          rerun: true,
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const cpuSeconds = machineBusySeconds() - cpuBefore;
        if (sampler) {
          clearInterval(sampler);
          print(`  RSS every 0.5 s (MB): ${samples.join(' ')}`);
        }
        if (result.records !== options.records)
          throw new Error(`exported ${result.records} records, expected ${options.records}`);
        oursSeconds.push(seconds);
        oursCpuSeconds.push(cpuSeconds);
        rss.push(worker.peakRssMb());
        oursBytes = result.bytes;
        lastKey = result.objects[0]?.key;
        print(
          `  ours, run ${run}: ${seconds.toFixed(2)} s, worker peak RSS ${rss[rss.length - 1]} MB (${idleRss} MB before the window), ${result.objects.length} object(s); ${describeCpu(cpuSeconds, seconds)}`,
        );
      } finally {
        await Promise.all(workers.map((w) => w.service.stop()));
      }
    }

    const baselineSeconds: number[] = [];
    const baselineCpuSeconds: number[] = [];
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: EMULATOR_DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_DUMMY_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
    };
    const query = baselineQuery().replace(/'/g, `'"'"'`);
    for (let run = 1; run <= (options.oursOnly ? 0 : runs); run++) {
      const command =
        `${tools.sqlite3} ${baselineReader} ${storePath} '${query}' | ${baselineCompressor} | ` +
        `${tools.aws} s3 cp - s3://bench-logs/baseline/run-${run}.json --endpoint-url ${moto.endpoint} --only-show-errors`;
      const cpuBefore = machineBusySeconds();
      const seconds = await runBaseline(command, env);
      const cpuSeconds = machineBusySeconds() - cpuBefore;
      baselineSeconds.push(seconds);
      baselineCpuSeconds.push(cpuSeconds);
      print(
        `  baseline (sqlite3 ${baselineReader} | ${baselineLabel} | aws s3 cp), run ${run}: ${seconds.toFixed(2)} s; ${describeCpu(cpuSeconds, seconds)}`,
      );
    }
    const baselineBytes = options.oursOnly
      ? 0
      : Number(
          execFileSync(
            tools.aws,
            [
              's3api',
              'head-object',
              '--bucket',
              'bench-logs',
              '--key',
              'baseline/run-1.json',
              '--endpoint-url',
              moto.endpoint,
              '--query',
              'ContentLength',
            ],
            { env, encoding: 'utf8' },
          ).trim(),
        );

    // The machine's floor: `gzip -6` alone on the uncompressed bytes ours wrote (compression none).
    let gzipFloorSeconds: number | null = null;
    if (compression === 'none' && lastKey && format !== 'parquet') {
      const plain = join(DATA_DIR, 'bench', 'floor-input');
      execFileSync(
        tools.aws,
        ['s3', 'cp', `s3://bench-logs/${lastKey}`, plain, '--endpoint-url', moto.endpoint, '--only-show-errors'],
        { env },
      );
      gzipFloorSeconds = await runBaseline(`gzip -6 -c ${plain} > /dev/null`, env);
      rmSync(plain, { force: true });
      print(`  gzip -6 alone on the ${format} text ours wrote: ${gzipFloorSeconds.toFixed(2)} s`);
    }

    const recordsPerSec = options.records / median(oursSeconds);
    const baselineRecordsPerSec = options.oursOnly ? 0 : options.records / median(baselineSeconds);
    return {
      records: options.records,
      recordsPerSec: Math.round(recordsPerSec),
      peakRssMb: Math.max(...rss),
      baselineRecordsPerSec: Math.round(baselineRecordsPerSec),
      ratio: options.oursOnly ? 0 : Math.round((recordsPerSec / baselineRecordsPerSec) * 1000) / 1000,
      runs: { oursSeconds, baselineSeconds, peakRssMb: rss, oursCpuSeconds, baselineCpuSeconds },
      cpuSeconds: {
        ours: Math.round(median(oursCpuSeconds) * 10) / 10,
        baseline: options.oursOnly ? 0 : Math.round(median(baselineCpuSeconds) * 10) / 10,
      },
      bytes: { ours: oursBytes, baseline: baselineBytes },
      gzipFloorSeconds,
    };
  } finally {
    await connection?.close();
    await stack.stop();
  }
}
