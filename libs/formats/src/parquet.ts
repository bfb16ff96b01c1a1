// Parquet files: one per part, typed columns in the output contract's order, compressed inside
// (zstd or snappy pages), written row group by row group so memory is bounded by one row group.
//
// The writer is hyparquet-writer (pure JavaScript, streaming row groups); `npm run bench:parquet`
// measured it against parquet-wasm with apache-arrow on the same records (tools/bench/README.md).
// Column types come from the schemas' field documentation, so the file, the table DDL and
// docs/formats.md cannot disagree.
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { constants as zlibConstants, zstdCompressSync } from 'node:zlib';
import {
  AUDIT_LOG_FIELDS,
  CLIENT_LOG_FIELDS,
  DEFAULT_PARQUET_COMPRESSION,
  type FieldType,
  type LogType,
  type ParquetCompression,
  auditLogRecordSchema,
  clientLogRecordSchema,
  fieldDocs,
  parseRfc3339Micros,
} from '@log-exporter/schemas';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { ZSTD_LEVEL } from './compress';
import { type EncodingOptions, projectionFor } from './create-encoder';
import type { EncodeStats, RecordBatches } from './encode-stream';
import type { LogRecord } from './projection';

/**
 * A row group ends at this many rows, or sooner at PARQUET_ROW_GROUP_TEXT_BYTES of text. Its
 * columns are held as JavaScript values until written, so this bounds the worker's memory; the
 * bench (tools/bench/README.md, "Parquet") measured the choice.
 */
export const PARQUET_ROW_GROUP_ROWS = 16_384;
/** A row group also ends once its strings hold about this many characters. */
export const PARQUET_ROW_GROUP_TEXT_BYTES = 8 * 1024 * 1024;

export interface ParquetColumn {
  name: string;
  /** Our field type (libs/schemas field docs). */
  type: FieldType;
  nullable: boolean;
  /** The Parquet physical type and annotation, as parquet-tools and DuckDB print them. */
  parquetType: string;
}

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

