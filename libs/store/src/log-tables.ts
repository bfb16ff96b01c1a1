// The two log tables as both databases see them: which columns hold the organisation and the
// (time, unique id) order of a window, and the SELECT list that yields records in output order.
import { AUDIT_LOG_FIELDS, CLIENT_LOG_FIELDS } from '@log-exporter/schemas';

export interface LogTable {
  table: string;
  /** Column holding the organisation. */
  organization: string;
  /** The (time, unique id) pair that orders a window. */
  time: string;
  id: string;
  /** SQL giving each field's value, in `fields` order (a column, or an expression of columns). */
  columns: readonly string[];
  /** SELECT list producing records with keys in output order. */
  select: string;
  /** The output fields, in the order of `select`. */
  fields: readonly string[];
  /** Fields stored as floating-point numbers (the rest are text or integers). */
  floatFields: readonly string[];
}

export const quote = (name: string) => `"${name}"`;

/** The SELECT list of `columns`, each named after its field. */
function selectList(fields: readonly string[], columns: readonly string[]): string {
  return columns.map((column, i) => (column === quote(fields[i]!) ? column : `${column} AS ${fields[i]}`)).join(', ');
}

// `repository` is stored without its namespace: records carry `namespace/repository`.
const CLIENT_COLUMNS = CLIENT_LOG_FIELDS.map((f) =>
  f === 'repository' ? `(namespace || '/' || repository)` : quote(f),
);

export const CLIENT_TABLE: LogTable = {
  table: 'client_logs',
  organization: 'namespace',
  time: 'recorded',
  id: 'request_id',
  columns: CLIENT_COLUMNS,
  select: selectList(CLIENT_LOG_FIELDS, CLIENT_COLUMNS),
  fields: CLIENT_LOG_FIELDS,
  floatFields: ['time_taken'],
};

export const AUDIT_TABLE: LogTable = {
  table: 'audit_logs',
  organization: 'organization',
  time: 'event_at',
  id: 'uuid',
  columns: AUDIT_LOG_FIELDS.map(quote),
  select: selectList(AUDIT_LOG_FIELDS, AUDIT_LOG_FIELDS.map(quote)),
  fields: AUDIT_LOG_FIELDS,
  floatFields: [],
};

/** SQL giving `field`'s value. */
export function fieldColumn(table: LogTable, field: string): string {
  const i = table.fields.indexOf(field);
  if (i < 0) throw new Error(`${table.table} has no field ${JSON.stringify(field)}`);
  return table.columns[i]!;
}

/**
 * Builds records from rows read as arrays (in `fields` order). The builder is generated for the
 * table's fields so every record has the same shape: cheaper to make than the objects drivers
 * build column by column, and faster for JSON.stringify and the encoders to read.
 */
export function recordBuilder<R>(table: LogTable): (row: readonly unknown[]) => R {
  for (const field of table.fields) {
    if (!/^[a-z_][a-z0-9_]*$/.test(field))
      throw new Error(`field name ${JSON.stringify(field)} is not a plain identifier`);
  }
  const body = `return { ${table.fields.map((f, i) => `${f}: row[${i}]`).join(', ')} };`;
  return new Function('row', body) as (row: readonly unknown[]) => R;
}

export const CLIENT_INSERT_COLUMNS = ['namespace', ...CLIENT_LOG_FIELDS];
export const AUDIT_INSERT_COLUMNS = ['organization', ...AUDIT_LOG_FIELDS];
