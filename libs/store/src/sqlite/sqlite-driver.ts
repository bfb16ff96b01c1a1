// SQLite through better-sqlite3: one file in WAL mode, so the admin app and the worker can share it.
// better-sqlite3 is synchronous; the driver wraps it in promises so the shared repositories serve
// both databases.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { JSON_NUMBER_FUNCTION, jsonNumber } from '../float-text';
import type { SqlBinder, SqlDriver, SqlExecutor, StreamOptions } from '../sql-driver';
import { SqliteRowReader } from './row-reader-thread';

/** How long a statement waits for a lock another connection holds. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Page cache of each streaming connection, KiB: 8 MB instead of better-sqlite3's 16 MB, as rows
 * are read once, in index order. Measured 2026-12-04 (npm run bench, 5,000,000 records, json-ts +
 * gzip): 8 MB 37.4 s at 234 MB, 16 MB 40.3 s at 243 MB, 4 MB 44.4 s at 234 MB (2 MB was slower).
 */
const STREAM_CACHE_KIB = 8000;

export interface SqliteDriverOptions {
  /** File path, or `:memory:`. */
  path: string;
}

/** Named `@pN` placeholders, so one value can stand at two places of a statement (as `$n` can on
 * PostgreSQL); the SQL text is the same for the same shape, so statements are cached. Lists are
 * a JSON array read by json_each. */
function sqliteBinder(): SqlBinder {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `@p${values.length}`;
  };
  return {
    values,
    bind,
    inList: (column, list) => `${column} IN (SELECT value FROM json_each(${bind(JSON.stringify(list))}))`,
  };
}

/** better-sqlite3 refuses booleans; both databases store them as 0/1 here. */
function sqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** The binder's values as better-sqlite3 takes named parameters (none: no argument at all). */
function parameters(values: readonly unknown[]): [Record<string, unknown>] | [] {
  if (values.length === 0) return [];
  const named: Record<string, unknown> = {};
  values.forEach((value, i) => {
    named[`p${i + 1}`] = sqliteValue(value);
  });
  return [named];
}

class SqliteExecutor implements SqlExecutor {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(protected readonly db: Database.Database) {}

  binder(): SqlBinder {
    return sqliteBinder();
  }

  protected statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async all<T>(sql: string, values: readonly unknown[] = []): Promise<T[]> {
    return this.statement(sql).all(...parameters(values)) as T[];
  }

  async run(sql: string, values: readonly unknown[] = []): Promise<number> {
    const statement = this.statement(sql);
    // A SELECT (advisory-lock style statements) cannot be run(); read it instead.
    if (statement.reader) {
      statement.all(...parameters(values));
      return 0;
    }
    return statement.run(...parameters(values)).changes;
  }

  async exec(sql: string): Promise<void> {
    this.db.exec(sql);
  }

  async insertIgnoringDuplicates(
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
  ): Promise<number> {
    const statement = this.statement(
      `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
       ON CONFLICT DO NOTHING`,
    );
    let inserted = 0;
    for (const row of rows) inserted += statement.run(...row.map(sqliteValue)).changes;
    return inserted;
  }
}

class SqliteDriver extends SqliteExecutor implements SqlDriver {
  readonly kind = 'sqlite' as const;
  readonly migrationLockSql = null;
  readonly partitions = null;
  /** Transactions one after another: the connection has one transaction at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Steps costly queries off the caller's thread; started at the first. */
  private reader: SqliteRowReader | undefined;

  constructor(
    db: Database.Database,
    /** The file, for the read-only connections that stream; `:memory:` has none. */
    private readonly path: string,
  ) {
    super(db);
  }

  transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const value = await body(this);
        this.db.exec('COMMIT');
        return value;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  streamRows(
    sql: string,
    values: readonly unknown[],
    pageSize: number,
    options: StreamOptions = {},
  ): AsyncIterable<unknown[][]> {
    if (this.path === ':memory:') return this.allAtOnce(sql, values, pageSize);
    if (!options.costlyRows) return this.steppedRows(sql, values, pageSize);
    const [named] = parameters(values);
    this.reader ??= new SqliteRowReader({
      path: this.path,
      cacheKib: STREAM_CACHE_KIB,
      busyTimeoutMs: BUSY_TIMEOUT_MS,
    });
    return this.reader.rows(sql, named ?? null, pageSize);
  }

  /**
   * One statement on a read-only connection of its own, stepped a page at a time: SQLite's
   * equivalent of a server-side cursor. It reads one snapshot (WAL), holds no lock writers wait
   * on, and leaves the main connection free for other activities while a part streams.
   */
  private async *steppedRows(sql: string, values: readonly unknown[], pageSize: number): AsyncGenerator<unknown[][]> {
    const reader = new Database(this.path, { readonly: true, fileMustExist: true });
    registerFunctions(reader);
    reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    reader.pragma(`cache_size = -${STREAM_CACHE_KIB}`);
    const rows = reader
      .prepare(sql)
      .raw(true)
      .iterate(...parameters(values)) as IterableIterator<unknown[]>;
    try {
      let page: unknown[][] = [];
      for (const row of rows) {
        page.push(row);
        if (page.length === pageSize) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    } finally {
      rows.return?.();
      reader.close();
    }
  }

  /** In-memory databases (tests) have no second connection to step on: one query, cut in pages. */
  private async *allAtOnce(sql: string, values: readonly unknown[], pageSize: number): AsyncGenerator<unknown[][]> {
    // Prepared anew: raw mode would stick to a cached statement.
    const rows = this.db
      .prepare(sql)
      .raw(true)
      .all(...parameters(values)) as unknown[][];
    for (let start = 0; start < rows.length; start += pageSize) yield rows.slice(start, start + pageSize);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.reader?.close();
    this.db.close();
  }
}

export function openSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  registerFunctions(db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  return new SqliteDriver(db, options.path);
}

/** The SQL functions our queries call (float-text.ts). */
function registerFunctions(db: Database.Database): void {
  db.function(JSON_NUMBER_FUNCTION, { deterministic: true }, jsonNumber);
}
