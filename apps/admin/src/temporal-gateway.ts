// The admin app's way into Temporal: one lazily opened connection, the idempotent starts of
// libs/client, and links to the Temporal UI. A Temporal outage makes run requests fail with 503,
// it does not stop the admin app from starting or serving everything else.
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { Client, Connection } from '@temporalio/client';
import {
  DEFAULT_SCHEDULE_SETTINGS,
  type ReconcileReport,
  type ScheduleSettings,
  type ScheduleState,
  type ScheduledExport,
  type StartedExportWindow,
  backfillProgress,
  describeExportSchedule,
  ensureExportSchedule,
  ensureRetentionSchedule,
  reconcileExportSchedules,
  removeExportSchedule,
  startBackfill,
  startExportWindow,
} from '@log-exporter/client';
import type { BackfillProgress, LogType } from '@log-exporter/schemas';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  uiUrl: string;
  schedule?: Partial<Omit<ScheduleSettings, 'taskQueue'>>;
  backfillConcurrency?: number;
}

export interface StartedWindow {
  windowStart: string;
  workflowId: string;
  status: StartedExportWindow['status'];
}

export interface TemporalGateway {
  startWindow(options: {
    exportId: string;
    windowStart: string;
    organization: string;
    logType: LogType;
    rerun?: boolean;
  }): Promise<StartedWindow>;
  /** Starts (or joins) the backfill of these windows, a few at a time. */
  startBackfill(options: {
    exportId: string;
    organization: string;
    logType: LogType;
    windowStarts: string[];
  }): Promise<{ workflowId: string }>;
  backfillProgress(workflowId: string): Promise<BackfillProgress>;
  /** Brings the export's schedule to its configuration (created, updated, paused). */
  ensureSchedule(config: ScheduledExport): Promise<'created' | 'updated' | 'unchanged'>;
  removeSchedule(exportId: string): Promise<boolean>;
  describeSchedule(exportId: string): Promise<ScheduleState | undefined>;
  reconcileSchedules(exports: readonly ScheduledExport[]): Promise<ReconcileReport>;
  /** Creates (or updates) the daily log clean-up's schedule of this task queue. */
  ensureRetentionSchedule(): Promise<'created' | 'updated'>;
  /** Resolves when the frontend answers within two seconds. */
  ping(): Promise<void>;
  /** The workflow's page in the Temporal UI. */
  workflowUrl(workflowId: string): string;
  /** For other parts of the admin app (schedules) that need the client itself. */
  client(): Promise<Client>;
  close(): Promise<void>;
}

export function createTemporalGateway(settings: TemporalSettings): TemporalGateway {
  let connecting: Promise<Connection> | undefined;

  async function connection(): Promise<Connection> {
    connecting ??= Connection.connect({ address: settings.address, connectTimeout: '5 seconds' }).catch(
      (err: unknown) => {
        connecting = undefined; // try again on the next request
        throw err;
      },
    );
    return connecting;
  }

  async function client(): Promise<Client> {
    // Trace context of the request (if tracing is on) travels into the workflows it starts.
    return new Client({
      connection: await connection(),
      namespace: settings.namespace,
      interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    });
  }

  const scheduleSettings: ScheduleSettings = {
    ...DEFAULT_SCHEDULE_SETTINGS,
    ...settings.schedule,
    taskQueue: settings.taskQueue,
  };

  return {
    async startWindow(options) {
      const started = await startExportWindow(await client(), { ...options, taskQueue: settings.taskQueue });
      return { windowStart: options.windowStart, workflowId: started.workflowId, status: started.status };
    },
    async startBackfill(options) {
      const started = await startBackfill(await client(), {
        ...options,
        concurrency: settings.backfillConcurrency ?? 4,
        taskQueue: settings.taskQueue,
      });
      return { workflowId: started.workflowId };
    },
    async backfillProgress(workflowId) {
      return backfillProgress(await client(), workflowId);
    },
    async ensureSchedule(config) {
      return ensureExportSchedule(await client(), config, scheduleSettings);
    },
    async removeSchedule(exportId) {
      return removeExportSchedule(await client(), exportId);
    },
    async describeSchedule(exportId) {
      return describeExportSchedule(await client(), exportId);
    },
    async reconcileSchedules(exports) {
      return reconcileExportSchedules(await client(), exports, scheduleSettings);
    },
    async ensureRetentionSchedule() {
      return ensureRetentionSchedule(await client(), { taskQueue: settings.taskQueue });
    },
    async ping() {
      const c = await connection();
      await c.withDeadline(Date.now() + 2_000, () => c.workflowService.getSystemInfo({}));
    },
    workflowUrl(workflowId) {
      return `${settings.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
    },
    client,
    async close() {
      if (connecting) await (await connecting.catch(() => undefined))?.close();
    },
  };
}
