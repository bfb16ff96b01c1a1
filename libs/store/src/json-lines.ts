// JSON Stream lines written by the database (see database-lines.ts): the JSON object of the
// export's fields, byte-identical to JSON.stringify of the record. Both databases escape strings
// as JSON.stringify does (`"`, `\`, \b \t \n \f \r, other control characters as lowercase \u00XX,
// everything else as it is) and print integers the same way; floats as float-text.ts says.
import { type Dialect, postgresFloatText, sqliteFloatText } from './float-text';
import { type LogTable, fieldColumn } from './log-tables';

/** The JSON object of `fields`, prefixed by `prefixField` and a space (JSON Stream + Timestamp). */
export interface JsonLineSpec {
  format: 'json';
  /** Output fields in order: the table's fields, some possibly left out. */
  fields: readonly string[];
  prefixField: string | null;
}

function jsonValue(table: LogTable, field: string, dialect: Dialect): string {
  const column = fieldColumn(table, field);
  const isFloat = table.floatFields.includes(field);
  // json_object prints text and integers itself, and takes json() text as it is.
  if (dialect === 'sqlite') return isFloat ? `json(${sqliteFloatText(column)})` : column;
  return `COALESCE(${isFloat ? postgresFloatText(column) : `to_json(${column})::text`}, 'null')`;
}

/** SQL giving the row's line. */
export function jsonLineExpression(table: LogTable, spec: JsonLineSpec, dialect: Dialect): string {
  const prefix = spec.prefixField === null ? '' : `${fieldColumn(table, spec.prefixField)} || ' ' || `;
  if (dialect === 'sqlite') {
    return `${prefix}json_object(${spec.fields.map((f) => `'${f}', ${jsonValue(table, f, dialect)}`).join(', ')})`;
  }
  const members = spec.fields.map((f, i) => `'${i === 0 ? '{' : ','}"${f}":' || ${jsonValue(table, f, dialect)}`);
  return `${prefix}${members.join(' || ')} || '}'`;
}
