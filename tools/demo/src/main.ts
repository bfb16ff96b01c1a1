// `npm run demo` entry point: runs the demo with a realistic day and exits 0 on success.
import { runDemo } from './demo';

const records = Number(process.env.DEMO_RECORDS ?? 12_000);
if (!Number.isInteger(records) || records < 0) {
  process.stderr.write(`demo: DEMO_RECORDS=${JSON.stringify(process.env.DEMO_RECORDS)} is not a whole number\n`);
  process.exit(2);
}

runDemo({ records, print: (line) => process.stdout.write(line + '\n') }).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
