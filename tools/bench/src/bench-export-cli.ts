// `npm run bench [-- --records N] [--runs N] [--ours-only]`: prints the runs, a summary, then one JSON line:
// {"records", "recordsPerSec", "peakRssMb", "baselineRecordsPerSec", "ratio"}.
import { benchExport } from './bench-export';

// Node 20 is supported by the AWS SDK until 2027 (README); keep the figures readable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { parseRecordsFlag } from './measure';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const records = parseRecordsFlag(argv, 1_000_000);
  const runsIndex = argv.indexOf('--runs');
  const runs = runsIndex === -1 ? 3 : Number(argv[runsIndex + 1]);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs ${JSON.stringify(argv[runsIndex + 1])}: expected a whole number, at least 1`);
  const print = (line: string) => process.stdout.write(line + '\n');
  const result = await benchExport({ records, runs, print, oursOnly: argv.includes('--ours-only') });
  print('');
  print(`records:            ${result.records.toLocaleString('en-US')} (json-ts + gzip, one window)`);
  print(
    `ours:               ${result.recordsPerSec.toLocaleString('en-US')} records/s (median of ${runs}), ` +
      `${(result.bytes.ours / 1_048_576 / (result.records / result.recordsPerSec)).toFixed(1)} MB/s written (gzip), worker peak RSS ${result.peakRssMb} MB`,
  );
  print(
    `baseline:           ${result.baselineRecordsPerSec.toLocaleString('en-US')} records/s (median of ${runs}), ` +
      `${(result.bytes.baseline / 1_048_576 / (result.records / result.baselineRecordsPerSec)).toFixed(1)} MB/s written (gzip)`,
  );
  print(`ours / baseline:    ${result.ratio}`);
  print(
    JSON.stringify({
      records: result.records,
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
