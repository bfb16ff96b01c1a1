// `npm run bench [-- --records N] [--runs N] [--compression gzip|zstd|none] [--workers N] [--ours-only]`: prints
// the runs, a summary, then one JSON line:
// {"records", "compression", "workers", "recordsPerSec", "peakRssMb", "baselineRecordsPerSec", "ratio"}.
import { benchExport } from './bench-export';

import { compressionSchema } from '@log-exporter/schemas';
import { parseRecordsFlag } from './measure';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const records = parseRecordsFlag(argv, 1_000_000);
  const runsIndex = argv.indexOf('--runs');
  const runs = runsIndex === -1 ? 3 : Number(argv[runsIndex + 1]);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs ${JSON.stringify(argv[runsIndex + 1])}: expected a whole number, at least 1`);
  const compressionIndex = argv.indexOf('--compression');
  const compression = compressionSchema.safeParse(compressionIndex === -1 ? 'gzip' : argv[compressionIndex + 1]);
  if (!compression.success)
    throw new Error(
      `--compression ${JSON.stringify(argv[compressionIndex + 1])}: expected one of ${compressionSchema.options.join(', ')}`,
    );
  const workersIndex = argv.indexOf('--workers');
  const workers = workersIndex === -1 ? 1 : Number(argv[workersIndex + 1]);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16)
    throw new Error(`--workers ${JSON.stringify(argv[workersIndex + 1])}: expected a whole number from 1 to 16`);
  const print = (line: string) => process.stdout.write(line + '\n');
  const result = await benchExport({
    records,
    runs,
    print,
    oursOnly: argv.includes('--ours-only'),
    compression: compression.data,
    workers,
  });
  print('');
  print(`records:            ${result.records.toLocaleString('en-US')} (json-ts + ${compression.data}, one window)`);
  print(
    `ours:               ${result.recordsPerSec.toLocaleString('en-US')} records/s (median of ${runs}), ` +
      `${(result.bytes.ours / 1_048_576 / (result.records / result.recordsPerSec)).toFixed(1)} MB/s written (${compression.data}), worker peak RSS ${result.peakRssMb} MB`,
  );
  print(
    `baseline:           ${result.baselineRecordsPerSec.toLocaleString('en-US')} records/s (median of ${runs}), ` +
      `${(result.bytes.baseline / 1_048_576 / (result.records / result.baselineRecordsPerSec)).toFixed(1)} MB/s written (${compression.data})`,
  );
  print(`ours / baseline:    ${result.ratio}`);
  print(
    JSON.stringify({
      records: result.records,
      compression: compression.data,
      workers,
      recordsPerSec: result.recordsPerSec,
      peakRssMb: result.peakRssMb,
      baselineRecordsPerSec: result.baselineRecordsPerSec,
      ratio: result.ratio,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
