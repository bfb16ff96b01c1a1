// The embedded store: one SQLite file through better-sqlite3 (WAL mode, so the admin app and
// the worker can share it).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type AuditLogIngestRecord,
  type AuditLogRecord,
  AUDIT_LOG_FIELDS,
  CLIENT_LOG_FIELDS,
  type ClientLogRecord,
  type Destination,
  type ExportChange,
  type ExportConfig,
  type NewExport,
  type RecordCursor,
  type Run,
  splitRepositoryPath,
  windowRecordBounds,
} from '@log-exporter/schemas';
import { randomId } from '../ids';
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
import { SQLITE_MIGRATIONS } from './migrations';

const DEFAULT_PAGE_SIZE = 2_000;

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
    logs: new SqliteLogs(db),
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

function now(): string {
  return new Date().toISOString();
}

// ---------------------------------------------------------------------------------------------
// destinations

interface DestinationRow {
  id: string;
  organization: string;
  aws_account_id: string;
  bucket: string;
  region: string;
  prefix: string;
  role_name: string;
  external_id: string;
  created_at: string;
}

function toDestination(row: DestinationRow): Destination {
  return {
    id: row.id,
    organization: row.organization,
    awsAccountId: row.aws_account_id,
    bucket: row.bucket,
    region: row.region,
    prefix: row.prefix,
    roleName: row.role_name,
    externalId: row.external_id,
    createdAt: row.created_at,
  };
}

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

interface ExportRow {
  id: string;
  destination_id: string;
  organization: string;
  log_type: string;
  format: string;
  folder: string;
  repositories: string | null;
  exclude: string;
  compression: string;
  cadence: string;
  enabled: number;
  created_at: string;
  updated_at: string;
  last_success_at: string | null;
  last_success_window: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
}

function toExport(row: ExportRow): ExportConfig {
  return {
    id: row.id,
    destinationId: row.destination_id,
    organization: row.organization,
    logType: row.log_type as ExportConfig['logType'],
    format: row.format as ExportConfig['format'],
    folder: row.folder,
    repositories: row.repositories === null ? null : (JSON.parse(row.repositories) as string[]),
    exclude: JSON.parse(row.exclude) as ExportConfig['exclude'],
    compression: row.compression as ExportConfig['compression'],
    cadence: row.cadence as ExportConfig['cadence'],
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    health: {
      lastSuccessAt: row.last_success_at,
      lastSuccessWindow: row.last_success_window,
      lastFailureAt: row.last_failure_at,
      lastError: row.last_error,
      consecutiveFailures: row.consecutive_failures,
    },
  };
}

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

interface RunRow {
  export_id: string;
  window_start: string;
  window_end: string;
  status: Run['status'];
  records: number;
  bytes: number;
  objects: string;
  manifest_key: string | null;
  error_type: string | null;
  error_message: string | null;
  workflow_id: string;
  workflow_run_id: string | null;
  started_at: string;
  finished_at: string | null;
  attempts: number;
}

function toRun(row: RunRow): Run {
  return {
    exportId: row.export_id,
    window: { start: row.window_start, end: row.window_end },
    status: row.status,
    records: row.records,
    bytes: row.bytes,
    objects: JSON.parse(row.objects) as Run['objects'],
    manifestKey: row.manifest_key,
    error: row.error_type === null ? null : { type: row.error_type, message: row.error_message ?? '' },
    workflowId: row.workflow_id,
    workflowRunId: row.workflow_run_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
  };
}

class SqliteRuns implements RunRepository {
  constructor(private readonly db: Database.Database) {}

