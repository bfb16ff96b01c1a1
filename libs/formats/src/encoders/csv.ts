// CSV per RFC 4180: a header line, then one line per record; fields containing a comma, a double
// quote, CR or LF are quoted with inner quotes doubled. Null is the empty field. Lines end in LF.
// Values are written as they are (a leading `=`, `+`, `-` or `@` is data, not a formula: spreadsheet
// users should import as text).
import type { LogRecord } from '../projection';
import type { LineEncoder } from './encoder';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function createCsvEncoder(fields: readonly string[]): LineEncoder {
  const header = fields.map(csvField).join(',');
  return {
    header,
    line: (record: LogRecord) => {
      let line = csvField(record[fields[0] as string]);
      for (let i = 1; i < fields.length; i++) line += ',' + csvField(record[fields[i] as string]);
      return line;
    },
  };
}
