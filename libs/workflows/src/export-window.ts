// exportWindow: one export's records of one window, delivered to the customer's bucket as data
// objects and then a manifest, with the run recorded before and after. A window delivered before
// gets only its late records (stored since), as new objects and the manifest's next revision.
// Orchestration only: every side effect is an activity, its options in the table below.
import type { ActivityOptions, SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  DeliveryPlan,
  ExportActivities,
  ExportWindowInput,
  ExportWindowResult,
  ExportedObject,
  PartPlan,
  ResolvedExport,
  RunError,
} from '@log-exporter/schemas';
import { notificationWorkflowId } from '@log-exporter/schemas/workflow';
import { notifyCustomer } from './notify-customer';
import { RETRY } from './retry-policies';
import { searchKeys } from './search-attribute-keys';

/**
 * Parts uploaded at once for histories recorded before the worker's configuration said how many
 * (`resolved.tuning`): those workflows must keep scheduling parts as they did.
 */
const LEGACY_PART_CONCURRENCY = 4;

/** Every quick step of a window: its timeouts and retry policy, stated once. */
const STEP_OPTIONS = {
  resolveExport: { startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '1 hour', retry: RETRY.quick },
  recordRunStarted: { startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '1 hour', retry: RETRY.quick },
  assumeCustomerRole: { startToCloseTimeout: '1 minute', scheduleToCloseTimeout: '12 hours', retry: RETRY.patient },
  // Counting and cutting the window into parts: index scans, minutes at most.
  planWindowParts: { startToCloseTimeout: '15 minutes', scheduleToCloseTimeout: '12 hours', retry: RETRY.patient },
  // The manifest, written last: its presence tells the customer the window is complete.
  writeManifest: { startToCloseTimeout: '2 minutes', scheduleToCloseTimeout: '12 hours', retry: RETRY.patient },
  recordRunResult: { startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '1 hour', retry: RETRY.quick },
  claimNotification: { startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '5 minutes', retry: RETRY.quick },
} satisfies Record<string, ActivityOptions>;
type QuickStep = keyof typeof STEP_OPTIONS;
type QuickSteps = Pick<ExportActivities, QuickStep>;

// One part streams up to a million records into one object. Heartbeats prove it is alive (a dead
// worker's part is retried elsewhere after the heartbeat timeout); a retry redoes only this part.
// The heartbeat timeout comes from the worker's configuration (`resolved.tuning`); this is the
// value histories recorded before that were scheduled with.
const LEGACY_UPLOAD_HEARTBEAT_TIMEOUT = '2 minutes';
const UPLOAD_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: LEGACY_UPLOAD_HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '12 hours',
  retry: RETRY.upload,
};

function quickSteps(local: boolean): QuickSteps {
  const steps: Partial<Record<QuickStep, unknown>> = {};
  for (const [step, options] of Object.entries(STEP_OPTIONS) as [QuickStep, ActivityOptions][]) {
    const proxy = local
      ? proxyLocalActivities<ExportActivities>({ ...options, localRetryThreshold: '10 seconds' })
      : proxyActivities<ExportActivities>(options);
    steps[step] = proxy[step];
  }
  return steps as QuickSteps;
}

// The quick steps run as local activities: by the worker inside the workflow task, recorded as
// one marker each instead of three events and a workflow task per call, so a day's thousands of
// small windows cost Temporal a third as much. Workflows started before that change keep regular
// activities (the patch), so their histories still replay.
const LOCAL_ACTIVITIES_PATCH = 'quick-steps-as-local-activities';
const LOCAL_STEPS = quickSteps(true);
const REGULAR_STEPS = quickSteps(false);
// Planning comes before the run is recorded, so a window with nothing late leaves no trace (no
// attempt, no role assumed); histories from before keep their order.
export const CORRECTIONS_PATCH = 'late-record-corrections';
// Outcomes of windows of exports with a notify URL are notified; older histories never were.
const NOTIFICATIONS_PATCH = 'failure-notifications';

