// Starting and inspecting export windows from other services. Starts are idempotent per
// (export, window): the workflow ID is derived from them and a start while one runs joins it. A
// start after the window ended runs it again: a failed window is retried; a delivered one gets
// only the records stored since its delivery (late records) in new objects, or nothing at all.
// Exactly once is kept by the ingest sequence each delivery records, so starting twice is safe.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import {
  DEFAULT_TASK_QUEUE,
  type ExportWindowInput,
  type ExportWindowResult,
  type LogType,
  canonicalWindowStart,
  exportWindowWorkflowId,
} from '@log-exporter/schemas';
import { exportSearchAttributes } from './search-attributes';

export const EXPORT_WINDOW_WORKFLOW = 'exportWindow';

export interface StartExportWindowOptions {
  exportId: string;
  /** Window start: `2026-11-25`, `2026-11-25T00:00:00Z`, … (aligned to the export's cadence). */
  windowStart: string;
  taskQueue?: string;
  /** Known at start time, these tag the workflow at once; the workflow also sets them itself. */
  organization?: string;
  logType?: LogType;
  /**
   * Export the whole window again as a fresh set of parts from part 1 (a changed folder or
   * format, lost objects): keys are overwritten with new bytes. Without it, a delivered window
   * gets only its late records, and the objects in the bucket are never rewritten.
   */
  rerun?: boolean;
}

/** `running`: the window's workflow runs now, started by this call or joined (the SDK does not say which). */
export type StartedExportWindow = { status: 'running'; workflowId: string; runId: string; handle: WorkflowHandle };

export async function startExportWindow(
  client: Client,
  options: StartExportWindowOptions,
): Promise<StartedExportWindow> {
  const windowStart = canonicalWindowStart(options.windowStart);
  const workflowId = exportWindowWorkflowId(options.exportId, windowStart);
  const searchAttributes: SearchAttributePair[] = [
    { key: exportSearchAttributes.exportId, value: options.exportId },
    { key: exportSearchAttributes.windowStart, value: new Date(windowStart) },
  ];
  if (options.organization)
    searchAttributes.push({ key: exportSearchAttributes.organization, value: options.organization });
  if (options.logType) searchAttributes.push({ key: exportSearchAttributes.logType, value: options.logType });
  const input: ExportWindowInput = {
    exportId: options.exportId,
    windowStart,
    ...(options.rerun ? { rerun: true } : {}),
  };
  const handle = await client.workflow.start(EXPORT_WINDOW_WORKFLOW, {
    workflowId,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: searchAttributes,
  });
  return { status: 'running', workflowId, runId: handle.firstExecutionRunId, handle };
}

/** Starts (or joins) the window and waits for its result. */
export async function runExportWindow(client: Client, options: StartExportWindowOptions): Promise<ExportWindowResult> {
  const started = await startExportWindow(client, options);
  return (await started.handle.result()) as ExportWindowResult;
}
