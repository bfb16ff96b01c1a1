// The columns of a Parquet file: names, order and nullability from the schemas' field
// documentation (so the file, the table DDL and docs/formats.md cannot disagree), and the
// Parquet type each of our field types is written as.
import {
  AUDIT_LOG_FIELDS,
  CLIENT_LOG_FIELDS,
  type FieldType,
  type LogType,
  auditLogRecordSchema,
  clientLogRecordSchema,
  fieldDocs,
} from '@log-exporter/schemas';
import type { ParquetWriter } from 'hyparquet-writer';
import { type EncodingOptions, projectionFor } from './create-encoder';

export interface ParquetColumn {
  name: string;
  /** Our field type (libs/schemas field docs). */
  type: FieldType;
  nullable: boolean;
  /** The Parquet physical type and annotation, as parquet-tools and DuckDB print them. */
  parquetType: string;
}

export type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

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

/** The file's schema: a root, then one element per column (nullable columns OPTIONAL). */
export function parquetSchema(columns: readonly ParquetColumn[]): SchemaElement[] {
  return [
    { name: 'schema', num_children: columns.length },
    ...columns.map((c): SchemaElement => ({
      name: c.name,
      ...PARQUET_TYPES[c.type].element,
      repetition_type: c.nullable ? 'OPTIONAL' : 'REQUIRED',
    })),
  ];
}
