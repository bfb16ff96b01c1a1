// Starting and inspecting export windows from other services. Starts are idempotent per
// (export, window): the workflow ID is derived from them, a start while one runs joins it, a start
// after a failure runs the window again, and a start after a success reports "already done".
import { type Client, type WorkflowHandle, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
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
   * Export the window again even if it succeeded before (late records, a changed folder): the same
   * keys are overwritten. Without it, a succeeded window is reported as already done.
   */
  rerun?: boolean;
}

/**
 * `running`: the window's workflow runs now, started by this call or joined (the SDK does not say
 * which). `already-succeeded`: the window was exported before; nothing was started.
 */
export type StartedExportWindow =
  | { status: 'running'; workflowId: string; runId: string; handle: WorkflowHandle }
  | { status: 'already-succeeded'; workflowId: string; handle: WorkflowHandle };

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
  const input: ExportWindowInput = { exportId: options.exportId, windowStart };
  try {
    const handle = await client.workflow.start(EXPORT_WINDOW_WORKFLOW, {
      workflowId,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: options.rerun ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: searchAttributes,
    });
    return { status: 'running', workflowId, runId: handle.firstExecutionRunId, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { status: 'already-succeeded', workflowId, handle: client.workflow.getHandle(workflowId) };
    }
    throw err;
  }
}

/** Starts (or joins) the window and waits for its result. */
export async function runExportWindow(client: Client, options: StartExportWindowOptions): Promise<ExportWindowResult> {
  const started = await startExportWindow(client, options);
  return (await started.handle.result()) as ExportWindowResult;
}
