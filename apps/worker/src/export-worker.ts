// Wiring of the export worker: the workflows and the activities on one task queue. Used by
// main.ts with real dependencies and by the integration tests with test ones.
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { ExportActivities, RetentionActivities } from '@log-exporter/schemas';

export interface ExportWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The export activities and the log clean-up's. */
  activities: ExportActivities & RetentionActivities;
  /** A prebuilt workflow bundle (production, tests); without it the workflows are bundled now. */
  workflowBundlePath?: string;
  /** Time running activities get to finish after a shutdown signal. */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  maxConcurrentActivityTaskExecutions?: number;
}

/** Path of the workflows' entry point, for bundling. */
export function workflowsPath(): string {
  return require.resolve('@log-exporter/workflows');
}

export async function createExportWorker(options: ExportWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: workflowsPath() }),
    shutdownGraceTime: options.shutdownGraceTime ?? '30 seconds',
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 8,
  });
}
