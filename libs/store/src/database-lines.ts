// JSON Stream lines written by the database itself: one text value per row, byte-identical to
// what the JavaScript encoder (JSON.stringify of the record) writes, instead of one JavaScript value
// per column that the worker then serialises. Reading a row as 29 values was most of an export's
// time (tools/bench/README.md); one string per row is a fraction of it.
//
// Both databases escape strings as JSON.stringify does (`"`, `\`, \b \t \n \f \r, other control
// characters as lowercase \u00XX, everything else as it is) and print integers the same way.
// Floats differ. SQLite's json_object prints some with 17 digits where JavaScript prints the
// shortest that round-trips, so floats are printed by `sqliteFloatText` (calling back into
// JavaScript, JSON_NUMBER_FUNCTION, for the values SQL cannot print right). PostgreSQL prints the shortest digits too, but switches to exponents at other magnitudes
// and spells them differently (`1.5e-07`): a row with such a float comes back as its values
// instead, the float as exact text, and the worker encodes that row. The same bytes either way;
// the property tests hold every path to the encoder's output.
import type { LogTable } from './log-tables';

/** What the database writes per row: the JSON object of `fields`, prefixed by `prefixField` and a space (JSON Stream + Timestamp). */
export interface JsonLineSpec {
  /** Output fields in order: the table's fields, some possibly left out. */
  fields: readonly string[];
  prefixField: string | null;
}

export type Dialect = 'sqlite' | 'postgres';

/** SQLite function (registered on each connection) giving JSON.stringify of a number. */
export const JSON_NUMBER_FUNCTION = 'log_exporter_json_number';

export function jsonNumber(value: number | bigint | null): string | null {
  return value === null ? null : JSON.stringify(Number(value));
}

/**
 * Floats PostgreSQL prints as JavaScript does: zero, and magnitudes from 1e-4 to 1e15 (plain
 * decimal, shortest round-trip digits in both; outside it, both switch to exponents, at different
 * points and in different spellings).
 */
function plainFloat(column: string): string {
  return `(${column} IS NULL OR ${column} = 0 OR (abs(${column}) >= 1e-4 AND abs(${column}) < 1e15))`;
}

/**
 * A float's JSON text in SQLite, as JavaScript prints it. Where 15 significant digits round-trip
 * (most stored values: times with a few decimals), the correctly rounded 15-digit form with
 * trailing zeros dropped (`%.15g`) is the shortest round-trip form, which is what JavaScript
 * prints, in plain decimal from 1e-4 to 1e15; zero is `0` whatever its sign. Other values call
 * back into JavaScript (about 1 µs a row, so only where needed).
 */
function sqliteFloatText(column: string): string {
  const digits15 = `printf('%.15g', ${column})`;
  return (
    `CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} = 0 THEN '0' ` +
    `WHEN abs(${column}) >= 1e-4 AND abs(${column}) < 1e15 AND CAST(${digits15} AS REAL) = ${column} THEN ${digits15} ` +
    `ELSE ${JSON_NUMBER_FUNCTION}(${column}) END`
  );
}

function columnExpression(table: LogTable, field: string): string {
  return table.columns[table.fields.indexOf(field)]!;
}

function jsonValue(table: LogTable, field: string, dialect: Dialect): string {
  const column = columnExpression(table, field);
  const isFloat = table.floatFields.includes(field);
  if (dialect === 'sqlite') {
    // json_object prints text and integers itself; floats as below.
    return isFloat ? `json(${sqliteFloatText(column)})` : column;
  }
  // -0 prints as `-0` in PostgreSQL and `0` in JavaScript.
  if (isFloat) return `CASE WHEN ${column} = 0 THEN '0' ELSE COALESCE(to_json(${column})::text, 'null') END`;
  return `COALESCE(to_json(${column})::text, 'null')`;
}

function jsonObject(table: LogTable, spec: JsonLineSpec, dialect: Dialect): string {
  for (const field of spec.fields) {
    if (!table.fields.includes(field)) throw new Error(`${table.table} has no field ${JSON.stringify(field)}`);
  }
  if (dialect === 'sqlite') {
    return `json_object(${spec.fields.map((f) => `'${f}', ${jsonValue(table, f, dialect)}`).join(', ')})`;
  }
  const members = spec.fields.map((f, i) => `'${i === 0 ? '{' : ','}"${f}":' || ${jsonValue(table, f, dialect)}`);
  return `${members.join(' || ')} || '}'`;
}

/**
 * The SELECT list of a window's rows as lines: `line`, or NULL and `fallback`, a JSON array of the
 * row's values (all of the table's fields, floats as exact text) for the worker to encode.
 */
export function jsonLineSelect(table: LogTable, spec: JsonLineSpec, dialect: Dialect): string {
  const plain =
    dialect === 'sqlite' || table.floatFields.length === 0 ? 'TRUE' : table.floatFields.map(plainFloat).join(' AND ');
  const prefix = spec.prefixField === null ? '' : `${columnExpression(table, spec.prefixField)} || ' ' || `;
  const values = table.fields.map((f) => {
    const column = columnExpression(table, f);
    if (!table.floatFields.includes(f)) return column;
    return dialect === 'sqlite' ? `CAST(${column} AS TEXT)` : `${column}::text`;
  });
  const array =
    dialect === 'sqlite' ? `json_array(${values.join(', ')})` : `json_build_array(${values.join(', ')})::text`;
  return (
    `CASE WHEN ${plain} THEN ${prefix}${jsonObject(table, spec, dialect)} END AS line, ` +
    `CASE WHEN NOT ${plain} THEN ${array} END AS fallback`
  );
}

/** The row's values from `fallback`, floats parsed back from their exact text (in table field order). */
export function parseFallbackRow(table: LogTable, fallback: string): unknown[] {
  const values = JSON.parse(fallback) as unknown[];
  for (const field of table.floatFields) {
    const i = table.fields.indexOf(field);
    if (typeof values[i] === 'string') values[i] = Number(values[i]);
  }
  return values;
}
