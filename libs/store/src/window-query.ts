// The one query both databases run to read a window: its records in scope, their count, or the
// cursor `offset` records in, always in the window's stable (time, unique id) order. Only how
// values are bound differs between the databases (`SqlBinder`).
import { windowRecordBounds } from '@log-exporter/schemas';
import { AUDIT_TABLE, CLIENT_TABLE } from './log-tables';
import type { CursorRange, WindowScope } from './store';

/** Records read from a cursor per page: small, so a page dies young in the worker's heap. */
export const DEFAULT_PAGE_SIZE = 500;

/** How a database takes parameters. */
export interface SqlBinder {
  /** Binds a value and returns its placeholder. */
  bind(value: unknown): string;
  /** A condition: `column` is one of `values`. */
  inList(column: string, values: readonly string[]): string;
}

export type WindowQueryShape =
  { kind: 'rows'; limit?: number } | { kind: 'count' } | { kind: 'cursor'; offset: number };

export function windowQuery(
  scope: WindowScope,
  range: CursorRange,
  shape: WindowQueryShape,
  binder: SqlBinder,
): string {
  const t = scope.logType === 'client' ? CLIENT_TABLE : AUDIT_TABLE;
  const bounds = windowRecordBounds(scope.window);
  const where = [
    `${t.organization} = ${binder.bind(scope.organization)}`,
    `${t.time} >= ${binder.bind(bounds.from)}`,
    `${t.time} < ${binder.bind(bounds.to)}`,
  ];
  if (scope.logType === 'client' && scope.repositories !== null)
    where.push(binder.inList('repository', scope.repositories));
  // Written out rather than as row values, so the index is sought to the cursor instead of being
  // scanned from the window's start on every page (SQLite does not seek on row values).
  if (range.after) {
    const at = binder.bind(range.after.at);
    where.push(`${t.time} >= ${at} AND (${t.time} > ${at} OR ${t.id} > ${binder.bind(range.after.id)})`);
  }
  if (range.until) {
    const at = binder.bind(range.until.at);
    where.push(`${t.time} <= ${at} AND (${t.time} < ${at} OR ${t.id} <= ${binder.bind(range.until.id)})`);
  }
  const order = `ORDER BY ${t.time}, ${t.id}`;
  const from = `FROM ${t.table} WHERE ${where.join(' AND ')}`;
  switch (shape.kind) {
    case 'count':
      return `SELECT COUNT(*) AS n ${from}`;
    case 'cursor':
      return `SELECT ${t.time} AS at, ${t.id} AS id ${from} ${order} LIMIT 1 OFFSET ${binder.bind(shape.offset)}`;
    case 'rows':
      return (
        `SELECT ${t.select} ${from} ${order}` + (shape.limit === undefined ? '' : ` LIMIT ${binder.bind(shape.limit)}`)
      );
  }
}

/** PostgreSQL: positional `$n` parameters, repository lists as a text array. */
export function postgresBinder(): SqlBinder & { values: unknown[] } {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  return { values, bind, inList: (column, list) => `${column} = ANY(${bind(list)}::text[])` };
}

/** SQLite: named `@pN` parameters (the SQL text is the same for the same shape, so statements are
 * cached), repository lists as a JSON array read by json_each. */
export function sqliteBinder(): SqlBinder & { params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const bind = (value: unknown) => {
    const name = `p${Object.keys(params).length + 1}`;
    params[name] = value;
    return `@${name}`;
  };
  return {
    params,
    bind,
    inList: (column, list) => `${column} IN (SELECT value FROM json_each(${bind(JSON.stringify(list))}))`,
  };
}

/** Timestamps the stores write (created, updated, started, finished). */
export function now(): string {
  return new Date().toISOString();
}
