// Lines written by the database itself: one text value per row, byte-identical to what the
// worker's encoder writes for the record, instead of one JavaScript value per column that the
// worker then encodes. Reading a row as 29 values was most of an export's time
// (tools/bench/README.md); one string per row is a fraction of it. JSON Stream lines
// (json-lines.ts) and CSV lines (csv-lines.ts).
//
// A row the database cannot print as JavaScript would (a PostgreSQL float outside the range both
// print alike, see float-text.ts) comes back as its values instead, and the worker encodes that
// row. The same bytes either way; the property tests hold every path to the encoder's output.
import { type CsvLineSpec, csvLineExpression } from './csv-lines';
import { type Dialect, postgresPrintsFloatAsJavaScript } from './float-text';
import { type JsonLineSpec, jsonLineExpression } from './json-lines';
import { type LogTable, fieldColumn } from './log-tables';

export type { CsvLineSpec, JsonLineSpec };

/** What the database writes per row. */
export type LineSpec = JsonLineSpec | CsvLineSpec;

/**
 * The SELECT list of a window's rows as lines: `line`, or NULL and `fallback`, a JSON array of the
 * row's values (all of the table's fields, floats as exact text) for the worker to encode.
 */
export function lineSelect(table: LogTable, spec: LineSpec, dialect: Dialect): string {
  for (const field of spec.fields) {
    if (!table.fields.includes(field)) throw new Error(`${table.table} has no field ${JSON.stringify(field)}`);
  }
  const plain =
    dialect === 'sqlite' || table.floatFields.length === 0
      ? 'TRUE'
      : table.floatFields.map((f) => postgresPrintsFloatAsJavaScript(fieldColumn(table, f))).join(' AND ');
  const line =
    spec.format === 'json' ? jsonLineExpression(table, spec, dialect) : csvLineExpression(table, spec, dialect);
  const values = table.fields.map((f) => {
    const column = fieldColumn(table, f);
    if (!table.floatFields.includes(f)) return column;
    return dialect === 'sqlite' ? `CAST(${column} AS TEXT)` : `${column}::text`;
  });
  const array =
    dialect === 'sqlite' ? `json_array(${values.join(', ')})` : `json_build_array(${values.join(', ')})::text`;
  return `CASE WHEN ${plain} THEN ${line} END AS line, CASE WHEN NOT ${plain} THEN ${array} END AS fallback`;
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
