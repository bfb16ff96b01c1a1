// Entry point of `npm run verify -- …` (and of the built apps/verify/dist/main.js).
import { runVerify } from './verify-command';

runVerify(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  env: process.env,
}).then(
  (status) => process.exit(status),
  (err: unknown) => {
    process.stderr.write(`verify: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
