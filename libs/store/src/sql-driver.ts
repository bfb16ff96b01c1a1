// The few things the store needs from a database, so the repositories (destinations, exports, runs,
// logs, migrations, retention) are written once, in SQL both databases understand. Each database
// implements this where it really differs: how values bind, bulk inserts, streaming a large result,
// transactions and locks, and (PostgreSQL) partitions.

/** How a database takes parameters: every `bind` returns the placeholder of the value it adds. */
export interface SqlBinder {
  bind(value: unknown): string;
  /** A condition: `column` is one of `values`. */
  inList(column: string, values: readonly string[]): string;
  /** The bound values, in placeholder order. */
  readonly values: unknown[];
}

/** Statements on one connection (the pool's, or a transaction's). */
export interface SqlExecutor {
  binder(): SqlBinder;
  all<T>(sql: string, values?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, values?: readonly unknown[]): Promise<number>;
  /** Runs a script of statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Inserts rows (values in `columns` order), skipping rows that violate a unique key (ingest is
   * idempotent); resolves to the number inserted. SQLite steps one prepared statement per row,
   * PostgreSQL sends multi-row INSERTs.
   */
  insertIgnoringDuplicates(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<number>;
}

/** Day partitions of a log table (PostgreSQL); SQLite has none. */
export interface LogPartitions {
  /** Creates the partitions for these days (`2026-11-25`) unless they exist. */
  ensure(table: string, days: readonly string[]): Promise<void>;
  /** The table's partitions, oldest first: name and the first day it holds. */
  list(table: string): Promise<{ name: string; day: string }[]>;
  /** Drops one partition with every row in it. */
  drop(table: string, name: string): Promise<void>;
}

export interface StreamOptions {
  /**
   * The SELECT list does much work per row (CSV lines): SQLite steps it on its reader thread,
   * beside the caller's (sqlite/row-reader-thread.ts). PostgreSQL does the work in its own
   * process anyway.
   */
  costlyRows?: boolean;
}

export interface SqlDriver extends SqlExecutor {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs `body` in one transaction (SQLite: BEGIN IMMEDIATE, so a writer never deadlocks upgrading
   * a read lock). The body must only await statements of `tx`: on SQLite, other work can then not
   * interleave with it.
   */
  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** A statement that takes the migration lock inside a transaction (null: the transaction is the lock). */
  readonly migrationLockSql: string | null;
  /**
   * Streams a large result a page at a time without holding it in memory (PostgreSQL: a
   * server-side cursor; SQLite: one statement stepped on a read-only connection of its own).
   * Rows are arrays in SELECT order.
   */
  streamRows(
    sql: string,
    values: readonly unknown[],
    pageSize: number,
    options?: StreamOptions,
  ): AsyncIterable<unknown[][]>;
  readonly partitions: LogPartitions | null;
  ping(): Promise<void>;
  close(): Promise<void>;
}
