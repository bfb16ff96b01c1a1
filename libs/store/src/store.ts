// The storage interface every backend implements (SQLite embedded, PostgreSQL in production).
// Methods are async even where SQLite is synchronous, so callers never depend on the backend.
import type {
  AuditLogIngestRecord,
  AuditLogRecord,
  ClientLogRecord,
  Destination,
  ExportChange,
  ExportConfig,
  ExportWindow,
  ExportedObject,
  LogType,
  NewExport,
  RecordCursor,
  Run,
  RunError,
} from '@log-exporter/schemas';

export interface NewDestination {
  organization: string;
  awsAccountId: string;
  bucket: string;
  region: string;
  prefix: string;
  roleName: string;
  externalId: string;
}

/** The records of one window, in one organisation, optionally narrowed to some repositories. */
export interface WindowScope {
  logType: LogType;
  organization: string;
  /** Repository slugs (without namespace); null for the whole organisation. Client logs only. */
  repositories: string[] | null;
  window: ExportWindow;
}

/** A slice of a window's stable order: records after `after` up to and including `until`. */
export interface CursorRange {
  after: RecordCursor | null;
  until: RecordCursor | null;
}

export interface InsertResult {
  inserted: number;
  /** Records whose request_id / uuid was already stored (ingest is idempotent). */
  duplicates: number;
}

export interface DestinationRepository {
  create(input: NewDestination): Promise<Destination>;
  get(id: string): Promise<Destination | undefined>;
  list(organization?: string): Promise<Destination[]>;
}

export interface ExportRepository {
  create(input: NewExport, organization: string): Promise<ExportConfig>;
  get(id: string): Promise<ExportConfig | undefined>;
  list(filter?: { organization?: string }): Promise<ExportConfig[]>;
  update(id: string, change: ExportChange): Promise<ExportConfig | undefined>;
  /** Soft delete: the export disappears, its run history stays. Returns false if unknown. */
  delete(id: string): Promise<boolean>;
}

export interface RunStart {
  exportId: string;
  window: ExportWindow;
  workflowId: string;
  workflowRunId: string | null;
}

export interface RunFinish {
  exportId: string;
  window: ExportWindow;
  workflowId: string;
  status: 'succeeded' | 'failed';
  objects: ExportedObject[];
  manifestKey: string | null;
  manifestSha256?: string | null;
  error: RunError | null;
}

export interface RunRepository {
  /** Upsert on (export, window): a re-run updates the same row and counts an attempt. */
  markStarted(start: RunStart): Promise<Run>;
  /** Records the outcome and updates the export's health, atomically. */
  markFinished(finish: RunFinish): Promise<Run>;
  get(exportId: string, windowStart: string): Promise<Run | undefined>;
  list(exportId: string, options?: { limit?: number }): Promise<Run[]>;
}

export interface LogRepository {
  insertClientLogs(records: readonly ClientLogRecord[]): Promise<InsertResult>;
  insertAuditLogs(records: readonly AuditLogIngestRecord[]): Promise<InsertResult>;
  countInWindow(scope: WindowScope): Promise<number>;
  /**
   * The cursor of the record `offset` places after `after` (0 = the first one after it), or
   * undefined when the window has fewer records. Used to cut a window into parts.
   */
  cursorAfter(scope: WindowScope, after: RecordCursor | null, offset: number): Promise<RecordCursor | undefined>;
  /**
   * Streams a slice of the window in stable order as pages of records: memory does not grow with
   * the window, and consumers handle a page without an await per record.
   */
  clientLogPages(scope: WindowScope, range: CursorRange, pageSize?: number): AsyncIterable<ClientLogRecord[]>;
  auditLogPages(scope: WindowScope, range: CursorRange, pageSize?: number): AsyncIterable<AuditLogRecord[]>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly destinations: DestinationRepository;
  readonly exports: ExportRepository;
  readonly runs: RunRepository;
  readonly logs: LogRepository;
  /** Cheap round trip for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
