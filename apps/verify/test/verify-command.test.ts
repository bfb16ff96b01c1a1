// verify against files in the S3 emulator: three chained, signed windows written the way the
// worker writes them (libs/manifests), then each kind of damage a customer must be told about.
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { permissionPolicy, trustPolicy } from '@log-exporter/aws';
import { createHash, randomBytes } from 'node:crypto';
import {
  type EmulatedCustomerAccount,
  type MotoServer,
  createCustomerAccount,
  freePort,
  startMotoServer,
} from '@log-exporter/local-stack';
import {
  type ManifestSigningKey,
  buildManifest,
  generateSigningKey,
  parseSigningKey,
  serializeManifest,
  signManifest,
} from '@log-exporter/manifests';
import type { ExportedObject, ManifestLink } from '@log-exporter/schemas';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@log-exporter/local-stack';
import packageJson from '../package.json';
import { runVerify } from '../src/verify-command';

const BUCKET = 'verify-logs';
const KEY = parseSigningKey(generateSigningKey());
const OTHER_KEY = parseSigningKey(generateSigningKey());
const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03'];
const EXPORT_ID = 'exp_7k3m9q2x4w8zq5n1';

let moto: MotoServer;
let account: EmulatedCustomerAccount;
let s3: S3Client;
let caseNumber = 0;

beforeAll(async () => {
  moto = await startMotoServer({ port: await freePort() });
  account = await createCustomerAccount(moto.endpoint, {
    accountId: '616161616161',
    bucket: BUCKET,
    roleName: 'LogsWriter',
    trustPolicy: trustPolicy({ exporterAccountId: '123456789012', externalId: 'e'.repeat(40) }),
    permissionPolicy: permissionPolicy({ bucket: BUCKET, prefix: '' }),
  });
  s3 = account.s3;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: account.adminCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.adminCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: account.adminCredentials.sessionToken,
  });
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

const put = (key: string, body: Buffer) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const remove = (key: string) => s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));

interface Written {
  prefix: string;
  dataKeys: string[];
  manifestKeys: string[];
  manifests: ReturnType<typeof signManifest>[];
}

function windowOf(day: string) {
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().replace('.000Z', 'Z');
  return { start: `${day}T00:00:00Z`, end };
}

function manifestFor(
  prefix: string,
  day: string,
  objects: ExportedObject[],
  link: ManifestLink | null,
  key: ManifestSigningKey | null,
) {
  const resolved = {
    exportId: EXPORT_ID,
    organization: 'acme',
    logType: 'client' as const,
    format: 'json-ts' as const,
    compression: 'gzip' as const,
    cadence: 'daily' as const,
    window: windowOf(day),
  };
  void prefix;
  return signManifest(buildManifest(resolved, objects, link), key);
}

