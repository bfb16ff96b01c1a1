// One Temporal Schedule per export, kept equal to the export's configuration: created, changed,
// paused (disabled export) and deleted as the export is, and a reconciler that repairs drift
// (a schedule deleted or edited behind our back, an export deleted while Temporal was down).
//
// Policies, chosen on purpose:
// - overlap BUFFER_ALL: a window that is still running (retrying a slow bucket, say) delays the next
//   one instead of dropping it (SKIP would lose a day); windows then finish oldest first.
// - catch-up window (default 3 days): after a Temporal outage, missed days are run on recovery,
//   each for its own window; older gaps are a backfill.
// - pauseOnFailure false: a failed window is recorded and retried by the next scheduled run.
// - spread: every daily export would otherwise fire in the same second (the midnight burst). Each
//   export's schedule fires at the configured time plus an offset of its own, taken from a hash of
//   its ID: the same on every reconcile and every deployment, and spread evenly over the spread.
import { createHash } from 'node:crypto';
import {
  type Client,
  type ScheduleDescription,
  ScheduleAlreadyRunning,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  ScheduleNotFoundError,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import {
  type Cadence,
  EXPORT_DEFAULTS,
  type ExportConfig,
  SCHEDULED_EXPORT_WORKFLOW,
  type ScheduledExportInput,
  exportScheduleId,
} from '@log-exporter/schemas';
import { exportSearchAttributes } from './search-attributes';

export interface ScheduleSettings {
  taskQueue: string;
  /** UTC time of day of daily runs; its minute is also the minute of hourly runs. */
  runAt: { hour: number; minute: number };
  catchupWindowMs: number;
  /** Each export fires at runAt plus its own offset, less than this (0: all at runAt). */
  spreadMs: number;
}

export const DEFAULT_SCHEDULE_SETTINGS: Omit<ScheduleSettings, 'taskQueue'> = {
  runAt: { hour: 0, minute: 45 },
  catchupWindowMs: 3 * 24 * 3_600_000,
  spreadMs: EXPORT_DEFAULTS.scheduleSpreadMs,
};

/** The export's own offset from runAt, in whole seconds below the spread. */
export function scheduleOffsetSeconds(exportId: string, spreadMs: number): number {
  const seconds = Math.floor(spreadMs / 1000);
  if (seconds <= 0) return 0;
  return createHash('sha256').update(exportId).digest().readUInt32BE(0) % seconds;
}

export type ScheduledExport = Pick<ExportConfig, 'id' | 'organization' | 'logType' | 'cadence' | 'enabled'>;

function calendar(cadence: Cadence, runAt: ScheduleSettings['runAt'], offsetSeconds: number) {
  const inHour = runAt.minute * 60 + offsetSeconds;
  // Past the hour, a run would fire in the next hour (or day) and export another window.
  if (inHour >= 3_600)
    throw new Error(`minute ${runAt.minute} plus a spread of ${offsetSeconds} s runs into the next hour`);
  const minute = Math.floor(inHour / 60);
  const second = inHour % 60;
  return cadence === 'daily'
    ? {
        hour: runAt.hour,
        minute,
        second,
        comment: `daily at ${pad(runAt.hour)}:${pad(minute)}:${pad(second)} UTC`,
      }
    : { hour: '*' as const, minute, second, comment: `hourly at ${pad(minute)}:${pad(second)}` };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function note(config: ScheduledExport): string {
  return config.enabled ? 'export enabled' : 'paused: the export is disabled';
}

/** The schedule an export should have. */
type ExportScheduleOptions = ScheduleOptions<ScheduleOptionsStartWorkflowAction<Workflow>>;

export function desiredSchedule(config: ScheduledExport, settings: ScheduleSettings): ExportScheduleOptions {
  const input: ScheduledExportInput = { exportId: config.id };
  return {
    scheduleId: exportScheduleId(config.id),
    spec: {
      calendars: [calendar(config.cadence, settings.runAt, scheduleOffsetSeconds(config.id, settings.spreadMs))],
    },
    action: {
      type: 'startWorkflow',
      workflowType: SCHEDULED_EXPORT_WORKFLOW,
      workflowId: `scheduled-export/${config.id}`,
      taskQueue: settings.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: exportSearchAttributes.exportId, value: config.id },
        { key: exportSearchAttributes.organization, value: config.organization },
        { key: exportSearchAttributes.logType, value: config.logType },
      ],
    },
    policies: { overlap: 'BUFFER_ALL', catchupWindow: settings.catchupWindowMs, pauseOnFailure: false },
    state: { paused: !config.enabled, note: note(config) },
    // Which deployment owns it: the reconciler deletes only schedules of its own task queue.
    memo: { managedBy: 'log-exporter', taskQueue: settings.taskQueue },
  };
}

