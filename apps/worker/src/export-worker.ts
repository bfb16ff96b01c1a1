// Wiring of the export worker: the workflows and the activities on one task queue. Used by
// main.ts with real dependencies and by the integration tests with test ones.
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import {
  type ExportActivities,
  type NotificationActivities,
  type RetentionActivities,
  WORKER_DEFAULTS,
} from '@log-exporter/schemas';
import type { Tracing } from '@log-exporter/telemetry';
import { tracingWorkerOptions } from './worker-telemetry';

export type WorkerLimits = { -readonly [K in keyof typeof WORKER_DEFAULTS]: number };

export interface ExportWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The export activities, the notifications' and the log clean-up's. */
  activities: ExportActivities & NotificationActivities & RetentionActivities;
  /** A prebuilt workflow bundle (production, tests); without it the workflows are bundled now. */
  workflowBundlePath?: string;
  /** Time running activities get to finish after a shutdown signal. */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** How much the worker takes on at once; WORKER_DEFAULTS where absent. */
  limits?: Partial<WorkerLimits>;
  /** Where workflow and activity spans go; absent, tracing is off (the interceptors stay). */
  tracing?: Tracing;
}

/** Path of the workflows' entry point, for bundling. */
export function workflowsPath(): string {
  return require.resolve('@log-exporter/workflows');
}

export async function createExportWorker(options: ExportWorkerOptions): Promise<Worker> {
  const limits: WorkerLimits = { ...WORKER_DEFAULTS, ...options.limits };
  const { interceptors, sinks } = tracingWorkerOptions(options.tracing, options.workflowBundlePath !== undefined);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    // A prebuilt bundle carries the workflow interceptors itself (bundled with workflowInterceptorModules).
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: workflowsPath() }),
    interceptors,
    sinks,
    shutdownGraceTime: options.shutdownGraceTime ?? '30 seconds',
    maxCachedWorkflows: limits.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: limits.maxConcurrentWorkflowTasks,
    maxConcurrentActivityTaskExecutions: limits.maxConcurrentActivities,
    maxConcurrentLocalActivityExecutions: limits.maxConcurrentLocalActivities,
  });
}
