// The production store: PostgreSQL through node-postgres, with the same tables, the same queries
// and the same order as the SQLite store. A window streams through a server-side cursor (pg-cursor),
// a page at a time, so memory does not depend on the window's size.
import pg from 'pg';
import Cursor from 'pg-cursor';
import {
  type AuditLogIngestRecord,
  type AuditLogRecord,
  type ClientLogRecord,
  type Destination,
  type ExportChange,
  type ExportConfig,
  type NewExport,
  type RecordCursor,
  type Run,
  splitRepositoryPath,
} from '@log-exporter/schemas';
import { randomId } from '../ids';
import {
  AUDIT_INSERT_COLUMNS,
  AUDIT_TABLE,
  CLIENT_INSERT_COLUMNS,
  CLIENT_TABLE,
  quote,
  recordBuilder,
} from '../log-tables';
import { POSTGRES_MIGRATIONS } from '../migrations/postgres';
import { DEFAULT_PAGE_SIZE, now, postgresBinder, windowQuery } from '../window-query';
import { type DestinationRow, type ExportRow, type RunRow, toDestination, toExport, toRun } from '../rows';
import type {
  CursorRange,
  DestinationRepository,
  ExportRepository,
  InsertResult,
  LogRepository,
  NewDestination,
  RunFinish,
  RunRepository,
  RunStart,
  Store,
  WindowScope,
} from '../store';

/** Rows per multi-row INSERT: 29 columns × 1,000 stays under PostgreSQL's 65,535 parameters. */
const INSERT_BATCH = 1_000;
/** Any number that identifies our migration lock among the database's advisory locks. */
const MIGRATION_LOCK = 77_210_451;

// BIGINT (int8) arrives as a string by default; our counts and byte sizes fit in a JS number.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

export interface PostgresStoreOptions {
  connectionString: string;
  /** Connections in the pool; each streaming part holds one while it runs. */
  maxConnections?: number;
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types,
    application_name: 'log-exporter',
  });
  // An idle client losing its connection must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  await migrate(pool);
  return {
    kind: 'postgres',
    destinations: new PgDestinations(pool),
    exports: new PgExports(pool),
    runs: new PgRuns(pool),
    logs: new PgLogs(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

async function inTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Applies missing migrations, one process at a time (the admin app and workers may start together). */
async function migrate(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
  });
}

class PgDestinations implements DestinationRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(input: NewDestination): Promise<Destination> {
    const row: DestinationRow = {
      id: randomId('dst'),
      organization: input.organization,
      aws_account_id: input.awsAccountId,
      bucket: input.bucket,
      region: input.region,
      prefix: input.prefix,
      role_name: input.roleName,
      external_id: input.externalId,
      created_at: now(),
    };
    await this.pool.query(
      `INSERT INTO destinations (id, organization, aws_account_id, bucket, region, prefix, role_name, external_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        row.id,
        row.organization,
        row.aws_account_id,
        row.bucket,
        row.region,
        row.prefix,
        row.role_name,
        row.external_id,
        row.created_at,
      ],
    );
    return toDestination(row);
  }

  async get(id: string): Promise<Destination | undefined> {
    const { rows } = await this.pool.query<DestinationRow>('SELECT * FROM destinations WHERE id = $1', [id]);
    return rows[0] && toDestination(rows[0]);
  }

  async list(organization?: string): Promise<Destination[]> {
    const { rows } =
      organization === undefined
        ? await this.pool.query<DestinationRow>('SELECT * FROM destinations ORDER BY created_at, id')
        : await this.pool.query<DestinationRow>(
            'SELECT * FROM destinations WHERE organization = $1 ORDER BY created_at, id',
            [organization],
          );
    return rows.map(toDestination);
  }
}

class PgExports implements ExportRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(input: NewExport, organization: string): Promise<ExportConfig> {
    const at = now();
    const id = randomId('exp');
    await this.pool.query(
      `INSERT INTO exports (id, destination_id, organization, log_type, format, folder, repositories, exclude,
         compression, cadence, enabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
      [
        id,
        input.destinationId,
        organization,
        input.logType,
        input.format,
        input.folder,
        input.repositories === null ? null : JSON.stringify(input.repositories),
        JSON.stringify(input.exclude),
        input.compression,
        input.cadence,
        input.enabled,
        at,
      ],
    );
    return (await this.get(id)) as ExportConfig;
  }

  async get(id: string): Promise<ExportConfig | undefined> {
    const { rows } = await this.pool.query<ExportRow>('SELECT * FROM exports WHERE id = $1 AND deleted_at IS NULL', [
      id,
    ]);
    return rows[0] && toExport(rows[0]);
  }

