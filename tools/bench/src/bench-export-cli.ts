// `npm run bench [-- --records N] [--runs N] [--format F] [--compression gzip|zstd|none] [--workers N]
// [--ours-only] [--matrix]`: progress on stderr, then a summary and one JSON line on stdout:
// {"records", "format", "compression", "workers", "recordsPerSec", "peakRssMb", "baselineRecordsPerSec", "ratio",
// "cpuSeconds": {"ours", "baseline"}} (the machine's busy CPU seconds per run, medians).
// --matrix runs every format × compression (1 run each unless --runs) and ends with
// {"records", "matrix": [...one object as above per pair, with bytes], "gzipFloor": {...per format}}.
import { compressionSchema, defaultCompression, formatCompressesItself, formatSchema } from '@log-exporter/schemas';
import { type ExportBenchResult, benchExport } from './bench-export';
import { describeCpu, parseRecordsFlag } from './measure';

function flag<T>(argv: readonly string[], name: string, parse: (value: string | undefined) => T, fallback: T): T {
  const index = argv.indexOf(name);
  return index === -1 ? fallback : parse(argv[index + 1]);
}

function enumFlag<T extends string>(options: readonly T[], name: string) {
  return (value: string | undefined): T => {
    if (!options.includes(value as T))
      throw new Error(`${name} ${JSON.stringify(value)}: expected one of ${options.join(', ')}`);
    return value as T;
  };
}

function wholeFlag(name: string, min: number, max: number) {
  return (value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`${name} ${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`);
    return n;
  };
}

const progress = (line: string) => process.stderr.write(line + '\n');
const out = (line: string) => process.stdout.write(line + '\n');

function summaryJson(result: ExportBenchResult, format: string, compression: string, workers: number) {
  return {
    records: result.records,
    format,
    compression,
    workers,
    recordsPerSec: result.recordsPerSec,
    peakRssMb: result.peakRssMb,
    baselineRecordsPerSec: result.baselineRecordsPerSec,
    ratio: result.ratio,
    cpuSeconds: result.cpuSeconds,
    bytes: result.bytes,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const records = parseRecordsFlag(argv, 1_000_000);
  const matrix = argv.includes('--matrix');
  const runs = flag(argv, '--runs', wholeFlag('--runs', 1, 100), matrix ? 1 : 3);
  const workers = flag(argv, '--workers', wholeFlag('--workers', 1, 16), 1);
  const oursOnly = argv.includes('--ours-only');
  const bench = (
    format: (typeof formatSchema.options)[number],
    compression: (typeof compressionSchema.options)[number],
  ) => benchExport({ records, runs, print: progress, oursOnly, compression, format, workers });

  if (matrix) {
    const rows: ReturnType<typeof summaryJson>[] = [];
    const gzipFloor: Record<string, { gzipSeconds: number; oursGzipSeconds: number; oursOverFloor: number }> = {};
    for (const format of formatSchema.options) {
      let floorSeconds: number | null = null;
      // Parquet compresses inside the file: its objects take compression none only.
      for (const compression of formatCompressesItself(format)
        ? (['none'] as const)
        : (['none', 'gzip', 'zstd'] as const)) {
        progress(`\n${format} + ${compression}`);
        const result = await bench(format, compression);
        rows.push(summaryJson(result, format, compression, workers));
        if (compression === 'none') floorSeconds = result.gzipFloorSeconds;
        if (compression === 'gzip' && floorSeconds !== null) {
          const oursGzipSeconds = records / result.recordsPerSec;
          gzipFloor[format] = {
            gzipSeconds: Math.round(floorSeconds * 100) / 100,
            oursGzipSeconds: Math.round(oursGzipSeconds * 100) / 100,
            oursOverFloor: Math.round((floorSeconds / oursGzipSeconds) * 1000) / 1000,
          };
        }
      }
    }
    out(`records: ${records.toLocaleString('en-US')} per window, ${runs} run(s) each`);
    out('format   compr  ours rec/s  baseline rec/s  ratio  ours MB  baseline MB  peak RSS  CPU s ours/baseline');
    for (const r of rows) {
      out(
        `${r.format.padEnd(8)} ${r.compression.padEnd(5)} ${String(r.recordsPerSec).padStart(11)} ` +
          `${String(r.baselineRecordsPerSec).padStart(15)} ${r.ratio.toFixed(3).padStart(6)} ` +
          `${(r.bytes.ours / 1e6).toFixed(1).padStart(8)} ${(r.bytes.baseline / 1e6).toFixed(1).padStart(12)} ` +
          `${String(r.peakRssMb).padStart(6)} MB  ${r.cpuSeconds.ours.toFixed(1).padStart(5)} / ${r.cpuSeconds.baseline.toFixed(1)}`,
      );
    }
    for (const [format, f] of Object.entries(gzipFloor))
      out(
        `gzip -6 alone on ${format}: ${f.gzipSeconds} s; ours with gzip: ${f.oursGzipSeconds} s (floor/ours ${f.oursOverFloor})`,
      );
    out(JSON.stringify({ records, matrix: rows, gzipFloor }));
    return;
  }

  const format = flag(argv, '--format', enumFlag(formatSchema.options, '--format'), 'json-ts');
  const compression = flag(
    argv,
    '--compression',
    enumFlag(compressionSchema.options, '--compression'),
    defaultCompression(format),
  );
  const result = await bench(format, compression);
  const perSec = (bytes: number, rate: number) => (bytes / 1_048_576 / (result.records / rate)).toFixed(1);
  out('');
  out(`records:            ${result.records.toLocaleString('en-US')} (${format} + ${compression}, one window)`);
  out(
    `ours:               ${result.recordsPerSec.toLocaleString('en-US')} records/s (median of ${runs}), ` +
      `${perSec(result.bytes.ours, result.recordsPerSec)} MB/s written (${compression}), worker peak RSS ${result.peakRssMb} MB`,
  );
  out(
    `baseline:           ${result.baselineRecordsPerSec.toLocaleString('en-US')} records/s (median of ${runs}), ` +
      `${perSec(result.bytes.baseline, result.baselineRecordsPerSec)} MB/s written (${compression})`,
  );
  out(`ours / baseline:    ${result.ratio}`);
  out(
    `machine CPU:        ours ${describeCpu(result.cpuSeconds.ours, result.records / result.recordsPerSec)}` +
      (oursOnly
        ? ''
        : `, baseline ${describeCpu(result.cpuSeconds.baseline, result.records / result.baselineRecordsPerSec)}`) +
      ' (medians; every process on the machine)',
  );
  const { bytes: _bytes, ...summary } = summaryJson(result, format, compression, workers);
  out(JSON.stringify(summary));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
