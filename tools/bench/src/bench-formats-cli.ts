// `npm run bench:formats [-- --records N]`: prints the table, then one JSON line with the figures.
import { benchFormats, formatsTable } from './bench-formats';
import { parseRecordsFlag } from './measure';

async function main(): Promise<void> {
  const records = parseRecordsFlag(process.argv.slice(2), 1_000_000);
  const result = await benchFormats({ records, print: (line) => process.stdout.write(line + '\n') });
  for (const line of formatsTable(result)) process.stdout.write(line + '\n');
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:formats: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
