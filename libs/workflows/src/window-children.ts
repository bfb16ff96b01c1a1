// Runs exportWindow for one window as a child workflow under the window's own ID, so whoever
// starts a window (schedule, backfill, run now) shares one workflow per (export, window).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ChildWorkflowFailure, ParentClosePolicy, executeChild, patched, workflowInfo } from '@temporalio/workflow';
import type { LogType, WindowOutcome } from '@log-exporter/schemas';
import { exportWindowWorkflowId } from '@log-exporter/schemas/workflow';
import { CORRECTIONS_PATCH, exportWindow } from './export-window';
import { searchKeys as keys } from './search-attribute-keys';

export interface WindowTarget {
  exportId: string;
  organization: string;
  logType: LogType;
  windowStart: string;
}

/** Exports one window and says how it went; never throws for the window's own failure. */
export async function runWindowChild(target: WindowTarget): Promise<{ outcome: WindowOutcome; message?: string }> {
  try {
    const result = await executeChild(exportWindow, {
      workflowId: exportWindowWorkflowId(target.exportId, target.windowStart),
      args: [{ exportId: target.exportId, windowStart: target.windowStart }],
      taskQueue: workflowInfo().taskQueue,
      // A window may run again after it ended: one that failed is retried; one that succeeded
      // delivers only its late records, or nothing (exactly once comes from the ingest sequence
      // recorded per delivery, not from the workflow ID).
      workflowIdReusePolicy: patched(CORRECTIONS_PATCH) ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      // Windows are independent units of work: stopping the parent does not stop them.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: keys.exportId, value: target.exportId },
        { key: keys.organization, value: target.organization },
        { key: keys.logType, value: target.logType },
        { key: keys.windowStart, value: new Date(target.windowStart) },
      ],
    });
    if (result.upToDate) return { outcome: 'already-running-or-done', message: 'exported before; nothing late since' };
    return { outcome: 'succeeded' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return {
        outcome: 'already-running-or-done',
        message: 'the window is being exported by another run, or was exported before',
      };
    }
    if (err instanceof ChildWorkflowFailure) {
      return { outcome: 'failed', message: err.cause?.message ?? err.message };
    }
    throw err;
  }
}
