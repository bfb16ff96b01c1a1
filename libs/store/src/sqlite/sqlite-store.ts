// The embedded store: one SQLite file through better-sqlite3 (WAL mode, so the admin app and
// the worker can share it).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { SQLITE_MIGRATIONS } from '../migrations/sqlite';
import { DEFAULT_PAGE_SIZE, now, sqliteBinder, windowQuery } from '../window-query';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return {
    kind: 'sqlite',
    destinations: new SqliteDestinations(db),
    exports: new SqliteExports(db),
    runs: new SqliteRuns(db),
    logs: new SqliteLogs(db, options.path),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

// ---------------------------------------------------------------------------------------------
// destinations

class SqliteDestinations implements DestinationRepository {
  constructor(private readonly db: Database.Database) {}

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
    this.db
      .prepare(
        `INSERT INTO destinations (id, organization, aws_account_id, bucket, region, prefix, role_name, external_id, created_at)
         VALUES (@id, @organization, @aws_account_id, @bucket, @region, @prefix, @role_name, @external_id, @created_at)`,
      )
      .run(row);
    return toDestination(row);
  }

  async get(id: string): Promise<Destination | undefined> {
    const row = this.db.prepare('SELECT * FROM destinations WHERE id = ?').get(id) as DestinationRow | undefined;
    return row && toDestination(row);
  }

  async list(organization?: string): Promise<Destination[]> {
    const rows = (
      organization === undefined
        ? this.db.prepare('SELECT * FROM destinations ORDER BY created_at, id').all()
        : this.db.prepare('SELECT * FROM destinations WHERE organization = ? ORDER BY created_at, id').all(organization)
    ) as DestinationRow[];
    return rows.map(toDestination);
  }
}

// ---------------------------------------------------------------------------------------------
// exports

class SqliteExports implements ExportRepository {
  constructor(private readonly db: Database.Database) {}

  async create(input: NewExport, organization: string): Promise<ExportConfig> {
    const at = now();
    const id = randomId('exp');
    this.db
      .prepare(
        `INSERT INTO exports (id, destination_id, organization, log_type, format, folder, repositories, exclude,
           compression, cadence, enabled, created_at, updated_at)
         VALUES (@id, @destination_id, @organization, @log_type, @format, @folder, @repositories, @exclude,
           @compression, @cadence, @enabled, @at, @at)`,
      )
      .run({
        id,
        destination_id: input.destinationId,
        organization,
        log_type: input.logType,
        format: input.format,
        folder: input.folder,
        repositories: input.repositories === null ? null : JSON.stringify(input.repositories),
        exclude: JSON.stringify(input.exclude),
        compression: input.compression,
        cadence: input.cadence,
        enabled: input.enabled ? 1 : 0,
        at,
      });
    return (await this.get(id)) as ExportConfig;
  }

  async get(id: string): Promise<ExportConfig | undefined> {
    const row = this.db.prepare('SELECT * FROM exports WHERE id = ? AND deleted_at IS NULL').get(id) as
      ExportRow | undefined;
    return row && toExport(row);
  }

  async list(filter: { organization?: string } = {}): Promise<ExportConfig[]> {
    const rows = (
      filter.organization === undefined
        ? this.db.prepare('SELECT * FROM exports WHERE deleted_at IS NULL ORDER BY created_at, id').all()
        : this.db
            .prepare('SELECT * FROM exports WHERE deleted_at IS NULL AND organization = ? ORDER BY created_at, id')
            .all(filter.organization)
    ) as ExportRow[];
    return rows.map(toExport);
  }

  async update(id: string, change: ExportChange): Promise<ExportConfig | undefined> {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id, updated_at: now() };
    const column = (name: string, value: unknown) => {
      sets.push(`${name} = @${name}`);
      params[name] = value;
    };
    if (change.format !== undefined) column('format', change.format);
    if (change.folder !== undefined) column('folder', change.folder);
    if (change.repositories !== undefined) {
      column('repositories', change.repositories === null ? null : JSON.stringify(change.repositories));
    }
    if (change.exclude !== undefined) column('exclude', JSON.stringify(change.exclude));
    if (change.compression !== undefined) column('compression', change.compression);
    if (change.cadence !== undefined) column('cadence', change.cadence);
    if (change.enabled !== undefined) column('enabled', change.enabled ? 1 : 0);
    sets.push('updated_at = @updated_at');
    const result = this.db
      .prepare(`UPDATE exports SET ${sets.join(', ')} WHERE id = @id AND deleted_at IS NULL`)
      .run(params);
    return result.changes === 0 ? undefined : this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const at = now();
    const result = this.db
      .prepare('UPDATE exports SET deleted_at = ?, enabled = 0, updated_at = ? WHERE id = ? AND deleted_at IS NULL')
      .run(at, at, id);
    return result.changes > 0;
  }
}

