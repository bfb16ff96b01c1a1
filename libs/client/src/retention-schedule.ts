// The log clean-up's own Temporal Schedule: once a day, `cleanUpLogs` deletes log rows past
// LOG_RETENTION in bounded batches. Kept by the admin app like the exports' schedules.
import { type Client, ScheduleAlreadyRunning } from '@temporalio/client';
import { CLEAN_UP_LOGS_WORKFLOW, logRetentionScheduleId } from '@log-exporter/schemas';

export interface RetentionScheduleSettings {
  taskQueue: string;
  /** UTC time of day of the clean-up: away from the exports' minute. */
  runAt?: { hour: number; minute: number };
}

export const DEFAULT_RETENTION_RUN_AT = { hour: 3, minute: 15 };

/** Creates the clean-up's schedule, or brings an existing one to these settings. */
export async function ensureRetentionSchedule(
  client: Client,
  settings: RetentionScheduleSettings,
): Promise<'created' | 'updated'> {
  const runAt = settings.runAt ?? DEFAULT_RETENTION_RUN_AT;
  const scheduleId = logRetentionScheduleId(settings.taskQueue);
  const spec = {
    calendars: [{ hour: runAt.hour, minute: runAt.minute, comment: 'daily log clean-up (LOG_RETENTION)' }],
  };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: CLEAN_UP_LOGS_WORKFLOW,
    workflowId: `clean-up-logs/${settings.taskQueue}`,
    taskQueue: settings.taskQueue,
    args: [],
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      // One clean-up at a time; a missed day is simply done by the next one.
      policies: { overlap: 'SKIP', catchupWindow: 3_600_000 },
      memo: { managedBy: 'log-exporter', taskQueue: settings.taskQueue },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  return 'updated';
}
