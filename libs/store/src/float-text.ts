// Floats as JavaScript prints them (`String(n)`, `JSON.stringify(n)`: the shortest digits that
// round-trip, plain decimal from 1e-6 to 1e21, `0` for -0), written by the databases where they
// print the same, for the lines the databases write (database-lines.ts).
//
// SQLite's printf and json_object print some floats with 17 digits, so SQLite's float text is
// built below, calling back into JavaScript (JSON_NUMBER_FUNCTION) for the values SQL cannot print
// right. PostgreSQL prints the shortest digits too, but switches to exponents at other magnitudes
// and spells them differently (`1.5e-07`): `postgresPrintsFloatAsJavaScript` tells which rows the
// database may write itself; the others come back as values, the float as exact text.

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
export function postgresPrintsFloatAsJavaScript(column: string): string {
  return `(${column} IS NULL OR ${column} = 0 OR (abs(${column}) >= 1e-4 AND abs(${column}) < 1e15))`;
}

/**
 * A float's text in SQLite, as JavaScript prints it (NULL for NULL). Where 15 significant digits
 * round-trip (most stored values: times with a few decimals), the correctly rounded 15-digit form
 * with trailing zeros dropped (`%.15g`) is the shortest round-trip form, which is what JavaScript
 * prints, in plain decimal from 1e-4 to 1e15; zero is `0` whatever its sign. Other values call
 * back into JavaScript (about 1 µs a row, so only where needed).
 */
export function sqliteFloatText(column: string): string {
  const digits15 = `printf('%.15g', ${column})`;
  return (
    `CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} = 0 THEN '0' ` +
    `WHEN abs(${column}) >= 1e-4 AND abs(${column}) < 1e15 AND CAST(${digits15} AS REAL) = ${column} THEN ${digits15} ` +
    `ELSE ${JSON_NUMBER_FUNCTION}(${column}) END`
  );
}

/** A float's text in PostgreSQL where `postgresPrintsFloatAsJavaScript` holds (NULL for NULL; -0 prints `-0` there). */
export function postgresFloatText(column: string): string {
  return `CASE WHEN ${column} = 0 THEN '0' ELSE ${column}::text END`;
}