// ---------------------------------------------------------------------------------------------
// runs

class SqliteRuns implements RunRepository {
  constructor(private readonly db: Database.Database) {}

  async markStarted(start: RunStart): Promise<Run> {
    this.db
      .prepare(
        `INSERT INTO runs (export_id, window_start, window_end, status, workflow_id, workflow_run_id, started_at)
         VALUES (@export_id, @window_start, @window_end, 'running', @workflow_id, @workflow_run_id, @started_at)
         ON CONFLICT (export_id, window_start) DO UPDATE SET
           status = 'running', records = 0, bytes = 0, objects = '[]', manifest_key = NULL, manifest_sha256 = NULL,
           error_type = NULL, error_message = NULL, finished_at = NULL,
           workflow_id = excluded.workflow_id,
           -- a retried activity of the same workflow run is not a new attempt
           attempts = runs.attempts + (runs.workflow_run_id IS NOT excluded.workflow_run_id),
           workflow_run_id = excluded.workflow_run_id,
           started_at = excluded.started_at`,
      )
      .run({
        export_id: start.exportId,
        window_start: start.window.start,
        window_end: start.window.end,
        workflow_id: start.workflowId,
        workflow_run_id: start.workflowRunId,
        started_at: now(),
      });
    return (await this.get(start.exportId, start.window.start)) as Run;
  }

