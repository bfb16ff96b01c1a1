// The JSON and CSV lines each database writes itself (linePages) are byte-identical to what the
// worker's encoders make of the same rows read as records: for arbitrary text (control
// characters, quotes, commas, CR and LF, backslashes, empty strings, any Unicode), integers,
// nulls and floats of every magnitude, sign and spelling (including those the databases print
// unlike JavaScript, which come back as records for the encoder).
import fc from 'fast-check';
import { createRecordEncoder, databaseLineSpec } from '@log-exporter/formats';
import { TEST_DATABASE_KINDS, type TestDatabase, createTestDatabase } from '@log-exporter/local-stack';
import type { ClientLogRecord, FieldGroup, Format } from '@log-exporter/schemas';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import { type Store, type WindowScope, openStore } from '../src';

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const WHOLE = { after: null, until: null };

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

// No NUL: PostgreSQL text cannot hold one (ingest refuses it).
const text = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replaceAll('\u0000', ''));
const hostileText = fc.oneof(
  text,
  fc.constantFrom(
    '"',
    '\\',
    '\u0001\b\t\n\u000b\f\r\u001f',
    '\u007f',
    '\u2028\u2029',
    'é😀',
    '</script>',
    '',
    ',',
    'a,"b"',
    '\r\n',
    ' ',
    '=1+1',
  ),
);
const float = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  // what stored times look like: seconds with a few decimals
  fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => n / 1000),
  fc.integer({ min: 1, max: 2 ** 52 }).map((n) => n / 2 ** 20),
  fc.constantFrom(0, -0, 5, -5, 0.1 + 0.2, 1e-4, 9.99e-5, 1.5e-7, 1e15, 1e15 - 0.5, 1e21, 123456.789, 0.741),
);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const clientOverrides = fc.record({
  user_agent: nullable(hostileText),
  city: nullable(hostileText),
  uri: hostileText,
  referer: nullable(hostileText),
  bytes: fc.integer({ min: 0, max: 2 ** 40 }),
  status: fc.integer({ min: 100, max: 599 }),
  eula_number: nullable(fc.integer({ min: -1000, max: 1000 })),
  time_taken: nullable(float),
});

const SPECS: { format: Format; exclude: FieldGroup[] }[] = [
  { format: 'json', exclude: [] },
  { format: 'json-ts', exclude: [] },
  { format: 'json', exclude: ['ip', 'geo'] },
  { format: 'json-ts', exclude: ['eula'] },
  { format: 'csv', exclude: [] },
  { format: 'csv', exclude: ['ip', 'geo'] },
];

describe.each(TEST_DATABASE_KINDS)('%s: lines written by the database', (kind) => {
  let database: TestDatabase;
  let store: Store;
  let batch = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('match the encoder for client logs of arbitrary values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(clientOverrides, { minLength: 1, maxLength: 12 }), async (overrides) => {
        const organization = `prop${kind}${batch++}`;
        // Seeds below 100,000: request ids depend on the seed alone, and must not repeat.
        const base = [...generateClientLogs({ seed: batch, organization, window: WINDOW, count: overrides.length })];
        const records: ClientLogRecord[] = base.map((r, i) => ({ ...r, ...overrides[i] }) as ClientLogRecord);
        await store.logs.insertClientLogs(records);
        const scope: WindowScope = { logType: 'client', organization, repositories: null, window: WINDOW };
        const stored = await collect(store.logs.clientLogPages(scope, WHOLE));
        for (const { format, exclude } of SPECS) {
          const options = { logType: 'client' as const, format, exclude };
          const { line } = createRecordEncoder(options);
          const spec = databaseLineSpec(options)!;
          const written = await collect(store.logs.linePages('client', scope, WHOLE, spec));
          const lines = written.map((item) => (typeof item === 'string' ? item : line(item)));
          expect(lines).toEqual(stored.map(line));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('hands rows with floats the database prints unlike JavaScript back as records (PostgreSQL)', async () => {
    const organization = `floats${kind}`;
    const base = [...generateClientLogs({ seed: 100_001, organization, window: WINDOW, count: 3 })];
    const times = [1.5e-7, 0.741, 1e21];
    await store.logs.insertClientLogs(base.map((r, i) => ({ ...r, time_taken: times[i]! })));
    const scope: WindowScope = { logType: 'client', organization, repositories: null, window: WINDOW };
    const spec = databaseLineSpec({ logType: 'client', format: 'json', exclude: [] })!;
    const written = await collect(store.logs.linePages('client', scope, WHOLE, spec));
    const kinds = new Map(
      written.map((item) => [
        typeof item === 'string'
          ? (JSON.parse(item) as ClientLogRecord).time_taken
          : (item as ClientLogRecord).time_taken,
        typeof item,
      ]),
    );
    // SQLite prints every float through JavaScript, so every row is a line.
    const fallback = kind === 'postgres' ? 'object' : 'string';
    expect(kinds).toEqual(
      new Map<unknown, string>([
        [1.5e-7, fallback],
        [0.741, 'string'],
        [1e21, fallback],
      ]),
    );
  });

  it('match the encoder for audit logs', async () => {
    const organization = `audit${kind}`;
    const records = [...generateAuditLogs({ seed: 100_002, organization, window: WINDOW, count: 200 })];
    await store.logs.insertAuditLogs(records);
    const scope: WindowScope = { logType: 'audit', organization, repositories: null, window: WINDOW };
    const stored = await collect(store.logs.auditLogPages(scope, WHOLE));
    expect(stored).toHaveLength(200);
    for (const format of ['json', 'json-ts', 'csv'] as const) {
      const options = { logType: 'audit' as const, format, exclude: [] };
      const { line } = createRecordEncoder(options);
      const written = await collect(store.logs.linePages('audit', scope, WHOLE, databaseLineSpec(options)!));
      expect(written.every((item) => typeof item === 'string')).toBe(true);
      expect(written).toEqual(stored.map(line));
    }
  });
});