  async list(filter: { organization?: string } = {}): Promise<ExportConfig[]> {
    const { rows } =
      filter.organization === undefined
        ? await this.pool.query<ExportRow>('SELECT * FROM exports WHERE deleted_at IS NULL ORDER BY created_at, id')
        : await this.pool.query<ExportRow>(
            'SELECT * FROM exports WHERE deleted_at IS NULL AND organization = $1 ORDER BY created_at, id',
            [filter.organization],
          );
    return rows.map(toExport);
  }

  async update(id: string, change: ExportChange): Promise<ExportConfig | undefined> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    const column = (name: string, value: unknown) => {
      values.push(value);
      sets.push(`${name} = $${values.length}`);
    };
    if (change.format !== undefined) column('format', change.format);
    if (change.folder !== undefined) column('folder', change.folder);
    if (change.repositories !== undefined) {
      column('repositories', change.repositories === null ? null : JSON.stringify(change.repositories));
    }
    if (change.exclude !== undefined) column('exclude', JSON.stringify(change.exclude));
    if (change.compression !== undefined) column('compression', change.compression);
    if (change.cadence !== undefined) column('cadence', change.cadence);
    if (change.enabled !== undefined) column('enabled', change.enabled);
    column('updated_at', now());
    const result = await this.pool.query(
      `UPDATE exports SET ${sets.join(', ')} WHERE id = $1 AND deleted_at IS NULL`,
      values,
    );
    return result.rowCount === 0 ? undefined : this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const at = now();
    const result = await this.pool.query(
      'UPDATE exports SET deleted_at = $1, enabled = FALSE, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL',
      [at, id],
    );
    return (result.rowCount ?? 0) > 0;
  }
}

class PgRuns implements RunRepository {
  constructor(private readonly pool: pg.Pool) {}

  async markStarted(start: RunStart): Promise<Run> {
    await this.pool.query(
      `INSERT INTO runs (export_id, window_start, window_end, status, workflow_id, workflow_run_id, started_at)
       VALUES ($1, $2, $3, 'running', $4, $5, $6)
       ON CONFLICT (export_id, window_start) DO UPDATE SET
         status = 'running', records = 0, bytes = 0, objects = '[]', manifest_key = NULL, manifest_sha256 = NULL,
         error_type = NULL, error_message = NULL, finished_at = NULL,
         workflow_id = excluded.workflow_id,
         -- a retried activity of the same workflow run is not a new attempt
         attempts = runs.attempts + CASE WHEN runs.workflow_run_id IS DISTINCT FROM excluded.workflow_run_id THEN 1 ELSE 0 END,
         workflow_run_id = excluded.workflow_run_id,
         started_at = excluded.started_at`,
      [start.exportId, start.window.start, start.window.end, start.workflowId, start.workflowRunId, now()],
    );
    return (await this.get(start.exportId, start.window.start)) as Run;
  }