  async markFinished(finish: RunFinish): Promise<Run> {
    const at = now();
    const records = finish.objects.reduce((sum, o) => sum + o.records, 0);
    const bytes = finish.objects.reduce((sum, o) => sum + o.bytes, 0);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (export_id, window_start, window_end, status, records, bytes, objects, manifest_key, manifest_sha256,
             error_type, error_message, workflow_id, started_at, finished_at)
           VALUES (@export_id, @window_start, @window_end, @status, @records, @bytes, @objects, @manifest_key, @manifest_sha256,
             @error_type, @error_message, @workflow_id, @at, @at)
           ON CONFLICT (export_id, window_start) DO UPDATE SET
             status = excluded.status, records = excluded.records, bytes = excluded.bytes,
             objects = excluded.objects, manifest_key = excluded.manifest_key, manifest_sha256 = excluded.manifest_sha256,
             error_type = excluded.error_type, error_message = excluded.error_message,
             workflow_id = excluded.workflow_id, finished_at = excluded.finished_at`,
        )
        .run({
          export_id: finish.exportId,
          window_start: finish.window.start,
          window_end: finish.window.end,
          status: finish.status,
          records,
          bytes,
          objects: JSON.stringify(finish.objects),
          manifest_key: finish.manifestKey,
          manifest_sha256: finish.manifestSha256 ?? null,
          error_type: finish.error?.type ?? null,
          error_message: finish.error?.message ?? null,
          workflow_id: finish.workflowId,
          at,
        });
      if (finish.status === 'succeeded') {
        this.db
          .prepare(
            `UPDATE exports SET last_success_at = @at,
               last_success_window = CASE WHEN last_success_window IS NULL OR last_success_window < @window
                                          THEN @window ELSE last_success_window END
             WHERE id = @id`,
          )
          .run({ at, window: finish.window.start, id: finish.exportId });
      } else {
        this.db.prepare(`UPDATE exports SET last_failure_at = @at, last_error = @error WHERE id = @id`).run({
          at,
          error: finish.error ? `${finish.error.type}: ${finish.error.message}` : 'unknown error',
          id: finish.exportId,
        });
      }
      // Consecutive failed windows: the failed windows newer than the newest succeeded one. A re-run
      // that fixes an old window does not hide newer failures; fixing the newest clears the count.
      this.db
        .prepare(
          `UPDATE exports SET consecutive_failures = (
             SELECT COUNT(*) FROM runs WHERE export_id = @id AND status = 'failed' AND window_start > COALESCE(
               (SELECT MAX(window_start) FROM runs WHERE export_id = @id AND status = 'succeeded'), ''))
           WHERE id = @id`,
        )
        .run({ id: finish.exportId });
    })();
    return (await this.get(finish.exportId, finish.window.start)) as Run;
  }

  async get(exportId: string, windowStart: string): Promise<Run | undefined> {
    const row = this.db
      .prepare('SELECT * FROM runs WHERE export_id = ? AND window_start = ?')
      .get(exportId, windowStart) as RunRow | undefined;
    return row && toRun(row);
  }

  async list(exportId: string, options: { limit?: number } = {}): Promise<Run[]> {
    const rows = this.db
      .prepare('SELECT * FROM runs WHERE export_id = ? ORDER BY window_start DESC LIMIT ?')
      .all(exportId, options.limit ?? 100) as RunRow[];
    return rows.map(toRun);
  }
}

// ---------------------------------------------------------------------------------------------
// logs

class SqliteLogs implements LogRepository {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly insertClient: Database.Statement;
  private readonly insertAudit: Database.Statement;

  private readonly buildClient = recordBuilder<ClientLogRecord>(CLIENT_TABLE);
  private readonly buildAudit = recordBuilder<AuditLogRecord>(AUDIT_TABLE);

  constructor(
    private readonly db: Database.Database,
    /** The file, for the read-only connections that stream windows; `:memory:` has none. */
    private readonly path: string,
  ) {
    this.insertClient = db.prepare(
      `INSERT INTO client_logs (${CLIENT_INSERT_COLUMNS.map(quote).join(', ')})
       VALUES (${CLIENT_INSERT_COLUMNS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (request_id) DO NOTHING`,
    );
    this.insertAudit = db.prepare(
      `INSERT INTO audit_logs (${AUDIT_INSERT_COLUMNS.map(quote).join(', ')})
       VALUES (${AUDIT_INSERT_COLUMNS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (uuid) DO NOTHING`,
    );
  }

  async insertClientLogs(records: readonly ClientLogRecord[]): Promise<InsertResult> {
    let inserted = 0;
    this.db.transaction(() => {
      for (const record of records) {
        const { namespace, repository } = splitRepositoryPath(record.repository);
        inserted += this.insertClient.run({ ...record, namespace, repository }).changes;
      }
    })();
    return { inserted, duplicates: records.length - inserted };
  }

  async insertAuditLogs(records: readonly AuditLogIngestRecord[]): Promise<InsertResult> {
    let inserted = 0;
    this.db.transaction(() => {
      for (const record of records) inserted += this.insertAudit.run(record).changes;
    })();
    return { inserted, duplicates: records.length - inserted };
  }

  async countInWindow(scope: WindowScope): Promise<number> {
    const binder = sqliteBinder();
    const sql = windowQuery(scope, { after: null, until: null }, { kind: 'count' }, binder);
    return (this.statement(sql).get(binder.params) as { n: number }).n;
  }

  async cursorAfter(scope: WindowScope, after: RecordCursor | null, offset: number): Promise<RecordCursor | undefined> {
    const binder = sqliteBinder();
    const sql = windowQuery(scope, { after, until: null }, { kind: 'cursor', offset }, binder);
    return this.statement(sql).get(binder.params) as RecordCursor | undefined;
  }

  clientLogPages(
    scope: WindowScope,
    range: CursorRange,
    pageSize = DEFAULT_PAGE_SIZE,
  ): AsyncIterable<ClientLogRecord[]> {
    return this.pages(scope, range, pageSize, this.buildClient, (r) => ({ at: r.recorded, id: r.request_id }));
  }

  auditLogPages(scope: WindowScope, range: CursorRange, pageSize = DEFAULT_PAGE_SIZE): AsyncIterable<AuditLogRecord[]> {
    return this.pages(scope, range, pageSize, this.buildAudit, (r) => ({ at: r.event_at, id: r.uuid }));
  }

  private pages<R>(
    scope: WindowScope,
    range: CursorRange,
    pageSize: number,
    build: (row: readonly unknown[]) => R,
    cursorOf: (record: R) => RecordCursor,
  ): AsyncIterable<R[]> {
    return this.path === ':memory:'
      ? this.keysetPages(scope, range, pageSize, build, cursorOf)
      : this.cursorPages(scope, range, pageSize, build);
  }

  /**
   * One statement on a read-only connection of its own, stepped a page at a time: SQLite's
   * equivalent of a server-side cursor. It reads one snapshot (WAL), holds no lock writers wait
   * on, and leaves the main connection free for other activities while the part streams.
   */
  private async *cursorPages<R>(
    scope: WindowScope,
    range: CursorRange,
    pageSize: number,
    build: (row: readonly unknown[]) => R,
  ): AsyncGenerator<R[]> {
    const reader = new Database(this.path, { readonly: true, fileMustExist: true });
    const binder = sqliteBinder();
    const sql = windowQuery(scope, range, { kind: 'rows' }, binder);
    const rows = reader.prepare(sql).raw(true).iterate(binder.params) as IterableIterator<unknown[]>;
    try {
      let page: R[] = [];
      for (const row of rows) {
        page.push(build(row));
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

  /** For in-memory databases (no second connection can see them): one query per page. */
  private async *keysetPages<R>(
    scope: WindowScope,
    range: CursorRange,
    pageSize: number,
    build: (row: readonly unknown[]) => R,
    cursorOf: (record: R) => RecordCursor,
  ): AsyncGenerator<R[]> {
    let after = range.after;
    for (;;) {
      const binder = sqliteBinder();
      const sql = windowQuery(scope, { after, until: range.until }, { kind: 'rows', limit: pageSize }, binder);
      const rows = this.statement(sql).raw(true).all(binder.params) as unknown[][];
      const page = rows.map(build);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = cursorOf(page[page.length - 1] as R);
    }
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
