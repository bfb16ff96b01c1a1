// Client and audit logs: idempotent ingest with an ingest sequence per record, and a window's
// records counted, cut and streamed in its stable (time, unique id) order.
import {
  type AuditLogIngestRecord,
  type AuditLogRecord,
  type ClientLogRecord,
  type LogType,
  type RecordCursor,
  splitRepositoryPath,
} from '@log-exporter/schemas';
import {
  AUDIT_INSERT_COLUMNS,
  AUDIT_TABLE,
  CLIENT_INSERT_COLUMNS,
  CLIENT_TABLE,
  type LogTable,
  recordBuilder,
} from '../log-tables';
import { type LineSpec, lineSelect, parseFallbackRow } from '../database-lines';
import type { SqlDriver, StreamOptions } from '../sql-driver';
import type { CursorRange, InsertResult, LogRepository, WindowScope } from '../store';
import { DEFAULT_PAGE_SIZE, windowQuery } from '../window-query';

export class Logs implements LogRepository {
  private readonly buildClient = recordBuilder<ClientLogRecord>(CLIENT_TABLE);
  private readonly buildAudit = recordBuilder<AuditLogRecord>(AUDIT_TABLE);

  constructor(private readonly db: SqlDriver) {}

  async insertClientLogs(records: readonly ClientLogRecord[]): Promise<InsertResult> {
    const rows = records.map((record) => {
      const { namespace, repository } = splitRepositoryPath(record.repository);
      const row: Record<string, unknown> = { ...record, namespace, repository };
      return CLIENT_INSERT_COLUMNS.map((c) => row[c]);
    });
    return this.insert(
      CLIENT_TABLE,
      CLIENT_INSERT_COLUMNS,
      rows,
      records.map((r) => r.recorded),
    );
  }

  async insertAuditLogs(records: readonly AuditLogIngestRecord[]): Promise<InsertResult> {
    const rows = records.map((record) => AUDIT_INSERT_COLUMNS.map((c) => (record as Record<string, unknown>)[c]));
    return this.insert(
      AUDIT_TABLE,
      AUDIT_INSERT_COLUMNS,
      rows,
      records.map((r) => r.event_at),
    );
  }

  /**
   * One transaction: take `rows.length` values of the ingest sequence, then insert. The sequence is
   * one row updated in the inserting transaction, so its lock is held until commit: a second ingest
   * waits for the first to commit before it takes values. Sequence order is therefore commit order
   * (unlike a SEQUENCE or an identity column, whose values are taken before commit and can commit
   * out of order), and `committedSeq` is a cut that no later commit can fall below. The price is
   * that ingest transactions commit one at a time; each carries a whole request's records.
   */
  private async insert(
    table: LogTable,
    columns: readonly string[],
    rows: unknown[][],
    times: readonly string[],
  ): Promise<InsertResult> {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    await this.db.partitions?.ensure(
      table.table,
      times.map((t) => t.slice(0, 10)),
    );
    const inserted = await this.db.transaction(async (tx) => {
      const b = tx.binder();
      const [taken] = await tx.all<{ value: number }>(
        `UPDATE ingest_sequence SET value = value + ${b.bind(rows.length)} WHERE id = 1 RETURNING value`,
        b.values,
      );
      const first = Number(taken!.value) - rows.length + 1;
      return tx.insertIgnoringDuplicates(
        table.table,
        [...columns, 'ingest_seq'],
        rows.map((row, i) => [...row, first + i]),
      );
    });
    return { inserted, duplicates: rows.length - inserted };
  }

  async committedSeq(): Promise<number> {
    const [row] = await this.db.all<{ value: number }>('SELECT value FROM ingest_sequence WHERE id = 1');
    return Number(row?.value ?? 0);
  }

  async countInWindow(scope: WindowScope): Promise<number> {
    const b = this.db.binder();
    const sql = windowQuery(scope, { after: null, until: null }, { kind: 'count' }, b);
    const [row] = await this.db.all<{ n: number }>(sql, b.values);
    return Number(row?.n ?? 0);
  }

  async cursorAfter(scope: WindowScope, after: RecordCursor | null, offset: number): Promise<RecordCursor | undefined> {
    const b = this.db.binder();
    const sql = windowQuery(scope, { after, until: null }, { kind: 'cursor', offset }, b);
    const [row] = await this.db.all<RecordCursor>(sql, b.values);
    return row;
  }

  clientLogPages(
    scope: WindowScope,
    range: CursorRange,
    pageSize = DEFAULT_PAGE_SIZE,
  ): AsyncIterable<ClientLogRecord[]> {
    return this.pages(scope, range, pageSize, this.buildClient);
  }

  auditLogPages(scope: WindowScope, range: CursorRange, pageSize = DEFAULT_PAGE_SIZE): AsyncIterable<AuditLogRecord[]> {
    return this.pages(scope, range, pageSize, this.buildAudit);
  }

  linePages(
    logType: LogType,
    scope: WindowScope,
    range: CursorRange,
    spec: LineSpec,
    pageSize = DEFAULT_PAGE_SIZE,
  ): AsyncIterable<(string | ClientLogRecord | AuditLogRecord)[]> {
    const table = logType === 'client' ? CLIENT_TABLE : AUDIT_TABLE;
    const build = logType === 'client' ? this.buildClient : this.buildAudit;
    const select = lineSelect(table, spec, this.db.kind);
    const line = (row: readonly unknown[]) =>
      row[0] !== null ? (row[0] as string) : build(parseFallbackRow(table, row[1] as string));
    return this.pages(scope, range, pageSize, line, select, { costlyRows: spec.format === 'csv' });
  }

  private async *pages<R>(
    scope: WindowScope,
    range: CursorRange,
    pageSize: number,
    build: (row: readonly unknown[]) => R,
    select?: string,
    options?: StreamOptions,
  ): AsyncGenerator<R[]> {
    const b = this.db.binder();
    const sql = windowQuery(scope, range, select === undefined ? { kind: 'rows' } : { kind: 'rows', select }, b);
    for await (const rows of this.db.streamRows(sql, b.values, pageSize, options)) yield rows.map(build);
  }
}
