// `verify`: checks a bucket's exported files for a date range against their manifests, the chain
// of manifests and the Ed25519 signatures, and reports every missing, altered, extra and unsigned
// file. Exit status: 0 all good, 1 problems found, 2 the command could not run as asked.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import packageJson from '../package.json';
import { s3BucketReader } from '@log-exporter/aws';
import {
  type ManifestPublicKey,
  type VerifyReport,
  parsePublicKey,
  verifyExportedFiles,
} from '@log-exporter/manifests';

export const USAGE = `usage: verify --bucket <name> [--prefix <prefix>] --from <YYYY-MM-DD> [--to <YYYY-MM-DD>]
              --public-key <base64 | PEM file> [--public-key …] [--region <region>] [--endpoint-url <url>]
              [--json] [--quiet]
       verify --help | --version

Checks the exported files of the days --from..--to (UTC, both inclusive) against their signed,
chained manifests and reports every MISSING, ALTERED, EXTRA, UNSIGNED file and broken chain.
Exit status: 0 all verified, 1 problems found, 2 the command could not run as asked.
Options take their value as --flag value or --flag=value. Progress goes to stderr (--quiet: none).

Reads with the AWS credentials of the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, …): they need
s3:ListBucket and s3:GetObject on the prefix. The public keys come from the exporter
(GET /api/manifest-keys); give each key still in use.`;

const PROGRESS_INTERVAL_MS = 1_000;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface VerifyArguments {
  bucket: string;
  prefix: string;
  from: string;
  to: string;
  publicKeys: ManifestPublicKey[];
  region: string;
  endpoint?: string;
  json: boolean;
  /** No progress lines on stderr. */
  quiet: boolean;
}

const OPTIONS = {
  bucket: { type: 'string', multiple: true },
  prefix: { type: 'string', multiple: true },
  from: { type: 'string', multiple: true },
  to: { type: 'string', multiple: true },
  'public-key': { type: 'string', multiple: true },
  region: { type: 'string', multiple: true },
  'endpoint-url': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** What the command line asks for: a verification, or the usage or version text. */
export type VerifyRequest = { kind: 'help' } | { kind: 'version' } | { kind: 'verify'; args: VerifyArguments };

/** Parses with node:util parseArgs: `--flag value` and `--flag=value`; unknown flags are refused. */
export function parseVerifyRequest(argv: readonly string[], env: NodeJS.ProcessEnv): VerifyRequest {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
  if (parsed.values.help) return { kind: 'help' };
  if (parsed.values.version) return { kind: 'version' };
  return { kind: 'verify', args: toArguments(parsed.values, env) };
}

/** parseArgs says which kind of mistake in `code`; the argument it names is only in its message. */
function describeParseError(err: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown argument ${JSON.stringify(quoted ?? err.message)}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /(--[\w-]+)/.exec(err.message)?.[1];
      return flag ? `${flag}: expected a value` : err.message;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted ?? err.message)}`;
    default:
      return err.message;
  }
}

function toArguments(
  values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string[] : boolean },
  env: NodeJS.ProcessEnv,
): VerifyArguments {
  const one = (flag: string): string | undefined => {
    const given = values[flag.slice(2) as keyof typeof OPTIONS] as string[] | undefined;
    if (given && given.length > 1) throw new UsageError(`${flag}: given ${given.length} times, expected once`);
    if (given?.[0] !== undefined && given[0].startsWith('--')) throw new UsageError(`${flag}: expected a value`);
    return given?.[0];
  };
  const json = values.json === true;
  const quiet = values.quiet === true;
  const bucket = one('--bucket');
  if (!bucket) throw new UsageError('--bucket: required');
  const from = one('--from');
  if (!from) throw new UsageError('--from: required (the first day, YYYY-MM-DD)');
  const to = one('--to') ?? from;
  for (const [flag, day] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
      throw new UsageError(`${flag} ${JSON.stringify(day)}: expected a day as YYYY-MM-DD`);
  }
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const keys = (values['public-key'] as string[] | undefined) ?? [];
  if (keys.length === 0)
    throw new UsageError('--public-key: required (base64 or a PEM file; from GET /api/manifest-keys)');
  const publicKeys = keys.map((given, i) => {
    const text = /^[A-Za-z0-9+/]+={0,2}$/.test(given) ? given : readKeyFile(given);
    try {
      return parsePublicKey(text, `--public-key ${i + 1}`);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  const endpoint = one('--endpoint-url') ?? env.AWS_ENDPOINT_URL;
  return {
    bucket,
    prefix: (one('--prefix') ?? '').replace(/^\/+|\/+$/g, ''),
    from,
    to,
    publicKeys,
    region: one('--region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    json,
    quiet,
  };
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--public-key ${JSON.stringify(path)}: neither base64 nor a readable file (${(err as Error).message})`,
    );
  }
}

const LABELS: Record<string, string> = {
  missing: 'MISSING',
  altered: 'ALTERED',
  extra: 'EXTRA',
  unsigned: 'UNSIGNED',
  'unknown-key': 'UNKNOWN KEY',
  chain: 'CHAIN BROKEN',
};

export function formatReport(
  args: Pick<VerifyArguments, 'bucket' | 'prefix' | 'from' | 'to'>,
  report: VerifyReport,
): string[] {
  const lines = report.problems.map((p) => `${LABELS[p.kind] ?? p.kind}  ${p.key}: ${p.message}`);
  // Not problems: windows whose late records came in a later delivery, listed by its manifest.
  for (const r of report.revised) lines.push(`REVISED  ${r.key}: revision ${r.revision} (late records delivered)`);
  const where = `s3://${args.bucket}/${args.prefix}${args.prefix ? '/' : ''}`;
  lines.push(
    `${where} ${args.from}..${args.to}: ${report.manifests} manifest(s), ${report.objects} object(s), ` +
      `${report.records.toLocaleString('en-US')} records; ` +
      (report.problems.length === 0 ? 'all verified' : `${report.problems.length} problem(s)`),
  );
  return lines;
}

/** Runs the command; returns the exit status. */
export async function runVerify(
  argv: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void; env: NodeJS.ProcessEnv },
): Promise<number> {
  let request: VerifyRequest;
  try {
    request = parseVerifyRequest(argv, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`verify: ${err.message}`);
    io.err(USAGE);
    return 2;
  }
  if (request.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (request.kind === 'version') {
    io.out(`verify ${packageJson.version}`);
    return 0;
  }
  const { args } = request;
  // Progress for long ranges: a line on stderr at most every PROGRESS_INTERVAL_MS.
  let checked = 0;
  let lastProgress = Date.now();
  const onChecked = (key: string) => {
    checked++;
    if (args.quiet || Date.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = Date.now();
    io.err(`verify: ${checked.toLocaleString('en-US')} file(s) checked, now ${key}`);
  };
  const s3 = new S3Client({
    region: args.region,
    ...(args.endpoint ? { endpoint: args.endpoint, forcePathStyle: true } : {}),
  });
  try {
    const report = await verifyExportedFiles({
      reader: s3BucketReader(s3, args.bucket),
      prefix: args.prefix,
      from: args.from,
      to: args.to,
      publicKeys: args.publicKeys,
      onChecked,
    });
    if (args.json) io.out(JSON.stringify(report));
    else for (const line of formatReport(args, report)) io.out(line);
    return report.problems.length === 0 ? 0 : 1;
  } catch (err) {
    io.err(`verify: could not read s3://${args.bucket}: ${(err as Error).name}: ${(err as Error).message}`);
    return 2;
  } finally {
    s3.destroy();
  }
}