  async markFinished(finish: RunFinish): Promise<Run> {
    const at = now();
    const records = finish.objects.reduce((sum, o) => sum + o.records, 0);
    const bytes = finish.objects.reduce((sum, o) => sum + o.bytes, 0);
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO runs (export_id, window_start, window_end, status, records, bytes, objects, manifest_key, manifest_sha256,
           error_type, error_message, workflow_id, started_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $13, $9, $10, $11, $12, $12)
         ON CONFLICT (export_id, window_start) DO UPDATE SET
           status = excluded.status, records = excluded.records, bytes = excluded.bytes,
           objects = excluded.objects, manifest_key = excluded.manifest_key, manifest_sha256 = excluded.manifest_sha256,
           error_type = excluded.error_type, error_message = excluded.error_message,
           workflow_id = excluded.workflow_id, finished_at = excluded.finished_at`,
        [
          finish.exportId,
          finish.window.start,
          finish.window.end,
          finish.status,
          records,
          bytes,
          JSON.stringify(finish.objects),
          finish.manifestKey,
          finish.error?.type ?? null,
          finish.error?.message ?? null,
          finish.workflowId,
          at,
          finish.manifestSha256 ?? null,
        ],
      );
      if (finish.status === 'succeeded') {
        await client.query(
          `UPDATE exports SET last_success_at = $1,
             last_success_window = CASE WHEN last_success_window IS NULL OR last_success_window < $2
                                        THEN $2 ELSE last_success_window END
           WHERE id = $3`,
          [at, finish.window.start, finish.exportId],
        );
      } else {
        await client.query('UPDATE exports SET last_failure_at = $1, last_error = $2 WHERE id = $3', [
          at,
          finish.error ? `${finish.error.type}: ${finish.error.message}` : 'unknown error',
          finish.exportId,
        ]);
      }
      // Consecutive failed windows: the failed windows newer than the newest succeeded one.
      await client.query(
        `UPDATE exports SET consecutive_failures = (
           SELECT COUNT(*) FROM runs WHERE export_id = $1 AND status = 'failed' AND window_start > COALESCE(
             (SELECT MAX(window_start) FROM runs WHERE export_id = $1 AND status = 'succeeded'), ''))
         WHERE id = $1`,
        [finish.exportId],
      );
    });
    return (await this.get(finish.exportId, finish.window.start)) as Run;
  }

  async get(exportId: string, windowStart: string): Promise<Run | undefined> {
    const { rows } = await this.pool.query<RunRow>('SELECT * FROM runs WHERE export_id = $1 AND window_start = $2', [
      exportId,
      windowStart,
    ]);
    return rows[0] && toRun(rows[0]);
  }

  async list(exportId: string, options: { limit?: number } = {}): Promise<Run[]> {
    const { rows } = await this.pool.query<RunRow>(
      'SELECT * FROM runs WHERE export_id = $1 ORDER BY window_start DESC LIMIT $2',
      [exportId, options.limit ?? 100],
    );
    return rows.map(toRun);
  }
}

class PgLogs implements LogRepository {
  constructor(private readonly pool: pg.Pool) {}

  async insertClientLogs(records: readonly ClientLogRecord[]): Promise<InsertResult> {
    const rows = records.map((record) => {
      const { namespace, repository } = splitRepositoryPath(record.repository);
      const row: Record<string, unknown> = { ...record, namespace, repository };
      return CLIENT_INSERT_COLUMNS.map((c) => row[c]);
    });
    return this.insertRows('client_logs', CLIENT_INSERT_COLUMNS, 'request_id', rows);
  }

  async insertAuditLogs(records: readonly AuditLogIngestRecord[]): Promise<InsertResult> {
    const rows = records.map((record) => AUDIT_INSERT_COLUMNS.map((c) => (record as Record<string, unknown>)[c]));
    return this.insertRows('audit_logs', AUDIT_INSERT_COLUMNS, 'uuid', rows);
  }

  /** Multi-row INSERTs in one transaction; rows whose unique key is already stored are skipped. */
  private async insertRows(
    table: string,
    columns: readonly string[],
    key: string,
    rows: unknown[][],
  ): Promise<InsertResult> {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    const inserted = await inTransaction(this.pool, async (client) => {
      let count = 0;
      for (let start = 0; start < rows.length; start += INSERT_BATCH) {
        const batch = rows.slice(start, start + INSERT_BATCH);
        const values: unknown[] = [];
        const tuples = batch.map((row) => {
          const placeholders = row.map((value) => {
            values.push(value ?? null);
            return `$${values.length}`;
          });
          return `(${placeholders.join(', ')})`;
        });
        const result = await client.query(
          `INSERT INTO ${table} (${columns.map(quote).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${key}) DO NOTHING`,
          values,
        );
        count += result.rowCount ?? 0;
      }
      return count;
    });
    return { inserted, duplicates: rows.length - inserted };
  }

  async countInWindow(scope: WindowScope): Promise<number> {
    const binder = postgresBinder();
    const sql = windowQuery(scope, { after: null, until: null }, { kind: 'count' }, binder);
    const { rows } = await this.pool.query<{ n: number }>(sql, binder.values);
    return Number(rows[0]?.n ?? 0);
  }

  async cursorAfter(scope: WindowScope, after: RecordCursor | null, offset: number): Promise<RecordCursor | undefined> {
    const binder = postgresBinder();
    const sql = windowQuery(scope, { after, until: null }, { kind: 'cursor', offset }, binder);
    const { rows } = await this.pool.query<RecordCursor>(sql, binder.values);
    return rows[0];
  }

  private readonly buildClient = recordBuilder<ClientLogRecord>(CLIENT_TABLE);
  private readonly buildAudit = recordBuilder<AuditLogRecord>(AUDIT_TABLE);

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

  /** A server-side cursor on one pooled connection, read a page at a time as the consumer pulls. */
  private async *pages<R>(
    scope: WindowScope,
    range: CursorRange,
    pageSize: number,
    build: (row: readonly unknown[]) => R,
  ): AsyncGenerator<R[]> {
    const binder = postgresBinder();
    const sql = windowQuery(scope, range, { kind: 'rows' }, binder);
    const client = await this.pool.connect();
    const cursor = client.query(new Cursor<unknown[]>(sql, binder.values, { types, rowMode: 'array' }));
    let failure: Error | undefined;
    try {
      for (;;) {
        const rows = await cursor.read(pageSize);
        if (rows.length > 0) yield rows.map(build);
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
}