/** Three windows of two parts each, chained and signed, under a prefix of their own. */
async function writeWindows(options: { signingKey?: ManifestSigningKey | null } = {}): Promise<Written> {
  const prefix = `customer/case-${++caseNumber}`;
  const written: Written = { prefix, dataKeys: [], manifestKeys: [], manifests: [] };
  let link: ManifestLink | null = null;
  for (const day of DAYS) {
    const objects: ExportedObject[] = [];
    for (const part of [1, 2]) {
      const key = `${prefix}/client-logs/dt=${day}/client_${EXPORT_ID}_${day}_part0000${part}.log.gz`;
      const body = randomBytes(2_000 + part);
      await put(key, body);
      objects.push({
        key,
        records: 100 * part,
        bytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
      });
      written.dataKeys.push(key);
    }
    const manifest = manifestFor(
      prefix,
      day,
      objects,
      link,
      options.signingKey === undefined ? KEY : options.signingKey,
    );
    const manifestKey = `${prefix}/client-logs/dt=${day}/_manifest_${EXPORT_ID}_${day}.json`;
    const bytes = serializeManifest(manifest);
    await put(manifestKey, bytes);
    written.manifestKeys.push(manifestKey);
    written.manifests.push(manifest);
    link = { window: manifest.window, key: manifestKey, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return written;
}

async function verify(prefix: string, extra: string[] = []): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runVerify(
    [
      '--bucket',
      BUCKET,
      '--prefix',
      prefix,
      '--from',
      DAYS[0] as string,
      '--to',
      DAYS[2] as string,
      '--public-key',
      KEY.publicKey.base64,
      '--endpoint-url',
      moto.endpoint,
      ...extra,
    ],
    { out: (l) => out.push(l), err: (l) => err.push(l), env: process.env },
  );
  return { status, out, err };
}

describe('verify', () => {
  it('passes untouched windows and counts what it checked', async () => {
    const w = await writeWindows();
    const result = await verify(w.prefix);
    expect(result.err).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.out).toEqual([
      `s3://${BUCKET}/${w.prefix}/ ${DAYS[0]}..${DAYS[2]}: 3 manifest(s), 6 object(s), 900 records; all verified`,
    ]);
  });

  it('names an object with one byte changed', async () => {
    const w = await writeWindows();
    const target = w.dataKeys[3] as string;
    const manifest = w.manifests[1]!;
    const original = manifest.objects.find((o) => o.key === target)!;
    const tampered = randomBytes(original.bytes);
    await put(target, tampered);
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    expect(result.out).toHaveLength(2);
    expect(result.out[0]).toMatch(new RegExp(`^ALTERED  ${target}: content differs from ${w.manifestKeys[1]}`));
    expect(result.out[1]).toMatch(/1 problem\(s\)$/);
  });

  it('names a deleted object', async () => {
    const w = await writeWindows();
    await remove(w.dataKeys[0] as string);
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    expect(result.out[0]).toBe(`MISSING  ${w.dataKeys[0]}: listed in ${w.manifestKeys[0]} but not in the bucket`);
  });

  it('names a deleted manifest: its files are unaccounted for and the next manifest links to it', async () => {
    const w = await writeWindows();
    await remove(w.manifestKeys[1] as string);
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    const missingName = `_manifest_${EXPORT_ID}_${DAYS[1]}.json`;
    expect(result.out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^MISSING  ${w.manifestKeys[1]}: the manifest of window ${DAYS[1]}T00:00:00Z, which ${w.manifestKeys[2]} links to`,
          ),
        ),
        `EXTRA  ${w.dataKeys[2]}: no manifest for its window (${missingName} is missing)`,
        `EXTRA  ${w.dataKeys[3]}: no manifest for its window (${missingName} is missing)`,
      ]),
    );
  });

  it('refuses a manifest whose content was changed after signing', async () => {
    const w = await writeWindows();
    const forged = { ...w.manifests[0]!, totals: { ...w.manifests[0]!.totals, records: 1 } };
    await put(w.manifestKeys[0] as string, serializeManifest(forged));
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    expect(result.out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^ALTERED  ${w.manifestKeys[0]}: the signature by key ${KEY.publicKey.keyId} does not match`),
        ),
        // and the next window's link no longer matches it
        expect.stringMatching(new RegExp(`^CHAIN BROKEN  ${w.manifestKeys[0]}: SHA-256`)),
      ]),
    );
  });

  it('refuses a manifest replaced by one signed with another key', async () => {
    const w = await writeWindows();
    const replaced = manifestFor(
      w.prefix,
      DAYS[2] as string,
      w.manifests[2]!.objects,
      w.manifests[2]!.previousManifest,
      OTHER_KEY,
    );
    await put(w.manifestKeys[2] as string, serializeManifest(replaced));
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    expect(result.out[0]).toBe(
      `UNKNOWN KEY  ${w.manifestKeys[2]}: signed by key ${OTHER_KEY.publicKey.keyId}, which is not among the public keys given`,
    );
  });

  it('refuses a genuine manifest of another window put in place of this one', async () => {
    const w = await writeWindows();
    await put(w.manifestKeys[2] as string, serializeManifest(w.manifests[1]!));
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    expect(result.out).toEqual(
      expect.arrayContaining([
        `ALTERED  ${w.manifestKeys[2]}: describes export ${EXPORT_ID}, window ${DAYS[1]}T00:00:00Z, not the one its name says`,
      ]),
    );
  });

  it('reports unsigned manifests', async () => {
    const w = await writeWindows({ signingKey: null });
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    expect(result.out.filter((l) => l.startsWith('UNSIGNED'))).toEqual(
      w.manifestKeys.map((k) => `UNSIGNED  ${k}: the manifest carries no signature`),
    );
  });

  it('reports a file no manifest lists', async () => {
    const w = await writeWindows();
    const stray = `${w.prefix}/client-logs/dt=${DAYS[1]}/client_${EXPORT_ID}_${DAYS[1]}_part00003.log.gz`;
    await put(stray, Buffer.from('not ours'));
    const result = await verify(w.prefix);
    expect(result.status).toBe(1);
    expect(result.out[0]).toBe(`EXTRA  ${stray}: not listed in ${w.manifestKeys[1]}`);
  });

  it('checks only the days asked for, and a range of one day needs no --to', async () => {
    const w = await writeWindows();
    await remove(w.dataKeys[5] as string); // day 3
    const out: string[] = [];
    const status = await runVerify(
      [
        '--bucket',
        BUCKET,
        '--prefix',
        w.prefix,
        '--from',
        DAYS[0] as string,
        '--public-key',
        KEY.publicKey.base64,
        '--endpoint-url',
        moto.endpoint,
      ],
      { out: (l) => out.push(l), err: () => undefined, env: process.env },
    );
    expect(status).toBe(0);
    expect(out[0]).toMatch(/: 1 manifest\(s\), 2 object\(s\), 300 records; all verified$/);
  });

  it.each([
    [['--from', '2026-11-01', '--public-key', KEY.publicKey.base64], '--bucket: required'],
    [['--bucket', BUCKET, '--public-key', KEY.publicKey.base64], '--from: required'],
    [
      ['--bucket', BUCKET, '--from', '2026-13-01', '--public-key', KEY.publicKey.base64],
      '--from "2026-13-01": expected a day',
    ],
    [
      ['--bucket', BUCKET, '--from', '2026-11-02', '--to', '2026-11-01', '--public-key', KEY.publicKey.base64],
      '--from 2026-11-02 is after --to 2026-11-01',
    ],
    [['--bucket', BUCKET, '--from', '2026-11-01'], '--public-key: required'],
    [
      ['--bucket', BUCKET, '--from', '2026-11-01', '--public-key', 'AAAA'],
      '--public-key 1: expected 32 bytes once base64-decoded, got 3',
    ],
    [
      ['--bucket', BUCKET, '--from', '2026-11-01', '--public-key', KEY.publicKey.base64, '--frm', 'x'],
      'unknown argument "--frm"',
    ],
    [['--bucket'], '--bucket: expected a value'],
    [['--bucket', BUCKET, 'stray'], 'unexpected argument "stray"'],
  ])('refuses %j with status 2 naming the argument', async (argv, message) => {
    const err: string[] = [];
    const status = await runVerify(argv, { out: () => undefined, err: (l) => err.push(l), env: process.env });
    expect(status).toBe(2);
    expect(err[0]?.slice(0, `verify: ${message}`.length)).toBe(`verify: ${message}`);
    expect(err.join('\n')).toContain('usage: verify');
  });
});

