// The contract between the export workflow and its activities: inputs, outputs and the activity
// interface. Workflows import its types (never the activities' code), so history stays small and
// carries no log data and no secrets: IDs, counts, keys and checksums only. The workflow names and
// IDs they call are in workflow-names.ts (zod-free, for the workflow bundle).
import { z } from 'zod';
import type { Cadence, Compression, Format, IpHandling, LogType, ParquetCompression } from './export-options';
import { exportIdSchema } from './ids';
import type { ObjectKeyLayout } from './object-keys';
import type { ExportedObject, RunError, RunStatus } from './runs';
import type { ExportWindow } from './windows';

export const DEFAULT_TASK_QUEUE = 'log-exports';

export const exportWindowInputSchema = z.strictObject({
  exportId: exportIdSchema,
  /** Start of the window, e.g. `2026-11-25T00:00:00Z` or `2026-11-25`; aligned to the cadence. */
  windowStart: z.string().min(1),
  /**
   * Export the whole window again as a fresh set of parts from part 1 (objects are rewritten).
   * Without it, a window delivered before gets only its late records, in new objects.
   */
  rerun: z.boolean().optional(),
});
export type ExportWindowInput = z.infer<typeof exportWindowInputSchema>;

export interface ExportWindowResult {
  exportId: string;
  window: ExportWindow;
  /** Totals of every object of the window (all deliveries). */
  records: number;
  bytes: number;
  objects: ExportedObject[];
  manifestKey: string;
  /** The manifest revision now in the bucket; absent in results from before revisions. */
  revision?: number;
  /** Records this run delivered (the late ones, for a correction; 0: nothing was late). */
  deliveredRecords?: number;
  /** True when the window had been delivered and nothing was late: nothing was written. */
  upToDate?: boolean;
}

/** The export as it was when the run started: every step of one run uses this same snapshot. */
export interface ResolvedExport {
  exportId: string;
  organization: string;
  destinationId: string;
  logType: LogType;
  format: Format;
  compression: Compression;
  /** Parquet's page codec; absent in histories recorded before Parquet (they hold no Parquet). */
  parquetCompression?: ParquetCompression;
  cadence: Cadence;
  repositories: string[] | null;
  exclude: string[];
  /** Absent in histories recorded before IP handling (then `exclude` says whether IPs are dropped). */
  ipHandling?: IpHandling;
  bucket: string;
  region: string;
  roleArn: string;
  window: ExportWindow;
  /** ISO time after which the window is closed and settled, and may be exported. */
  readyAt: string;
  layout: ObjectKeyLayout;
  manifestKey: string;
  /** Worker-configured pace of the run; absent in histories recorded before it existed. */
  tuning?: ExportTuning;
  /** The export has a notify URL: the run's outcome may be notified (absent: from before notifications). */
  notifies?: boolean;
}

export interface ExportTuning {
  /** Parts of one window uploaded at once. */
  partConcurrency: number;
  /** An upload that does not heartbeat for this long is presumed dead and retried elsewhere. */
  uploadHeartbeatTimeoutMs: number;
}

/** A position in a window's stable order: (timestamp, unique id) of a record. */
export interface RecordCursor {
  at: string;
  id: string;
}

/** A slice of the database's ingest sequence, (after, upTo]; null bounds are open. */
export interface IngestSlice {
  after: number | null;
  upTo: number | null;
}

/** One part of a window: the records after `after` up to and including `until` (null: open end). */
export interface PartPlan {
  partNumber: number;
  key: string;
  after: RecordCursor | null;
  until: RecordCursor | null;
  plannedRecords: number;
  /** Only records of this delivery's slice of the ingest sequence; absent in older histories. */
  ingested?: IngestSlice;
}

/** What one run of a window delivers: the whole window, or its late records as a correction. */
export interface DeliveryPlan {
  /** The manifest revision this run writes (1 for the first delivery). */
  revision: number;
  /** The slice delivered: afterSeq null for the whole window (first delivery, or a re-run). */
  afterSeq: number | null;
  upToSeq: number;
  /** Objects of earlier deliveries that stay listed (none for a first delivery or a re-run). */
  keptObjects: ExportedObject[];
  /** The window's earlier manifests, oldest first: the new one names them. */
  previousRevisions: { revision: number; sha256: string }[];
  /** Nothing late to deliver: no object and no manifest is written. */
  upToDate: boolean;
}

export interface WindowPlan {
  totalRecords: number;
  parts: PartPlan[];
  /** Absent in histories recorded before deliveries existed (then: the whole window). */
  delivery?: DeliveryPlan;
}

export interface RunStartedInput {
  exportId: string;
  window: ExportWindow;
  workflowId: string;
  workflowRunId: string;
}

