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
  error: RunError | null;
}

export interface AssumedRoleSummary {
  roleArn: string;
  /** When the cached credentials expire; the credentials themselves never leave the worker. */
  expiresAt: string;
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
