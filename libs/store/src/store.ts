// The storage interface every backend implements (SQLite embedded, PostgreSQL in production).
// Methods are async even where SQLite is synchronous, so callers never depend on the backend.
import type {
  AuditLogIngestRecord,
  AuditLogRecord,
  ClientLogRecord,
  Delivery,
  Destination,
  ExportChange,
  ExportConfig,
  ExportWindow,
  ExportedObject,
  LogType,
  NewExport,
  Notification,
  NotificationKind,
  RecordCursor,
  Run,
  RunError,
} from '@log-exporter/schemas';
import type { LineSpec } from './database-lines';

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
  /**
   * Only records whose ingest sequence lies in (after, upTo]: one delivery's records. Absent:
   * every stored record of the window. A null bound is open.
   */
  ingested?: IngestRange;
}

/** A slice of the ingest sequence, (after, upTo]; null bounds are open. */
export interface IngestRange {
  after: number | null;
  upTo: number | null;
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
  /**
   * The export's secret key for `ipHandling: "hash"` (deleted exports included: a run in flight
   * keeps its pseudonyms); undefined if no such export. Never part of ExportConfig.
   */
  ipHashKey(id: string): Promise<Buffer | undefined>;
  /** The secret notification bodies are signed with; undefined if none (or no such export). */
  notifySecret(id: string): Promise<string | undefined>;
  /** Sets (or, with null, removes) the export's notification secret. */
  setNotifySecret(id: string, secret: string | null): Promise<void>;
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
  /** Every object of the window after this run (earlier deliveries' and this one's). */
  objects: ExportedObject[];
  manifestKey: string | null;
  manifestSha256?: string | null;
  error: RunError | null;
  /** What this run delivered; absent when it delivered nothing (a failure, or no late records). */
  delivery?: DeliveryRecord;
}

/** One delivery as the run that made it reports it. */
export interface DeliveryRecord {
  revision: number;
  afterSeq: number | null;
  upToSeq: number;
  /** The objects this delivery wrote. */
  objects: ExportedObject[];
}

export interface RunRepository {
  /**
   * Upsert on (export, window): a re-run updates the same row and counts an attempt. What earlier
   * runs delivered (objects, revision, delivered sequence) stays: it is in the bucket.
   */
  markStarted(start: RunStart): Promise<Run>;
  /**
   * Records the outcome and updates the export's health, atomically. A failure keeps what was
   * delivered before; a delivery is appended to the window's deliveries.
   */
  markFinished(finish: RunFinish): Promise<Run>;
  get(exportId: string, windowStart: string): Promise<Run | undefined>;
  list(exportId: string, options?: { limit?: number; since?: string }): Promise<Run[]>;
  /** The window's deliveries, first (revision 1) to last. */
  deliveries(exportId: string, windowStart: string): Promise<Delivery[]>;
}

export interface LogRepository {
  /** Stores records, each with the next ingest sequence value; duplicates are skipped. */
  insertClientLogs(records: readonly ClientLogRecord[]): Promise<InsertResult>;
  insertAuditLogs(records: readonly AuditLogIngestRecord[]): Promise<InsertResult>;
  /**
   * The highest ingest sequence whose transaction has committed. Every record with a sequence up
   * to it is visible: values are taken under a lock held until commit, so they commit in order.
   */
  committedSeq(): Promise<number>;
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
  /**
   * The same slice as lines the database writes (JSON Stream or CSV, see database-lines.ts): each
   * item is a line, or, for the rare row whose floats the database prints unlike JavaScript, its
   * record.
   */
  linePages(
    logType: LogType,
    scope: WindowScope,
    range: CursorRange,
    spec: LineSpec,
    pageSize?: number,
  ): AsyncIterable<(string | ClientLogRecord | AuditLogRecord)[]>;
}

/** Deletes log rows past their retention, in bounded batches. */
export interface RetentionRepository {
  /**
   * Deletes up to `batchSize` rows of one log type stored for windows that ended before `before`,
   * except rows inside `holds` (windows with undelivered records). PostgreSQL drops whole day
   * partitions with no hold in them first. Resolves to rows deleted and partitions dropped;
   * call again until both are 0.
   */
  deleteExpired(input: RetentionBatch): Promise<{ rows: number; partitionsDropped: string[] }>;
  /** Creates the log tables' day partitions from yesterday to `days` (default 7) ahead (PostgreSQL; no-op on SQLite). */
  prepareAhead(days?: number): Promise<void>;
}

export interface RetentionBatch {
  logType: LogType;
  /** Rows whose window time is before this (canonical record timestamp) may go. */
  before: string;
  holds: readonly RetentionHold[];
  batchSize: number;
}

/** Rows of one organisation in [from, to) that must stay (canonical record timestamps). */
export interface RetentionHold {
  organization: string;
  from: string;
  to: string;
}

/** Who may call the admin API: ops see every organisation, a customer token only its own. */
export type AccessTokenKind = 'ops' | 'customer';

export interface NewAccessToken {
  kind: AccessTokenKind;
  /** Recorded as the actor of every change made with the token. */
  name: string;
  /** The customer's organisation; null for ops. */
  organization: string | null;
  /** SHA-256 of the secret, hex: the secret itself is never stored. */
  secretSha256: string;
  /** The name of the token that created this one. */
  createdBy: string;
  expiresAt: string | null;
}

export interface AccessToken {
  id: string;
  kind: AccessTokenKind;
  name: string;
  organization: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface StoredAccessToken extends AccessToken {
  secretSha256: string;
}

export interface NotificationClaim {
  exportId: string;
  kind: NotificationKind;
  window: ExportWindow;
  /** The window's final error (failure notifications). */
  error: RunError | null;
  workflowId: string;
  /** When the claim is made (ISO); now if absent. */
  at?: string;
}

export interface NotificationAttempt {
  /** 1 for the first attempt, as Temporal counts them. */
  attempt: number;
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  responseStatus: number | null;
  error: string | null;
}

export interface NotificationRepository {
  /** The notification now due for this outcome (stored as pending), or null if none is due. */
  claim(input: NotificationClaim): Promise<Notification | null>;
  get(id: string): Promise<Notification | undefined>;
  /** The export's newest notification. */
  latest(exportId: string): Promise<Notification | undefined>;
  /** The export's notifications, newest first. */
  list(exportId: string, limit?: number): Promise<Notification[]>;
  recordAttempt(id: string, attempt: NotificationAttempt): Promise<void>;
  /** Retries are over: a still pending notification is failed, with the last error. */
  giveUp(id: string, error: string): Promise<void>;
}

export interface AccessTokenRepository {
  create(input: NewAccessToken): Promise<AccessToken>;
  /** The token with its secret's digest, to check a presented secret against. */
  get(id: string): Promise<StoredAccessToken | undefined>;
  /** Every token, revoked and expired ones too, oldest first; no digests. */
  list(): Promise<AccessToken[]>;
  /** Revokes the token (a second call keeps the first time); undefined if unknown. */
  revoke(id: string): Promise<AccessToken | undefined>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly destinations: DestinationRepository;
  readonly exports: ExportRepository;
  readonly runs: RunRepository;
  readonly logs: LogRepository;
  readonly retention: RetentionRepository;
  readonly accessTokens: AccessTokenRepository;
  readonly notifications: NotificationRepository;
  /** Day partitions of a log table, oldest first (PostgreSQL; SQLite has none: empty). */
  listPartitions(logType: LogType): Promise<string[]>;
  /** Cheap round trip for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