const PARQUET_TYPES: Record<FieldType, { element: Omit<SchemaElement, 'name'>; text: string }> = {
  timestamp: {
    element: {
      type: 'INT64',
      converted_type: 'TIMESTAMP_MICROS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    },
    text: 'INT64 TIMESTAMP(MICROS, UTC)',
  },
  integer: { element: { type: 'INT64' }, text: 'INT64' },
  number: { element: { type: 'DOUBLE' }, text: 'DOUBLE' },
  string: {
    element: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
    text: 'BYTE_ARRAY STRING',
  },
};

const FIELD_DOCS = { client: fieldDocs(clientLogRecordSchema.shape), audit: fieldDocs(auditLogRecordSchema.shape) };
const ALL_FIELDS = { client: CLIENT_LOG_FIELDS, audit: AUDIT_LOG_FIELDS };

/** Every column a Parquet file of this log type can hold, before exclusions. */
export function allParquetColumns(logType: LogType): ParquetColumn[] {
  const docs = FIELD_DOCS[logType] as Record<string, { type: FieldType; nullable: boolean }>;
  return (ALL_FIELDS[logType] as readonly string[]).map((name) => {
    const doc = docs[name] as { type: FieldType; nullable: boolean };
    return { name, type: doc.type, nullable: doc.nullable, parquetType: PARQUET_TYPES[doc.type].text };
  });
}

/** The columns of this export's Parquet files: its fields after exclusions, in output order. */
export function parquetColumns(options: Pick<EncodingOptions, 'logType' | 'exclude'>): ParquetColumn[] {
  const { fields } = projectionFor({ ...options, format: 'parquet' });
  const byName = new Map(allParquetColumns(options.logType).map((c) => [c.name, c]));
  return fields.map((name) => byName.get(name) as ParquetColumn);
}

/** One column's values of the row group being gathered, converted to what the writer takes. */
type ColumnValues = (string | number | bigint | null)[];

function converter(column: ParquetColumn): (value: unknown) => string | number | bigint | null {
  const fail = (value: unknown): never => {
    throw new Error(`field ${column.name}: ${JSON.stringify(value)} is not a ${column.type}`);
  };
  switch (column.type) {
    case 'timestamp':
      return (value) => {
        if (value === null || value === undefined) return null;
        const micros = typeof value === 'string' ? parseRfc3339Micros(value) : undefined;
        return micros ?? fail(value);
      };
    case 'integer':
      return (value) => {
        if (value === null || value === undefined) return null;
        return Number.isSafeInteger(value) ? BigInt(value as number) : fail(value);
      };
    case 'number':
      return (value) => {
        if (value === null || value === undefined) return null;
        return typeof value === 'number' ? value : fail(value);
      };
    case 'string':
      return (value) => (value === null || value === undefined ? null : String(value));
  }
}

function zstdPages(input: Uint8Array): Uint8Array {
  return zstdCompressSync(input, { params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
}

/**
 * The Parquet file of the records, in pieces: the header and each row group as it is written,
 * then the footer. Records are projected (exclusions, repository scope, IP handling) as in every
 * other format.
 */
export async function* encodeParquet(
  batches: RecordBatches,
  options: EncodingOptions & { parquetCompression?: ParquetCompression },
  stats: EncodeStats = { records: 0 },
): AsyncGenerator<Buffer> {
  const columns = parquetColumns(options);
  const { apply } = projectionFor({ ...options, format: 'parquet' });
  const convert = columns.map(converter);
  const schema: SchemaElement[] = [
    { name: 'schema', num_children: columns.length },
    ...columns.map((c): SchemaElement => ({
      name: c.name,
      ...PARQUET_TYPES[c.type].element,
      repetition_type: c.nullable ? 'OPTIONAL' : 'REQUIRED',
    })),
  ];
  const out: ByteWriter & { flush?: () => void } = new ByteWriter(1024 * 1024);
  let written: Buffer[] = [];
  // Each row group leaves the writer's buffer as a copy, and the buffer is reused.
  out.flush = () => {
    written.push(Buffer.from(out.getBytes()));
    out.index = 0;
  };
  out.finish = out.flush;
  const codec = (options.parquetCompression ?? DEFAULT_PARQUET_COMPRESSION) === 'snappy' ? 'SNAPPY' : 'ZSTD';
  const writer = new ParquetWriter({
    writer: out,
    schema,
    codec,
    compressors: { ZSTD: zstdPages },
    createdBy: 'log-exporter',
  });
  const take = (): Buffer[] => {
    const pieces = written;
    written = [];
    return pieces;
  };

  let values: ColumnValues[] = columns.map(() => []);
  let rows = 0;
  let text = 0;
  const writeRowGroup = async (): Promise<void> => {
    await writer.write({
      columnData: columns.map((c, i) => ({ name: c.name, data: values[i] as ColumnValues })),
      rowGroupSize: rows,
    });
    values = columns.map(() => []);
    rows = 0;
    text = 0;
  };

  for await (const batch of batches) {
    for (const item of batch) {
      if (typeof item === 'string') throw new Error('Parquet files are written from records, not lines');
      const record: LogRecord = apply === null ? item : apply(item);
      for (let i = 0; i < columns.length; i++) {
        const value = (convert[i] as (v: unknown) => string | number | bigint | null)(
          record[(columns[i] as ParquetColumn).name],
        );
        if (typeof value === 'string') text += value.length;
        (values[i] as ColumnValues).push(value);
      }
      rows++;
      if (rows === PARQUET_ROW_GROUP_ROWS || text >= PARQUET_ROW_GROUP_TEXT_BYTES) {
        await writeRowGroup();
        yield* take();
        // Let the event loop run (upload I/O) between row groups.
        await setImmediatePromise();
      }
    }
    stats.records += batch.length;
  }
  if (rows > 0) await writeRowGroup();
  await writer.finish();
  yield* take();
}
