// `npm run bench:parquet [-- --records N --runs N]` (default 1,000,000 records, 3 runs): the two
// Parquet writers we considered, each in a process of its own on the same generated client
// records (bench-parquet-child.ts), alternated run by run; prints records/s (generation time
// taken off), file size and peak RSS per writer, medians, then one JSON line.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { withWorkerProcessSettings } from '@log-exporter/config';
import { PARQUET_WRITERS, type ParquetWriterName } from './bench-parquet-child';
import { formatRate, median, parseRecordsFlag, wholeFlag } from './measure';

interface ChildResult {
  seconds: number;
  bytes: number;
  peakRssMb: number;
}

function runChild(writer: ParquetWriterName, records: number): ChildResult {
  const tsx = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
  const out = execFileSync(tsx, [join(__dirname, 'bench-parquet-child.ts'), writer, String(records)], {
    encoding: 'utf8',
    env: withWorkerProcessSettings(process.env),
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
}

function main(): void {
  const argv = process.argv.slice(2);
  const records = parseRecordsFlag(argv, 1_000_000);
  const runs = wholeFlag(argv, '--runs', 3);
  const results = new Map<ParquetWriterName, ChildResult[]>(PARQUET_WRITERS.map((w) => [w, []]));
  for (let run = 1; run <= runs; run++)
    for (const writer of PARQUET_WRITERS) {
      const result = runChild(writer, records);
      results.get(writer)?.push(result);
      process.stderr.write(
        `run ${run} ${writer}: ${result.seconds.toFixed(2)} s, ${(result.bytes / 1e6).toFixed(1)} MB, peak RSS ${result.peakRssMb} MB\n`,
      );
    }
  const generateSeconds = median((results.get('generate') ?? []).map((r) => r.seconds));
  const summary = PARQUET_WRITERS.filter((w) => w !== 'generate').map((writer) => {
    const list = results.get(writer) ?? [];
    const seconds = median(list.map((r) => r.seconds));
    return {
      writer,
      seconds: Math.round(seconds * 100) / 100,
      recordsPerSec: Math.round(records / Math.max(seconds - generateSeconds, 0.001)),
      bytes: list[0]?.bytes ?? 0,
      peakRssMb: median(list.map((r) => r.peakRssMb)),
    };
  });
  process.stdout.write(
    `records: ${records.toLocaleString('en-US')}, ${runs} run(s) each; generating them alone: ${generateSeconds.toFixed(2)} s, ` +
      `peak RSS ${median((results.get('generate') ?? []).map((r) => r.peakRssMb))} MB\n`,
  );
  for (const s of summary)
    process.stdout.write(
      `${s.writer.padEnd(17)} ${formatRate(s.recordsPerSec).padStart(9)} records/s (generation taken off), ` +
        `${(s.bytes / 1e6).toFixed(1)} MB, peak RSS ${s.peakRssMb} MB\n`,
    );
  process.stdout.write(JSON.stringify({ records, runs, generateSeconds, writers: summary }) + '\n');
}

main();
