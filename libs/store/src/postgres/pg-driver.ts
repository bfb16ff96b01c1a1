// PostgreSQL through node-postgres: a pool, multi-row INSERTs, server-side cursors (pg-cursor) for
// windows of any size, an advisory lock for migrations, and day partitions of the log tables.
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { SqlBinder, SqlDriver, SqlExecutor } from '../sql-driver';
import { PgLogPartitions } from './partitions';

/** Rows per multi-row INSERT: 30 columns × 1,000 stays under PostgreSQL's 65,535 parameters. */
const INSERT_BATCH = 1_000;
/** Any number that identifies our migration lock among the database's advisory locks. */
const MIGRATION_LOCK = 77_210_451;

// BIGINT (int8) arrives as a string by default; our counts, sizes and sequences fit in a JS number.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

export interface PostgresDriverOptions {
  connectionString: string;
  /** Connections in the pool; each streaming part holds one while it runs. */
  maxConnections?: number;
  /** How long getting a connection may take (a new one, or a free one from the pool). */
  connectTimeoutMs?: number;
}

/**
 * Without a bound, a connection attempt that the server never answers (it was going down or
 * coming up when the attempt arrived) waits forever and keeps its place in the pool: a few of
 * those and every later query of the process waits too. With it, the attempt fails (and the
 * activity is retried).
 */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Positional `$n` parameters; lists as a text array. */
function postgresBinder(): SqlBinder {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  return { values, bind, inList: (column, list) => `${column} = ANY(${bind(list)}::text[])` };
}

const nullable = (values: readonly unknown[]) => values.map((v) => (v === undefined ? null : v));

class PgExecutor implements SqlExecutor {
  constructor(protected readonly queryable: pg.Pool | pg.PoolClient) {}

  binder(): SqlBinder {
    return postgresBinder();
  }

  async all<T>(sql: string, values: readonly unknown[] = []): Promise<T[]> {
    return (await this.queryable.query(sql, nullable(values))).rows as T[];
  }

  async run(sql: string, values: readonly unknown[] = []): Promise<number> {
    return (await this.queryable.query(sql, nullable(values))).rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    await this.queryable.query(sql);
  }

  async insertIgnoringDuplicates(
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
  ): Promise<number> {
    let inserted = 0;
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      const b = postgresBinder();
      const tuples = rows
        .slice(start, start + INSERT_BATCH)
        .map((row) => `(${row.map((value) => b.bind(value ?? null)).join(', ')})`);
      inserted += await this.run(
        `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT DO NOTHING`,
        b.values,
      );
    }
    return inserted;
  }
}

class PgDriver extends PgExecutor implements SqlDriver {
  readonly kind = 'postgres' as const;
  readonly migrationLockSql = `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
  readonly partitions: PgLogPartitions;

  constructor(private readonly pool: pg.Pool) {
    super(pool);
    this.partitions = new PgLogPartitions(this);
  }

  async transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await body(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr; // the connection is gone: do not return it to the pool
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** A server-side cursor on one pooled connection, read a page at a time as the consumer pulls. */
  async *streamRows(sql: string, values: readonly unknown[], pageSize: number): AsyncGenerator<unknown[][]> {
    const client = await this.pool.connect();
    const cursor = client.query(new Cursor<unknown[]>(sql, nullable(values), { types, rowMode: 'array' }));
    let failure: Error | undefined;
    try {
      for (;;) {
        const rows = await cursor.read(pageSize);
        if (rows.length > 0) yield rows;
        if (rows.length < pageSize) return;
      }
    } catch (err) {
      failure = err as Error;
      throw err;
    } finally {
      if (!failure) await cursor.close().catch(() => undefined);
      // A connection whose cursor failed is discarded, not returned to the pool.
      client.release(failure);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function openPostgresDriver(options: PostgresDriverOptions): SqlDriver {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Notice a peer that vanished without closing the socket (a failover, a network cut).
    keepAlive: true,
    types,
    application_name: 'log-exporter',
  });
  // A client losing its connection must not crash the process. node-postgres emits 'error' on the
  // client whatever it is doing: the pool listens only while a client is idle, so a client checked
  // out for a transaction or a cursor would have no listener, and an unhandled 'error' event is an
  // uncaught exception. Every client gets one for its whole life; the failure itself still reaches
  // the query or cursor read in flight (it rejects, the activity fails and Temporal retries it).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new PgDriver(pool);
}
