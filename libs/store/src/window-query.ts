// The one query both databases run to read a window: its records in scope, their count, or the
// cursor `offset` records in, always in the window's stable (time, unique id) order. Only how
// values are bound differs between the databases (`SqlBinder`).
import { windowRecordBounds } from '@log-exporter/schemas';
import { AUDIT_TABLE, CLIENT_TABLE } from './log-tables';
import type { SqlBinder } from './sql-driver';
import type { CursorRange, WindowScope } from './store';

/** Records read from a cursor per page: small, so a page dies young in the worker's heap. */
export const DEFAULT_PAGE_SIZE = 500;

export type WindowQueryShape =
  | { kind: 'rows'; /** SELECT list instead of the table's records (JSON lines). */ select?: string }
  | { kind: 'count' }
  | { kind: 'cursor'; offset: number };

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
  // One delivery's slice of the ingest sequence: (after, upTo].
  if (scope.ingested) {
    if (scope.ingested.after !== null) where.push(`ingest_seq > ${binder.bind(scope.ingested.after)}`);
    if (scope.ingested.upTo !== null) where.push(`ingest_seq <= ${binder.bind(scope.ingested.upTo)}`);
  }
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
      return `SELECT ${shape.select ?? t.select} ${from} ${order}`;
  }
}
