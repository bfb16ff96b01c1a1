// Golden files: a fixed, seeded dataset encoded in every format × log type × compression must stay
// byte-identical to the files committed in test/golden. After an intended change of the output,
// regenerate them with `npm run goldens` and review the diff like any other change of contract.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import {
  type ClientLogRecord,
  type Compression,
  type FieldGroup,
  type Format,
  type LogType,
  fileExtension,
} from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD, generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import { type LogRecord, encodeToStream, inBatches } from '../src';

const GOLDEN_DIR = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const WINDOW = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };

const HOSTILE: ClientLogRecord[] = [
  {
    ...SEED_EXAMPLE_CLIENT_RECORD,
    request_id: 'golden-hostile-1',
    user_agent: 'Mozilla/5.0 "quoted", comma\nnewline\ttab ünïcödé 🚀',
    referer: '',
    city: '=HYPERLINK("http://evil")',
    user_name: 'name with spaces',
  },
  {
    ...SEED_EXAMPLE_CLIENT_RECORD,
    request_id: 'golden-hostile-2',
    user_agent: null,
    referer: '-',
    ip_address: null,
    protocol: null,
  },
];

const client: LogRecord[] = [
  SEED_EXAMPLE_CLIENT_RECORD,
  ...HOSTILE,
  ...generateClientLogs({ seed: 2026, organization: 'acmecorp', window: WINDOW, count: 25 }),
];
const audit: LogRecord[] = [
  ...generateAuditLogs({ seed: 2026, organization: 'acmecorp', window: WINDOW, count: 20 }),
].map(({ organization: _organization, ...record }) => record);

interface Case {
  name: string;
  logType: LogType;
  format: Format;
  compression: Compression;
  exclude: FieldGroup[];
}

const cases: Case[] = [];
for (const logType of ['client', 'audit'] as const) {
  for (const format of ['csv', 'json', 'json-ts', 'apache'] as const) {
    if (logType === 'audit' && format === 'apache') continue;
    for (const compression of ['none', 'gzip', 'zstd'] as const) {
      cases.push({
        name: `${logType}-${format}.${fileExtension(format, compression)}`,
        logType,
        format,
        compression,
        exclude: [],
      });
    }
  }
}
for (const format of ['csv', 'json', 'apache'] as const) {
  cases.push({
    name: `client-${format}-exclude-all.${fileExtension(format, 'none')}`,
    logType: 'client',
    format,
    compression: 'none',
    exclude: ['eula', 'geo', 'ip', 'namespace', 'repository'],
  });
}

async function encode(c: Case): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of encodeToStream(inBatches(c.logType === 'client' ? client : audit), c))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('golden files', () => {
  if (UPDATE) mkdirSync(GOLDEN_DIR, { recursive: true });

  it('cover every format × log type × compression, and the exclusions', () => {
    expect(cases).toHaveLength(24);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s is byte-identical to its golden file', async (name, c) => {
    const bytes = await encode(c);
    const file = join(GOLDEN_DIR, name);
    if (UPDATE) writeFileSync(file, bytes);
    expect(existsSync(file)).toBe(true);
    expect(bytes.equals(readFileSync(file))).toBe(true);
    if (c.compression === 'gzip') {
      const plain = join(GOLDEN_DIR, name.replace(/\.gz$/, ''));
      expect(gunzipSync(bytes).equals(readFileSync(plain))).toBe(true);
    }
    if (c.compression === 'zstd') {
      const plain = join(GOLDEN_DIR, name.replace(/\.zst$/, ''));
      expect(zstdDecompressSync(bytes).equals(readFileSync(plain))).toBe(true);
    }
  });
});
