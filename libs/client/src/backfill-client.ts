// Backfills for other services: every window of a range through one backfillExport workflow that
// runs a few windows at a time; progress by query.
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  BACKFILL_EXPORT_WORKFLOW,
  BACKFILL_PROGRESS_QUERY,
  type BackfillInput,
  type BackfillProgress,
  DEFAULT_TASK_QUEUE,
  backfillWorkflowId,
} from '@log-exporter/schemas';
import { exportSearchAttributes } from './search-attributes';

export interface StartBackfillOptions extends Omit<BackfillInput, 'concurrency'> {
  concurrency?: number;
  taskQueue?: string;
}

export async function startBackfill(
  client: Client,
  options: StartBackfillOptions,
): Promise<{ workflowId: string; handle: WorkflowHandle }> {
  if (options.windowStarts.length === 0) throw new Error('a backfill needs at least one window');
  const first = options.windowStarts[0] as string;
  const last = options.windowStarts[options.windowStarts.length - 1] as string;
  const workflowId = backfillWorkflowId(options.exportId, first, last);
  const input: BackfillInput = {
    exportId: options.exportId,
    organization: options.organization,
    logType: options.logType,
    windowStarts: options.windowStarts,
    concurrency: options.concurrency ?? 4,
  };
  const handle = await client.workflow.start(BACKFILL_EXPORT_WORKFLOW, {
    workflowId,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    args: [input],
    // The same range again joins a running backfill; after it ended, it runs again, and only the
    // windows that are not exported yet do any work.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: exportSearchAttributes.exportId, value: options.exportId },
      { key: exportSearchAttributes.organization, value: options.organization },
      { key: exportSearchAttributes.logType, value: options.logType },
    ],
  });
  return { workflowId, handle };
}

/** Where a backfill is: windows succeeded, failed, already done, running, pending. */
export async function backfillProgress(client: Client, workflowId: string): Promise<BackfillProgress> {
  return client.workflow.getHandle(workflowId).query<BackfillProgress>(BACKFILL_PROGRESS_QUERY);
}
