// CSV per RFC 4180: a header line, then one line per record; fields containing a comma, a double
// quote, CR or LF are quoted with inner quotes doubled. Lines end in LF.
// Absent (null) is the empty field; an empty string is `""`, so the two stay distinguishable (the
// convention PostgreSQL's COPY … CSV uses). Values are written as they are: a leading `=`, `+`,
// `-` or `@` is data, not a formula (spreadsheet users should import columns as text).
import type { LogRecord } from '../projection';
import type { LineEncoder } from './encoder';

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/**
 * Fields whose schema guarantees a value that never needs quoting (canonical timestamps, numbers,
 * `namespace/repository` slugs): written as they are, which saves a test per field on the hot path.
 */
const NEVER_QUOTED = new Set(['datetime', 'recorded', 'event_at', 'status', 'bytes', 'eula_number', 'time_taken']);

/** Whether the encoder writes `field` as it is, without the quoting test. */
export function isNeverQuoted(field: string): boolean {
  return NEVER_QUOTED.has(field);
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = String(value);
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

function plainField(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * One line per record. The line function is generated for the export's exact columns, so each
 * field is a fixed property read (fast, monomorphic) rather than a lookup by a name held in a loop.
 * Field names come from our schemas and are checked to be plain identifiers before use.
 */
export function createCsvEncoder(fields: readonly string[]): LineEncoder {
  for (const field of fields) {
    if (!/^[a-z_][a-z0-9_]*$/.test(field))
      throw new Error(`field name ${JSON.stringify(field)} is not a plain identifier`);
  }
  const parts = fields.map((field) => (isNeverQuoted(field) ? `plain(r.${field})` : `quote(r.${field})`));
  const body = parts.length === 0 ? `return '';` : `return ${parts.join(" + ',' + ")};`;
  const build = new Function('quote', 'plain', `return function csvLine(r) { ${body} };`) as (
    quote: (value: unknown) => string,
    plain: (value: unknown) => string,
  ) => (record: LogRecord) => string;
  return { header: fields.map(csvField).join(','), line: build(csvField, plainField) };
}