/** What of a described schedule we manage, in a form two descriptions can be compared by. */
function signature(description: ScheduleDescription): string {
  const calendars = (description.spec.calendars ?? []).map((c) => ({
    hour: c.hour,
    minute: c.minute,
    second: c.second,
  }));
  const action = description.action as { workflowType?: string; taskQueue?: string; args?: unknown[] };
  return JSON.stringify({
    calendars,
    workflowType: action.workflowType,
    taskQueue: action.taskQueue,
    args: action.args,
    overlap: description.policies.overlap,
    catchupWindow: description.policies.catchupWindow,
    paused: description.state.paused,
  });
}

function desiredSignature(desired: ExportScheduleOptions): string {
  const calendars = (desired.spec.calendars ?? []).map((c) => ({
    hour: c.hour === '*' ? [{ start: 0, end: 23, step: 1 }] : [{ start: c.hour, end: c.hour, step: 1 }],
    minute: [{ start: c.minute, end: c.minute, step: 1 }],
    second: [{ start: c.second, end: c.second, step: 1 }],
  }));
  const action = desired.action as { workflowType?: string; taskQueue?: string; args?: unknown[] };
  return JSON.stringify({
    calendars,
    workflowType: action.workflowType,
    taskQueue: action.taskQueue,
    args: action.args,
    overlap: desired.policies?.overlap,
    catchupWindow: desired.policies?.catchupWindow,
    paused: desired.state?.paused,
  });
}

export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

/** Creates the export's schedule, or brings an existing one to the desired state. */
export async function ensureExportSchedule(
  client: Client,
  config: ScheduledExport,
  settings: ScheduleSettings,
): Promise<EnsureOutcome> {
  const desired = desiredSchedule(config, settings);
  try {
    await client.schedule.create(desired);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(desired.scheduleId);
  const current = await handle.describe();
  if (signature(current) === desiredSignature(desired)) return 'unchanged';
  await handle.update(() => ({
    spec: desired.spec,
    action: desired.action,
    ...(desired.policies ? { policies: desired.policies } : {}),
    state: { paused: desired.state?.paused ?? false, note: desired.state?.note ?? '' },
  }));
  return 'updated';
}

/** Deletes the export's schedule; false if it had none. */
export async function removeExportSchedule(client: Client, exportId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(exportScheduleId(exportId)).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

export interface ScheduleState {
  scheduleId: string;
  paused: boolean;
  note: string;
  nextActionTimes: string[];
  recentActions: { scheduledAt: string; workflowId: string }[];
}

export async function describeExportSchedule(client: Client, exportId: string): Promise<ScheduleState | undefined> {
  try {
    const d = await client.schedule.getHandle(exportScheduleId(exportId)).describe();
    return {
      scheduleId: d.scheduleId,
      paused: d.state.paused,
      note: d.state.note ?? '',
      nextActionTimes: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
      recentActions: d.info.recentActions.slice(-5).map((a) => ({
        scheduledAt: a.scheduledAt.toISOString(),
        workflowId: a.action.workflow.workflowId,
      })),
    };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

export interface ReconcileReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Schedules of exports that no longer exist. */
  deleted: string[];
  errors: { exportId: string; message: string }[];
}

/**
 * Makes Temporal's schedules match the exports: one per export, none for deleted exports. Only
 * schedules created for this task queue are ever deleted, so deployments sharing a namespace
 * (staging and production, say) leave each other's schedules alone.
 */
export async function reconcileExportSchedules(
  client: Client,
  exports: readonly ScheduledExport[],
  settings: ScheduleSettings,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { created: [], updated: [], unchanged: [], deleted: [], errors: [] };
  const wanted = new Set(exports.map((e) => exportScheduleId(e.id)));
  for (const config of exports) {
    try {
      report[await ensureExportSchedule(client, config, settings)].push(config.id);
    } catch (err) {
      report.errors.push({ exportId: config.id, message: (err as Error).message });
    }
  }
  for await (const summary of client.schedule.list()) {
    if (!summary.scheduleId.startsWith(exportScheduleId('')) || wanted.has(summary.scheduleId)) continue;
    if (summary.memo?.taskQueue !== settings.taskQueue) continue; // another deployment's schedule
    const exportId = summary.scheduleId.slice(exportScheduleId('').length);
    try {
      if (await removeExportSchedule(client, exportId)) report.deleted.push(exportId);
    } catch (err) {
      report.errors.push({ exportId, message: (err as Error).message });
    }
  }
  return report;
}