export async function exportWindow(input: ExportWindowInput): Promise<ExportWindowResult> {
  const steps = patched(LOCAL_ACTIVITIES_PATCH) ? LOCAL_STEPS : REGULAR_STEPS;
  const planFirst = patched(CORRECTIONS_PATCH);
  const resolved = await steps.resolveExport(input);
  tagWorkflow(resolved);

  // A window is exported only once it has closed and late records have settled.
  const waitMs = Date.parse(resolved.readyAt) - Date.now();
  if (waitMs > 0) await sleep(waitMs);

  const { workflowId, runId } = workflowInfo();
  const run = { exportId: resolved.exportId, window: resolved.window, workflowId };
  const plan = () => steps.planWindowParts({ resolved, ...(input.rerun ? { rerun: true } : {}) });
  if (!planFirst) await steps.recordRunStarted({ ...run, workflowRunId: runId });
  try {
    const early = planFirst ? await plan() : undefined;
    if (early?.delivery?.upToDate) return upToDateResult(resolved, early.delivery);
    if (planFirst) await steps.recordRunStarted({ ...run, workflowRunId: runId });
    await steps.assumeCustomerRole({ exportId: resolved.exportId, destinationId: resolved.destinationId });
    const { parts, delivery } = early ?? (await plan());
    const added = await uploadParts(resolved, parts);
    const objects = [...(delivery?.keptObjects ?? []), ...added];
    const manifest = await steps.writeManifest({ resolved, objects, ...(delivery ? { delivery } : {}) });
    await steps.recordRunResult({
      ...run,
      status: 'succeeded',
      objects,
      manifestKey: manifest.key,
      manifestSha256: manifest.sha256,
      error: null,
      ...(delivery
        ? {
            delivery: {
              revision: delivery.revision,
              afterSeq: delivery.afterSeq,
              upToSeq: delivery.upToSeq,
              objects: added,
            },
          }
        : {}),
    });
    await notifyOutcome(steps, resolved, workflowId, null);
    return {
      exportId: resolved.exportId,
      window: resolved.window,
      records: manifest.records,
      bytes: objects.reduce((sum, o) => sum + o.bytes, 0),
      objects,
      manifestKey: manifest.key,
      ...(delivery ? { revision: delivery.revision, deliveredRecords: sumRecords(added), upToDate: false } : {}),
    };
  } catch (err) {
    const error = describeFailure(err);
    // Record the failure even if the workflow is being cancelled, then fail the workflow so it
    // shows as Failed in the Temporal UI and a retry (or a new start of this ID) runs it again.
    await CancellationScope.nonCancellable(async () => {
      await steps.recordRunResult({ ...run, status: 'failed', objects: [], manifestKey: null, error });
      await notifyOutcome(steps, resolved, workflowId, error);
    });
    throw ApplicationFailure.create({
      type: error.type,
      message: `export ${resolved.exportId} window ${resolved.window.start}: ${error.message}`,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }
}

/**
 * Claims the notification this outcome makes due (a failure, or the recovery after one) and
 * starts its delivery as a workflow of its own, not waited for: a slow or failing receiver never
 * holds up or fails the export. A failure to notify is logged, never the window's failure.
 */
async function notifyOutcome(
  steps: QuickSteps,
  resolved: ResolvedExport,
  workflowId: string,
  error: RunError | null,
): Promise<void> {
  if (!resolved.notifies || !patched(NOTIFICATIONS_PATCH)) return;
  try {
    const claimed = await steps.claimNotification({
      exportId: resolved.exportId,
      window: resolved.window,
      workflowId,
      outcome: error ? 'failed' : 'succeeded',
      error,
    });
    if (!claimed) return;
    await startChild(notifyCustomer, {
      workflowId: notificationWorkflowId(claimed.notificationId),
      args: [{ notificationId: claimed.notificationId }],
      taskQueue: workflowInfo().taskQueue,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    log.warn('notification not started', { exportId: resolved.exportId, error: String(err) });
  }
}

/** Delivered before, nothing stored since: the window stays as it is in the bucket. */
function upToDateResult(resolved: ResolvedExport, delivery: DeliveryPlan): ExportWindowResult {
  const objects = delivery.keptObjects;
  return {
    exportId: resolved.exportId,
    window: resolved.window,
    records: sumRecords(objects),
    bytes: objects.reduce((sum, o) => sum + o.bytes, 0),
    objects,
    manifestKey: resolved.manifestKey,
    revision: delivery.revision - 1,
    deliveredRecords: 0,
    upToDate: true,
  };
}

function sumRecords(objects: readonly ExportedObject[]): number {
  return objects.reduce((sum, o) => sum + o.records, 0);
}

/** Uploads the parts, a few at a time, and returns their objects in part order. */
async function uploadParts(resolved: ResolvedExport, parts: PartPlan[]): Promise<ExportedObject[]> {
  const { uploadPart } = proxyActivities<ExportActivities>({
    ...UPLOAD_OPTIONS,
    ...(resolved.tuning ? { heartbeatTimeout: resolved.tuning.uploadHeartbeatTimeoutMs } : {}),
  });
  const concurrency = resolved.tuning?.partConcurrency ?? LEGACY_PART_CONCURRENCY;
  const objects: ExportedObject[] = new Array(parts.length);
  let next = 0;
  const lane = async () => {
    while (next < parts.length) {
      const index = next++;
      objects[index] = await uploadPart({ resolved, part: parts[index] as PartPlan });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, parts.length) }, lane));
  return objects;
}

/** Sets the search attributes ops filter on, whoever started the workflow (client, CLI, schedule). */
function tagWorkflow(resolved: ResolvedExport): void {
  const updates: SearchAttributeUpdatePair[] = [
    { key: searchKeys.exportId, value: resolved.exportId },
    { key: searchKeys.organization, value: resolved.organization },
    { key: searchKeys.logType, value: resolved.logType },
    { key: searchKeys.windowStart, value: new Date(resolved.window.start) },
  ];
  upsertSearchAttributes(updates);
}

function describeFailure(err: unknown): RunError {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Error', message: String(cause) };
}