/** The arguments `verify()` passes, in the `--flag=value` form. */
const equalsFormArgs = (prefix: string) => [
  `--bucket=${BUCKET}`,
  `--prefix=${prefix}`,
  `--from=${DAYS[0]}`,
  `--to=${DAYS[2]}`,
  `--public-key=${KEY.publicKey.base64}`,
  `--endpoint-url=${moto.endpoint}`,
];

describe('the command line', () => {
  it('prints its usage for --help and its version for --version, both with status 0', async () => {
    const out: string[] = [];
    expect(await runVerify(['--help'], { out: (l) => out.push(l), err: () => undefined, env: {} })).toBe(0);
    expect(out.join('\n')).toMatch(/^usage: verify --bucket <name>/);
    out.length = 0;
    expect(await runVerify(['--version'], { out: (l) => out.push(l), err: () => undefined, env: {} })).toBe(0);
    expect(out).toEqual([`verify ${packageJson.version}`]);
  });

  it('takes --flag=value as well as --flag value', async () => {
    const w = await writeWindows();
    const result = await verify(w.prefix, ['--json']);
    const out: string[] = [];
    const status = await runVerify([...equalsFormArgs(w.prefix), '--json'], {
      out: (l) => out.push(l),
      err: () => undefined,
      env: process.env,
    });
    expect(status).toBe(0);
    expect(out).toEqual(result.out);
  });
});

describe('the self-contained build (dist/verify/verify.mjs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-standalone-'));
  const file = join(dir, 'verify.mjs');
  beforeAll(() => {
    // The same build `npm run build` makes, written outside the repository.
    execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'tools', 'build', 'bundle-app.mjs'), 'apps/verify', '--standalone', file],
      {
        cwd: REPO_ROOT,
        stdio: 'pipe',
      },
    );
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    spawnSync(process.execPath, [file, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '' },
    });

  it('runs with a plain node from a directory outside the repository: --help exits 0', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: verify/);
  });

  it('verifies windows against the emulator, and names an altered object', async () => {
    const w = await writeWindows();
    const args = equalsFormArgs(w.prefix);
    const good = run(args);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toBe(
      `s3://${BUCKET}/${w.prefix}/ ${DAYS[0]}..${DAYS[2]}: 3 manifest(s), 6 object(s), 900 records; all verified\n`,
    );
    await put(w.dataKeys[0] as string, Buffer.from('tampered'));
    const bad = run(args);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`ALTERED  ${w.dataKeys[0]}`);
  });
});
