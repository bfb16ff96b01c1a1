// The contract between the export workflow and its activities: inputs, outputs and the activity
// interface. Workflows import only this (never the activities' code), so history stays small and
// carries no log data and no secrets: IDs, counts, keys and checksums only.
import { z } from 'zod';
import type { Cadence, Compression, Format, LogType } from './export-options';
import { exportIdSchema } from './ids';
import type { ObjectKeyLayout } from './object-keys';
import type { ExportedObject, RunError, RunStatus } from './runs';
import { formatMicrosIso } from './timestamps';
import { type ExportWindow, parseInstantMicros } from './windows';

export const DEFAULT_TASK_QUEUE = 'log-exports';

export const exportWindowInputSchema = z.strictObject({
  exportId: exportIdSchema,
  /** Start of the window, e.g. `2026-11-25T00:00:00Z` or `2026-11-25`; aligned to the cadence. */
  windowStart: z.string().min(1),
});
export type ExportWindowInput = z.infer<typeof exportWindowInputSchema>;

export interface ExportWindowResult {
  exportId: string;
  window: ExportWindow;
  records: number;
  bytes: number;
  objects: ExportedObject[];
  manifestKey: string;
}

/** The export as it was when the run started: every step of one run uses this same snapshot. */
export interface ResolvedExport {
  exportId: string;
  organization: string;
  destinationId: string;
  logType: LogType;
  format: Format;
  compression: Compression;
  cadence: Cadence;
  repositories: string[] | null;
  exclude: string[];
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

/** One part of a window: the records after `after` up to and including `until` (null: open end). */
export interface PartPlan {
  partNumber: number;
  key: string;
  after: RecordCursor | null;
  until: RecordCursor | null;
  plannedRecords: number;
}

export interface WindowPlan {
  totalRecords: number;
  parts: PartPlan[];
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

export const SCHEDULED_EXPORT_WORKFLOW = 'scheduledExport';
export const BACKFILL_EXPORT_WORKFLOW = 'backfillExport';
export const BACKFILL_PROGRESS_QUERY = 'progress';

/** One schedule per export. */
export function exportScheduleId(exportId: string): string {
  return `export-schedule/${exportId}`;
}

/** One backfill workflow per (export, range): repeating a backfill joins it, or re-runs what failed. */
export function backfillWorkflowId(exportId: string, firstWindowStart: string, lastWindowStart: string): string {
  return `backfill/${exportId}/${canonicalWindowStart(firstWindowStart)}/${canonicalWindowStart(lastWindowStart)}`;
}

/** Every activity of one export window (design.md §4), in the order the workflow calls them. */
export interface ExportActivities {
  resolveExport(input: ExportWindowInput): Promise<ResolvedExport>;
  recordRunStarted(input: RunStartedInput): Promise<void>;
  assumeCustomerRole(input: { exportId: string; destinationId: string }): Promise<AssumedRoleSummary>;
  planWindowParts(input: { resolved: ResolvedExport }): Promise<WindowPlan>;
  uploadPart(input: { resolved: ResolvedExport; part: PartPlan }): Promise<ExportedObject>;
  writeManifest(input: { resolved: ResolvedExport; objects: ExportedObject[] }): Promise<ExportedObject>;
  recordRunResult(input: RunResultInput): Promise<void>;
  /** For a scheduled run: the window to export, and failed earlier windows to retry first. */
  planScheduledRun(input: { exportId: string; scheduledAt: string }): Promise<ScheduledRunPlan>;
}

/**
 * One workflow ID per (export, window): a second start of the same window joins the first.
 * The start is canonicalised, so `2026-11-25` and `2026-11-25T00:00:00+00:00` name one window.
 */
export function exportWindowWorkflowId(exportId: string, windowStart: string): string {
  return `export-window/${exportId}/${canonicalWindowStart(windowStart)}`;
}

/** `2026-11-25T00:00:00Z` for any spelling of that instant; throws naming the value if unparsable. */
export function canonicalWindowStart(windowStart: string): string {
  const micros = parseInstantMicros(windowStart);
  if (micros === undefined) {
    throw new Error(`window start ${JSON.stringify(windowStart)} is not a date (2026-11-25) or an RFC 3339 time`);
  }
  return formatMicrosIso(micros);
}
