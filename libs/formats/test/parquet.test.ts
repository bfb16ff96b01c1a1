// Parquet files read back by DuckDB (Python's, from the project's venv: not our code): every
// value of hostile records comes back exactly, typed (timestamps to the microsecond, integers,
// doubles, strings; nulls as nulls and empty strings as empty strings), columns in the output
// contract's order, exclusions and IP handling as in every other format, row groups bounded.
import fc from 'fast-check';
import { type ParquetReadBack, readParquetBytesWithDuckdb } from '@log-exporter/local-stack';
import {
  AUDIT_LOG_FIELDS,
  CLIENT_LOG_FIELDS,
  type Compression,
  type ParquetCompression,
  parseRfc3339Micros,
} from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD, generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import {
  type EncodingOptions,
  type LogRecord,
  PARQUET_ROW_GROUP_ROWS,
  allParquetColumns,
  encodeToStream,
  inBatches,
  parquetColumns,
  truncateIp,
} from '../src';
import { clientRecord } from './hostile-records';

const WINDOW = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };
/** Encodes the records as one Parquet file and reads it back with DuckDB. */
async function writeAndRead(
  records: readonly LogRecord[],
  options: Omit<EncodingOptions, 'format'> & { parquetCompression?: ParquetCompression },
): Promise<ParquetReadBack> {
  const chunks: Buffer[] = [];
  const stream = encodeToStream(inBatches(records), { ...options, format: 'parquet', compression: 'none' });
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return readParquetBytesWithDuckdb(Buffer.concat(chunks));
}

/** What a stored value should read back as: timestamps as exact microseconds. */
function expected(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'timestamp') return { micros: parseRfc3339Micros(value as string) };
  return value;
}

const DUCKDB_TYPES: Record<string, string> = {
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  integer: 'BIGINT',
  number: 'DOUBLE',
  string: 'VARCHAR',
};

describe('Parquet files, read back by DuckDB', () => {
  it('carries every value of hostile client records exactly, typed, in the contract order', async () => {
    const records = [SEED_EXAMPLE_CLIENT_RECORD, ...fc.sample(clientRecord, { numRuns: 300, seed: 16 })];
    const back = await writeAndRead(records as LogRecord[], { logType: 'client', exclude: [] });
    const columns = allParquetColumns('client');
    expect(back.columns.map((c) => c.name)).toEqual(CLIENT_LOG_FIELDS);
    expect(back.columns.map((c) => c.type)).toEqual(columns.map((c) => DUCKDB_TYPES[c.type]));
    expect(back.codecs).toEqual(['ZSTD']);
    expect(back.rows).toHaveLength(records.length);
    back.rows.forEach((row, i) => {
      const record = records[i] as unknown as LogRecord;
      for (const column of columns)
        expect([column.name, row[column.name]]).toEqual([column.name, expected(record[column.name], column.type)]);
    });
    // The sample holds what makes formats break: nulls, empty strings, line breaks, astral characters.
    const values = back.rows.flatMap((row) => Object.values(row));
    expect(values).toContain(null);
    expect(values).toContain('');
    expect(values.some((v) => typeof v === 'string' && v.includes('\n'))).toBe(true);
    expect(values.some((v) => typeof v === 'string' && /\p{Extended_Pictographic}/u.test(v))).toBe(true);
  });

  it('carries audit records exactly', async () => {
    const records = [...generateAuditLogs({ seed: 5, organization: 'acme', window: WINDOW, count: 200 })].map(
      ({ organization: _organization, ...record }) => record as LogRecord,
    );
    const back = await writeAndRead(records, { logType: 'audit', exclude: [] });
    expect(back.columns.map((c) => c.name)).toEqual(AUDIT_LOG_FIELDS);
    const columns = allParquetColumns('audit');
    back.rows.forEach((row, i) => {
      for (const column of columns)
        expect(row[column.name]).toEqual(expected((records[i] as LogRecord)[column.name], column.type));
    });
  });

  it('leaves excluded columns out, rewrites repository paths and IPs as every format does', async () => {
    const records = [...generateClientLogs({ seed: 6, organization: 'acme', window: WINDOW, count: 100 })];
    const options = { logType: 'client' as const, exclude: ['geo' as const, 'eula' as const, 'namespace' as const] };
    const back = await writeAndRead(records as LogRecord[], { ...options, ipHandling: 'truncate' });
    const names = back.columns.map((c) => c.name);
    expect(names).toEqual(parquetColumns(options).map((c) => c.name));
    for (const gone of ['city', 'country', 'continent', 'eula', 'eula_number']) expect(names).not.toContain(gone);
    back.rows.forEach((row, i) => {
      const record = records[i]!;
      expect(row.repository).toBe(record.repository.split('/')[1]);
      expect(row.uri).not.toContain('/acme/');
      expect(row.ip_address).toBe(record.ip_address === null ? null : truncateIp(record.ip_address));
    });
  });

  it('writes snappy pages on request, and bounded row groups', async () => {
    const count = PARQUET_ROW_GROUP_ROWS + 100;
    const records = [...generateClientLogs({ seed: 7, organization: 'acme', window: WINDOW, count })];
    const back = await writeAndRead(records as LogRecord[], {
      logType: 'client',
      exclude: [],
      parquetCompression: 'snappy',
    });
    expect(back.codecs).toEqual(['SNAPPY']);
    expect(back.rowGroups).toBe(2);
    expect(back.rows).toHaveLength(count);
    expect(back.rows.at(-1)?.request_id).toBe(records.at(-1)?.request_id);
  });

  it('writes a valid file with the columns and no rows for no records', async () => {
    const back = await writeAndRead([], { logType: 'audit', exclude: ['ip'] });
    expect(back.rows).toEqual([]);
    expect(back.columns.map((c) => c.name)).toEqual(AUDIT_LOG_FIELDS.filter((f) => f !== 'actor_ip_address'));
  });

  it.each(['gzip', 'zstd'] as Compression[])('refuses to compress a Parquet file again with %s', (compression) => {
    expect(() => encodeToStream([], { logType: 'client', format: 'parquet', exclude: [], compression })).toThrow(
      `Parquet files are not compressed again: compression "${compression}"`,
    );
  });

  it('names the field and value of a record it cannot type', async () => {
    const bad = { ...SEED_EXAMPLE_CLIENT_RECORD, recorded: 'yesterday' } as LogRecord;
    await expect(writeAndRead([bad], { logType: 'client', exclude: [] })).rejects.toThrow(
      'field recorded: "yesterday" is not a timestamp',
    );
  });
});
