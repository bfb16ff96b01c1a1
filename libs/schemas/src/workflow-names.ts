// The names and IDs of our workflows, schedules and queries. Workflow code imports these (through
// `@log-exporter/schemas/workflow`), so this file and what it imports stay free of zod: every
// workflow's context would otherwise build every schema again.
import { formatMicrosIso, parseInstantMicros } from './timestamps';

/** One workflow per notification, so a retrying delivery never holds up an export. */
export function notificationWorkflowId(notificationId: string): string {
  return `notification/${notificationId}`;
}

export const CLEAN_UP_LOGS_WORKFLOW = 'cleanUpLogs';

/** The log clean-up's schedule: one per task queue (deployments may share a namespace). */
export function logRetentionScheduleId(taskQueue: string): string {
  return `log-retention/${taskQueue}`;
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
