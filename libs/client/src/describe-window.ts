import type { Client } from '@temporalio/client';
import { exportWindowWorkflowId } from '@log-exporter/schemas';

export interface WindowRunDescription {
  workflowId: string;
  runId: string;
  status: string;
  startTime: string;
  closeTime: string | null;
}

/** The latest run of a window's workflow, or undefined if the window was never started. */
export async function describeExportWindow(
  client: Client,
  exportId: string,
  windowStart: string,
): Promise<WindowRunDescription | undefined> {
  const workflowId = exportWindowWorkflowId(exportId, windowStart);
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return {
      workflowId,
      runId: d.runId,
      status: d.status.name,
      startTime: d.startTime.toISOString(),
      closeTime: d.closeTime?.toISOString() ?? null,
    };
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}