  async markStarted(start: RunStart): Promise<Run> {
    this.db
      .prepare(
        `INSERT INTO runs (export_id, window_start, window_end, status, workflow_id, workflow_run_id, started_at)
         VALUES (@export_id, @window_start, @window_end, 'running', @workflow_id, @workflow_run_id, @started_at)
         ON CONFLICT (export_id, window_start) DO UPDATE SET
           status = 'running', records = 0, bytes = 0, objects = '[]', manifest_key = NULL,
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
          `INSERT INTO runs (export_id, window_start, window_end, status, records, bytes, objects, manifest_key,
             error_type, error_message, workflow_id, started_at, finished_at)
           VALUES (@export_id, @window_start, @window_end, @status, @records, @bytes, @objects, @manifest_key,
             @error_type, @error_message, @workflow_id, @at, @at)
           ON CONFLICT (export_id, window_start) DO UPDATE SET
             status = excluded.status, records = excluded.records, bytes = excluded.bytes,
             objects = excluded.objects, manifest_key = excluded.manifest_key,
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

interface LogTable {
  table: string;
  /** Column holding the organisation. */
  organization: string;
  /** The (time, unique id) pair that orders a window. */
  time: string;
  id: string;
  /** SELECT list producing records with keys in output order. */
  select: string;
}

const quote = (name: string) => `"${name}"`;

const CLIENT_TABLE: LogTable = {
  table: 'client_logs',
  organization: 'namespace',
  time: 'recorded',
  id: 'request_id',
  select: CLIENT_LOG_FIELDS.map((f) =>
    f === 'repository' ? `namespace || '/' || repository AS repository` : quote(f),
  ).join(', '),
};

const AUDIT_TABLE: LogTable = {
  table: 'audit_logs',
  organization: 'organization',
  time: 'event_at',
  id: 'uuid',
  select: AUDIT_LOG_FIELDS.map(quote).join(', '),
};

const CLIENT_INSERT_COLUMNS = ['namespace', ...CLIENT_LOG_FIELDS];
const AUDIT_INSERT_COLUMNS = ['organization', ...AUDIT_LOG_FIELDS];

class SqliteLogs implements LogRepository {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly insertClient: Database.Statement;
  private readonly insertAudit: Database.Statement;

  constructor(private readonly db: Database.Database) {
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
    const { sql, params } = this.query(scope, { after: null, until: null }, 'count');
    return (this.statement(sql).get(params) as { n: number }).n;
  }

  async cursorAfter(scope: WindowScope, after: RecordCursor | null, offset: number): Promise<RecordCursor | undefined> {
    const { sql, params } = this.query(scope, { after, until: null }, 'cursor');
    return this.statement(sql).get({ ...params, offset }) as RecordCursor | undefined;
  }

  clientLogPages(
    scope: WindowScope,
    range: CursorRange,
    pageSize = DEFAULT_PAGE_SIZE,
  ): AsyncIterable<ClientLogRecord[]> {
    return this.pages<ClientLogRecord>(scope, range, pageSize, (r) => ({ at: r.recorded, id: r.request_id }));
  }

  auditLogPages(scope: WindowScope, range: CursorRange, pageSize = DEFAULT_PAGE_SIZE): AsyncIterable<AuditLogRecord[]> {
    return this.pages<AuditLogRecord>(scope, range, pageSize, (r) => ({ at: r.event_at, id: r.uuid }));
  }

  /** Keyset pagination: no statement stays open between pages, so other queries are never blocked. */
  private async *pages<R>(
    scope: WindowScope,
    range: CursorRange,
    pageSize: number,
    cursorOf: (record: R) => RecordCursor,
  ): AsyncGenerator<R[]> {
    let after = range.after;
    for (;;) {
      const { sql, params } = this.query(scope, { after, until: range.until }, 'rows');
      const page = this.statement(sql).all({ ...params, limit: pageSize }) as R[];
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = cursorOf(page[page.length - 1] as R);
    }
  }

  private query(
    scope: WindowScope,
    range: CursorRange,
    shape: 'rows' | 'count' | 'cursor',
  ): { sql: string; params: Record<string, unknown> } {
    const t = scope.logType === 'client' ? CLIENT_TABLE : AUDIT_TABLE;
    const bounds = windowRecordBounds(scope.window);
    const where = [`${t.organization} = @organization`, `${t.time} >= @from`, `${t.time} < @to`];
    const params: Record<string, unknown> = { organization: scope.organization, from: bounds.from, to: bounds.to };
    if (scope.logType === 'client' && scope.repositories !== null) {
      where.push('repository IN (SELECT value FROM json_each(@repositories))');
      params.repositories = JSON.stringify(scope.repositories);
    }
    if (range.after) {
      where.push(`(${t.time}, ${t.id}) > (@afterAt, @afterId)`);
      params.afterAt = range.after.at;
      params.afterId = range.after.id;
    }
    if (range.until) {
      where.push(`(${t.time}, ${t.id}) <= (@untilAt, @untilId)`);
      params.untilAt = range.until.at;
      params.untilId = range.until.id;
    }
    const order = `ORDER BY ${t.time}, ${t.id}`;
    const from = `FROM ${t.table} WHERE ${where.join(' AND ')}`;
    const sql =
      shape === 'count'
        ? `SELECT COUNT(*) AS n ${from}`
        : shape === 'cursor'
          ? `SELECT ${t.time} AS at, ${t.id} AS id ${from} ${order} LIMIT 1 OFFSET @offset`
          : `SELECT ${t.select} ${from} ${order} LIMIT @limit`;
    return { sql, params };
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
