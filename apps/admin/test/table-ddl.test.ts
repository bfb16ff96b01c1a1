// The Athena / Glue table definitions: each format × log type equals its golden file
// (UPDATE_GOLDEN=1 rewrites them after an intended change), and the columns of csv, json and
// parquet tables are exactly the columns the export writes, read from the encoder's own output
// (Parquet's by DuckDB, with their types).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRecordEncoder, encodeToStream } from '@log-exporter/formats';
import { readParquetBytesWithDuckdb } from '@log-exporter/local-stack';
import type { ExportConfig, FieldGroup, Format, LogType } from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD, generateAuditLogs } from '@log-exporter/testing';
import { tableColumns, tableDdl, tableName } from '../src/table-ddl';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN = join(__dirname, 'golden', 'table-ddl');
const DESTINATION = { bucket: 'acmecorp-logs', prefix: 'cloudsmith-logs' };

function config(logType: LogType, format: Format, settings: Partial<ExportConfig> = {}) {
  return {
    id: 'exp_4d6iket7g6v2gcxa',
    organization: 'acme-corp',
    logType,
    format,
    exclude: [] as FieldGroup[],
    folder: `${logType}-logs`,
    cadence: 'daily' as const,
    compression: 'gzip' as const,
    createdAt: '2026-11-01T09:30:00.000Z',
    ...settings,
  };
}

const CASES: [string, ReturnType<typeof config>][] = [
  ['client-csv', config('client', 'csv')],
  ['client-json', config('client', 'json')],
  ['client-json-ts', config('client', 'json-ts')],
  ['client-apache', config('client', 'apache')],
  ['audit-csv', config('audit', 'csv')],
  ['audit-json', config('audit', 'json')],
  ['audit-json-ts', config('audit', 'json-ts')],
  ['client-parquet', config('client', 'parquet', { compression: 'none' })],
  ['audit-parquet', config('audit', 'parquet', { compression: 'none' })],
  [
    'client-parquet-hourly-excluding-geo-ip',
    config('client', 'parquet', { cadence: 'hourly', compression: 'none', exclude: ['geo', 'ip'] }),
  ],
  [
    'client-json-hourly-zstd-excluding-geo-ip',
    config('client', 'json', { cadence: 'hourly', compression: 'zstd', exclude: ['geo', 'ip'] }),
  ],
];

it.each(CASES)('%s equals its golden file', (name, settings) => {
  const ddl = tableDdl(settings, DESTINATION);
  const file = join(GOLDEN, `${name}.sql`);
  if (UPDATE) writeFileSync(file, ddl);
  expect(ddl).toBe(readFileSync(file, 'utf8'));
  expect(ddl).toContain("LOCATION 's3://acmecorp-logs/cloudsmith-logs/");
  expect(ddl).toContain(`CREATE EXTERNAL TABLE IF NOT EXISTS \`${tableName(settings)}\``);
});

const auditRecord = () => {
  const window = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };
  const [first] = [...generateAuditLogs({ seed: 3, organization: 'acme', window, count: 1 })];
  const { organization: _organization, ...record } = first!;
  return record;
};

describe.each([
  ['client', []],
  ['client', ['geo', 'ip', 'eula']],
  ['client', ['repository', 'namespace']],
  ['audit', []],
  ['audit', ['geo', 'ip']],
] as [LogType, FieldGroup[]][])('%s logs excluding %j', (logType, exclude) => {
  it('has, for csv, the header of the CSV the export writes', () => {
    const encoder = createRecordEncoder({ logType, format: 'csv', exclude });
    expect(tableColumns(config(logType, 'csv', { exclude })).map((c) => c.name)).toEqual(encoder.header!.split(','));
  });

  it('has, for json, the keys of each JSON line the export writes, typed by their values', () => {
    const encoder = createRecordEncoder({ logType, format: 'json', exclude });
    const record = logType === 'client' ? SEED_EXAMPLE_CLIENT_RECORD : auditRecord();
    const written = JSON.parse(encoder.line(record)) as Record<string, unknown>;
    const columns = tableColumns(config(logType, 'json', { exclude }));
    expect(columns.map((c) => c.name)).toEqual(Object.keys(written));
    for (const { name, type } of columns) {
      const value = written[name];
      if (value === null) continue;
      if (type === 'bigint') expect(Number.isInteger(value)).toBe(true);
      else if (type === 'double') expect(typeof value).toBe('number');
      else expect(typeof value).toBe('string');
    }
  });

  it('has, for parquet, the columns of the Parquet file the export writes, typed as DuckDB reads them', async () => {
    const record = logType === 'client' ? SEED_EXAMPLE_CLIENT_RECORD : auditRecord();
    const chunks: Buffer[] = [];
    for await (const chunk of encodeToStream([[record]], { logType, format: 'parquet', exclude, compression: 'none' }))
      chunks.push(Buffer.from(chunk as Buffer));
    const read = readParquetBytesWithDuckdb(Buffer.concat(chunks));
    const athenaOf: Record<string, string> = {
      'TIMESTAMP WITH TIME ZONE': 'timestamp',
      BIGINT: 'bigint',
      DOUBLE: 'double',
      VARCHAR: 'string',
    };
    expect(tableColumns(config(logType, 'parquet', { exclude }))).toEqual(
      read.columns.map((c) => ({ name: c.name, type: athenaOf[c.type] })),
    );
  });
});

it('partitions hourly exports by dt and hour, projected, with the hour two digits', () => {
  const ddl = tableDdl(config('audit', 'json', { cadence: 'hourly' }), DESTINATION);
  expect(ddl).toContain('PARTITIONED BY (`dt` string, `hour` string)');
  expect(ddl).toContain("'projection.hour.digits' = '2'");
  expect(ddl).toContain(
    "'storage.location.template' = 's3://acmecorp-logs/cloudsmith-logs/audit-logs/dt=${dt}/hour=${hour}/'",
  );
  expect(ddl).toContain("'projection.dt.range' = '2025-11-01,NOW'");
});

it.each([
  ['apache', 9],
  ['json-ts', 2],
] as [Format, number][])('splits every %s line the export writes with the regex of its SerDe', (format, groups) => {
  const ddl = tableDdl(config('client', format), DESTINATION);
  // The property as Hive reads it: each doubled backslash is one.
  const property = /'input\.regex' = '((?:[^'\\]|\\.)*)'/.exec(ddl)![1]!.replace(/\\\\/g, '\\');
  const regex = new RegExp(property);
  const encoder = createRecordEncoder({ logType: 'client', format, exclude: [] });
  const hostile = { ...SEED_EXAMPLE_CLIENT_RECORD, user_agent: 'say "hi" \\ bye', referer: null, ip_address: null };
  for (const record of [SEED_EXAMPLE_CLIENT_RECORD, hostile]) {
    const match = regex.exec(encoder.line(record));
    expect(match).not.toBeNull();
    expect(match!.length - 1).toBe(groups);
  }
  expect(tableColumns(config('client', format))).toHaveLength(groups);
});
