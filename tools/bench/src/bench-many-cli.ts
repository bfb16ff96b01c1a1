// `npm run bench:many [-- --exports N --records-per-export M]`: prints the run, then one JSON line:
// {"exports", "recordsPerExport", "seconds", "windowsPerSec", "peakRssMb", "objects"}.
import { benchManyExports } from './bench-many';
import { wholeFlag } from './measure';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const print = (line: string) => process.stdout.write(line + '\n');
  const result = await benchManyExports({
    exports: wholeFlag(argv, '--exports', 1_000),
    recordsPerExport: wholeFlag(argv, '--records-per-export', 100),
    print,
  });
  print('');
  print(
    `windows:        ${result.exports.toLocaleString('en-US')} (one export each, ${result.recordsPerExport} records)`,
  );
  print(`total time:     ${result.seconds.toFixed(1)} s`);
  print(`windows/s:      ${result.windowsPerSec}`);
  print(`worker peak RSS ${result.peakRssMb} MB; ${result.objects} objects in the bucket`);
  print(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:many: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
