// JSON Stream: one JSON object per line, keys in output order, null for a known-empty value.
// JSON Stream + Timestamp: the same object prefixed by the record's event time and a space.
import type { LogRecord } from '../projection';
import type { LineEncoder } from './encoder';

function pick(fields: readonly string[]): (record: LogRecord) => LogRecord {
  return (record) => {
    const out: LogRecord = {};
    for (const field of fields) out[field] = record[field] ?? null;
    return out;
  };
}

export function createJsonEncoder(fields: readonly string[], allFields: readonly string[]): LineEncoder {
  // Records from the store already carry every field in output order: stringify them directly.
  if (sameFields(fields, allFields)) return { header: null, line: (record) => JSON.stringify(record) };
  const project = pick(fields);
  return { header: null, line: (record) => JSON.stringify(project(record)) };
}

export function createJsonTimestampEncoder(
  fields: readonly string[],
  allFields: readonly string[],
  timeField: string,
): LineEncoder {
  const json = createJsonEncoder(fields, allFields);
  return { header: null, line: (record) => `${String(record[timeField])} ${json.line(record)}` };
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((field, i) => field === b[i]);
}
