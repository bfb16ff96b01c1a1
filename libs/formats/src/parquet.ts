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
type ColumnData = Parameters<ParquetWriter['write']>[0]['columnData'][number]['data'];

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

/**
 * One column of the row group being gathered. A row group's values must outlive many young-
 * generation collections, so as JavaScript values they are promoted and then wait for a full
 * collection: measured, a worker gathering 16,384-row groups as strings peaked ~390 MB above idle.
 * So text goes into one reused UTF-8 buffer per column (off the JS heap) and required integers and
 * timestamps into typed arrays; only nullable numbers stay JavaScript values (few, and small).
 */
interface ColumnBuffer {
  push(value: unknown): void;
  /** The gathered values as the writer takes them (`slice` is all it calls). */
  data(rows: number): unknown;
  reset(): void;
  /** Characters of text gathered (a row group also ends on text). */
  readonly text: number;
}

type Convert = (value: unknown) => number | bigint | string | null;

/** Text: UTF-8 bytes end to end in one buffer, with offsets; views are made as the writer reads. */
function textColumn(convert: Convert): ColumnBuffer {
  let bytes = Buffer.allocUnsafe(256 * 1024);
  let used = 0;
  let ends = new Int32Array(PARQUET_ROW_GROUP_ROWS);
  let isNull = new Uint8Array(PARQUET_ROW_GROUP_ROWS);
  let count = 0;
  let text = 0;
  const view = (i: number) => (isNull[i] ? null : bytes.subarray(i === 0 ? 0 : (ends[i - 1] as number), ends[i]));
  return {
    push(value) {
      const converted = convert(value) as string | null;
      if (count === ends.length) {
        const longer = new Int32Array(count * 2);
        longer.set(ends);
        ends = longer;
        const nulls = new Uint8Array(count * 2);
        nulls.set(isNull);
        isNull = nulls;
      }
      if (converted === null) isNull[count] = 1;
      else {
        isNull[count] = 0;
        if (used + converted.length * 3 > bytes.length) {
          const larger = Buffer.allocUnsafe(Math.max(bytes.length * 2, used + converted.length * 3));
          bytes.copy(larger, 0, 0, used);
          bytes = larger;
        }
        used += bytes.write(converted, used, 'utf8');
        text += converted.length;
      }
      ends[count++] = used;
    },
    data: (rows) => ({
      length: rows,
      slice: (from: number, to: number) => Array.from({ length: to - from }, (_, k) => view(from + k)),
    }),
    reset() {
      used = 0;
      count = 0;
      text = 0;
    },
    get text() {
      return text;
    },
  };
}

/** Required integers (INT64 as bigint) and timestamps (microseconds), in a typed array. */
function typedColumn(convert: Convert, kind: 'int64' | 'micros'): ColumnBuffer {
  const make = (n: number) => (kind === 'int64' ? new BigInt64Array(n) : new Float64Array(n));
  let values = make(PARQUET_ROW_GROUP_ROWS);
  let count = 0;
  return {
    push(value) {
      if (count === values.length) {
        const longer = make(count * 2);
        longer.set(values as never);
        values = longer;
      }
      values[count++] = convert(value) as never;
    },
    data: (rows) => values.subarray(0, rows),
    reset() {
      count = 0;
    },
    text: 0,
  };
}

/** Nullable numbers: JavaScript values (null where absent). */
function valueColumn(convert: Convert): ColumnBuffer {
  let values: unknown[] = [];
  return {
    push(value) {
      values.push(convert(value));
    },
    data: () => values,
    reset() {
      values = [];
    },
    text: 0,
  };
}

function columnBuffer(column: ParquetColumn): ColumnBuffer {
  const convert = converter(column);
  if (column.type === 'string') return textColumn(convert);
  if (column.nullable || column.type === 'number') return valueColumn(convert);
  return typedColumn(convert, column.type === 'integer' ? 'int64' : 'micros');
}

function converter(column: ParquetColumn): Convert {
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
  const buffers = columns.map(columnBuffer);
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

  let rows = 0;
  const writeRowGroup = async (): Promise<void> => {
    await writer.write({
      columnData: columns.map((c, i) => ({
        name: c.name,
        data: (buffers[i] as ColumnBuffer).data(rows) as ColumnData,
        // Min/max of text would hold views of the reused buffers until the footer: numbers and
        // timestamps only (what engines skip row groups by).
        statistics: c.type !== 'string',
      })),
      rowGroupSize: rows,
    });
    for (const buffer of buffers) buffer.reset();
    rows = 0;
  };
  const text = () => buffers.reduce((sum, b) => sum + b.text, 0);

  for await (const batch of batches) {
    for (const item of batch) {
      if (typeof item === 'string') throw new Error('Parquet files are written from records, not lines');
      const record: LogRecord = apply === null ? item : apply(item);
      for (let i = 0; i < columns.length; i++)
        (buffers[i] as ColumnBuffer).push(record[(columns[i] as ParquetColumn).name]);
      rows++;
      if (rows === PARQUET_ROW_GROUP_ROWS || (rows % 256 === 0 && text() >= PARQUET_ROW_GROUP_TEXT_BYTES)) {
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