export interface RunResultInput {
  exportId: string;
  window: ExportWindow;
  workflowId: string;
  status: Exclude<RunStatus, 'running'>;
  objects: ExportedObject[];
  manifestKey: string | null;
  /** Absent in runs recorded before manifests were chained. */
  manifestSha256?: string | null;
  error: RunError | null;
  /** What this run delivered (absent: nothing, or a run from before deliveries existed). */
  delivery?: { revision: number; afterSeq: number | null; upToSeq: number; objects: ExportedObject[] };
}

export interface AssumedRoleSummary {
  roleArn: string;
  /** When the cached credentials expire; the credentials themselves never leave the worker. */
  expiresAt: string;
}

/** What a scheduled run does: the window the schedule fired for, after failed windows to retry. */
export interface ScheduledRunPlan {
  /** False when the export was deleted since the schedule fired: nothing to do. */
  exists: boolean;
  organization: string;
  logType: LogType;
  /** The window that closed last before the scheduled time. */
  targetWindowStart: string;
  /** Earlier windows whose last run failed (oldest first), retried before the target. */
  retryWindowStarts: string[];
  /**
   * Earlier delivered windows within the late horizon with records stored after their delivery
   * (oldest first): each gets a correction. Absent in histories from before corrections.
   */
  lateWindowStarts?: string[];
}

export interface ScheduledExportInput {
  exportId: string;
}

export type WindowOutcome = 'succeeded' | 'failed' | 'already-running-or-done';

export interface ScheduledExportResult {
  exportId: string;
  scheduledAt: string;
  windows: { windowStart: string; outcome: WindowOutcome; message?: string }[];
}

export interface BackfillInput {
  exportId: string;
  organization: string;
  logType: LogType;
  /** Window starts to export, in order (oldest first). */
  windowStarts: string[];
  /** Windows exported at once. */
  concurrency: number;
}

export interface BackfillProgress {
  total: number;
  succeeded: number;
  failed: number;
  /** Windows found already running or already exported (nothing started for them). */
  alreadyDone: number;
  running: number;
  pending: number;
  windows: { windowStart: string; outcome: WindowOutcome | 'running' | 'pending'; message?: string }[];
}

/** One batch of the log clean-up: what it removed, and whether anything expired is left. */
export interface RetentionBatchResult {
  logType: LogType;
  /** Rows whose window time is before this were eligible (canonical record timestamp). */
  before: string;
  rowsDeleted: number;
  partitionsDropped: string[];
  /** Windows kept past their retention because they have undelivered records. */
  holds: number;
  /** True when nothing expired and unheld is left for this log type. */
  done: boolean;
}

export interface CleanUpLogsResult {
  rowsDeleted: number;
  partitionsDropped: string[];
  holds: number;
  batches: number;
}

/** The log clean-up's activities (run by its own schedule, `logRetentionScheduleId`). */
export interface RetentionActivities {
  /** Deletes one bounded batch of expired log rows of one type, never inside a hold. */
  deleteExpiredLogs(input: { logType: LogType }): Promise<RetentionBatchResult>;
}

export interface NotificationClaimInput {
  exportId: string;
  window: ExportWindow;
  workflowId: string;
  outcome: 'succeeded' | 'failed';
  error: RunError | null;
}

/** Delivery of one notification, by the notifyCustomer workflow (libs/notifications does the HTTP). */
export interface NotificationActivities {
  /** One POST; throws to be retried (5xx, timeouts) or not (refused address, 4xx). */
  postNotification(input: { notificationId: string }): Promise<{ status: number } | { skipped: string }>;
  /** Retries are over: the notification is recorded as failed with the last error. */
  recordNotificationGaveUp(input: { notificationId: string; error: string }): Promise<void>;
}

/** Every activity of one export window (README, How one window runs), in the order the workflow calls them. */
export interface ExportActivities {
  resolveExport(input: ExportWindowInput): Promise<ResolvedExport>;
  recordRunStarted(input: RunStartedInput): Promise<void>;
  assumeCustomerRole(input: { exportId: string; destinationId: string }): Promise<AssumedRoleSummary>;
  /** Plans this run's delivery: the whole window, or (delivered before, no re-run) its late records. */
  planWindowParts(input: { resolved: ResolvedExport; rerun?: boolean }): Promise<WindowPlan>;
  uploadPart(input: { resolved: ResolvedExport; part: PartPlan }): Promise<ExportedObject>;
  /** Writes the manifest listing every object of the window, as revision `delivery.revision`. */
  writeManifest(input: {
    resolved: ResolvedExport;
    objects: ExportedObject[];
    delivery?: DeliveryPlan;
  }): Promise<ExportedObject>;
  recordRunResult(input: RunResultInput): Promise<void>;
  /** The notification this outcome of the window makes due, if any (libs/store notifications.ts). */
  claimNotification(input: NotificationClaimInput): Promise<{ notificationId: string } | null>;
  /** For a scheduled run: the window to export, and failed earlier windows to retry first. */
  planScheduledRun(input: { exportId: string; scheduledAt: string }): Promise<ScheduledRunPlan>;
}
