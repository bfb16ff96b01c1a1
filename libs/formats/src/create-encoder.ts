// Picks the encoder and projection for an export's (log type, format, exclusions, IP handling).
import {
  type FieldGroup,
  type Format,
  type IpHandling,
  type LogType,
  formatSupportsLogType,
} from '@log-exporter/schemas';
import { createApacheEncoder } from './encoders/apache';
import { createCsvEncoder, isNeverQuoted } from './encoders/csv';
import type { LineEncoder } from './encoders/encoder';
import { createJsonEncoder, createJsonTimestampEncoder } from './encoders/json';
import { createIpRewrite } from './ip-handling';
import { type LogRecord, type Projection, baseFields, createProjection } from './projection';

export interface EncodingOptions {
  logType: LogType;
  format: Format;
  exclude: readonly FieldGroup[];
  /** Absent: `keep` (`drop` is carried by `exclude` listing `ip`). */
  ipHandling?: IpHandling;
  /** The export's secret key, for `ipHandling: "hash"`. Never logged, never in workflow history. */
  ipHashKey?: Uint8Array;
}

/** The fields an export writes and how its records are rewritten first. */
export function projectionFor(options: EncodingOptions): Projection {
  const rewrite = createIpRewrite(options.ipHandling ?? 'keep', options.ipHashKey);
  return createProjection(options.logType, options.format, options.exclude, rewrite);
}

export interface RecordEncoder {
  readonly fields: readonly string[];
  readonly header: string | null;
  /** Projects then encodes one record as one line (no line end). */
  readonly line: (record: LogRecord) => string;
}

/** The field whose value prefixes each `json-ts` line: when the event happened. */
export function eventTimeField(logType: LogType): string {
  return logType === 'client' ? 'datetime' : 'event_at';
}

export function createRecordEncoder(options: EncodingOptions): RecordEncoder {
  const { logType, format } = options;
  if (!formatSupportsLogType(format, logType)) {
    throw new Error(`format "${format}" cannot encode ${logType} logs (Apache lines are for client logs only)`);
  }
  const projection = projectionFor(options);
  const all = baseFields(logType, format);
  let encoder: LineEncoder;
  switch (format) {
    case 'csv':
      encoder = createCsvEncoder(projection.fields);
      break;
    case 'json':
      encoder = createJsonEncoder(projection.fields, all);
      break;
    case 'json-ts':
      encoder = createJsonTimestampEncoder(projection.fields, all, eventTimeField(logType));
      break;
    case 'apache':
      encoder = createApacheEncoder(projection.fields);
      break;
    case 'parquet':
      throw new Error('Parquet is not a line format: its files are written by encodeParquet');
  }
  const { apply } = projection;
  const line = encoder.line;
  // No per-record wrapper when records go out as they are (the common case, and the hot path).
  return {
    fields: projection.fields,
    header: encoder.header,
    line: apply === null ? line : (record) => line(apply(record)),
  };
}

/** What a database needs to write an export's lines itself (see the store's database-lines.ts). */
export type DatabaseLineSpec =
  | {
      format: 'json';
      fields: readonly string[];
      /** Field whose value, then a space, starts each line (JSON Stream + Timestamp); null for none. */
      prefixField: string | null;
    }
  | {
      format: 'csv';
      fields: readonly string[];
      /** Fields written without the quoting test, as the CSV encoder writes them. */
      plainFields: readonly string[];
    };

/**
 * The fields (and prefix, or unquoted fields) for the database to write this export's lines
 * itself, or null when the worker must encode each record (Apache lines, and IP handling that
 * rewrites values).
 */
export function databaseLineSpec(options: EncodingOptions): DatabaseLineSpec | null {
  const { logType, format } = options;
  if (format !== 'json' && format !== 'json-ts' && format !== 'csv') return null;
  const projection = projectionFor(options);
  if (projection.apply !== null) return null;
  const { fields } = projection;
  if (format === 'csv') return { format, fields, plainFields: fields.filter(isNeverQuoted) };
  return { format: 'json', fields, prefixField: format === 'json-ts' ? eventTimeField(logType) : null };
}
