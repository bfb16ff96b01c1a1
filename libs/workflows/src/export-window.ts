// exportWindow: one export's records of one window, delivered to the customer's bucket as data
// objects and then a manifest, with the run recorded before and after. Orchestration only: every
// side effect is an activity, with its timeout and retry policy stated beside it.
import type { ActivityOptions, RetryPolicy, SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ExportActivities,
  ExportWindowInput,
  ExportWindowResult,
  ExportedObject,
  PartPlan,
  ResolvedExport,
  RunError,
} from '@log-exporter/schemas';
import { NON_RETRYABLE_ERROR_TYPES } from '@log-exporter/schemas';
import { searchKeys } from './search-attribute-keys';

/** Parts uploaded at once within one window, unless the worker's configuration says otherwise. */
const PART_CONCURRENCY = 4;

// Bookkeeping against our own database: quick, retried for up to an hour.
const bookkeepingActivities = proxyActivities<ExportActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

// Loading the export: misconfiguration fails at once (non-retryable types), the rest retries.
const { resolveExport: resolveExportActivity } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

// STS: a refused role fails fast; throttling and outages retry while the window is still useful.
const { assumeCustomerRole: assumeCustomerRoleActivity } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '12 hours',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

// Counting and cutting the window into parts: index scans, minutes at most.
const { planWindowParts: planWindowPartsActivity } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '15 minutes',
  scheduleToCloseTimeout: '12 hours',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

// One part: streams up to a million records into one object. Heartbeats prove it is alive (a
// dead worker's part is retried elsewhere after the heartbeat timeout); a retry redoes only this
// part, never the parts already uploaded.
const UPLOAD_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  scheduleToCloseTimeout: '12 hours',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
};

// The manifest, written last: its presence tells the customer the window is complete.
const { writeManifest: writeManifestActivity } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '12 hours',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

// Every step but the part uploads (database bookkeeping and planning, STS, the manifest PUT) as
// local activities: run by the
// worker inside the workflow task and recorded as one marker each, instead of three events and a
// workflow task per call, so a day's thousands of small windows cost Temporal a third as much.
// Same timeouts and retry policies as above. Workflows started before this change keep the
// regular activities (the patch), so their histories still replay.
const LOCAL_ACTIVITIES_PATCH = 'quick-steps-as-local-activities';
const LOCAL_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
};
const localBookkeeping = proxyLocalActivities<ExportActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  localRetryThreshold: '10 seconds',
  retry: LOCAL_RETRY,
});
const { assumeCustomerRole: assumeCustomerRoleLocal } = proxyLocalActivities<ExportActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '12 hours',
  localRetryThreshold: '10 seconds',
  retry: { ...LOCAL_RETRY, initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});
const { planWindowParts: planWindowPartsLocal } = proxyLocalActivities<ExportActivities>({
  startToCloseTimeout: '15 minutes',
  scheduleToCloseTimeout: '12 hours',
  localRetryThreshold: '10 seconds',
  retry: { ...LOCAL_RETRY, initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});
const { writeManifest: writeManifestLocal } = proxyLocalActivities<ExportActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '12 hours',
  localRetryThreshold: '10 seconds',
  retry: { ...LOCAL_RETRY, initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export async function exportWindow(input: ExportWindowInput): Promise<ExportWindowResult> {
  const local = patched(LOCAL_ACTIVITIES_PATCH);
  const resolveExport = local ? localBookkeeping.resolveExport : resolveExportActivity;
  const { recordRunStarted, recordRunResult } = local ? localBookkeeping : bookkeepingActivities;
  const assumeCustomerRole = local ? assumeCustomerRoleLocal : assumeCustomerRoleActivity;
  const writeManifest = local ? writeManifestLocal : writeManifestActivity;
  const planWindowParts = local ? planWindowPartsLocal : planWindowPartsActivity;
  const resolved = await resolveExport(input);
  tagWorkflow(resolved);

  // A window is exported only once it has closed and late records have settled.
  const waitMs = Date.parse(resolved.readyAt) - Date.now();
  if (waitMs > 0) await sleep(waitMs);

  const { workflowId, runId } = workflowInfo();
  await recordRunStarted({ exportId: resolved.exportId, window: resolved.window, workflowId, workflowRunId: runId });
  try {
    await assumeCustomerRole({ exportId: resolved.exportId, destinationId: resolved.destinationId });
    const plan = await planWindowParts({ resolved });
    const objects = await uploadParts(resolved, plan.parts);
    const manifest = await writeManifest({ resolved, objects });
    await recordRunResult({
      exportId: resolved.exportId,
      window: resolved.window,
      workflowId,
      status: 'succeeded',
      objects,
      manifestKey: manifest.key,
      manifestSha256: manifest.sha256,
      error: null,
    });
    return {
      exportId: resolved.exportId,
      window: resolved.window,
      records: manifest.records,
      bytes: objects.reduce((sum, o) => sum + o.bytes, 0),
      objects,
      manifestKey: manifest.key,
    };
  } catch (err) {
    const error = describeFailure(err);
    // Record the failure even if the workflow is being cancelled, then fail the workflow so it
    // shows as Failed in the Temporal UI and a retry (or a new start of this ID) runs it again.
    await CancellationScope.nonCancellable(() =>
      recordRunResult({
        exportId: resolved.exportId,
        window: resolved.window,
        workflowId,
        status: 'failed',
        objects: [],
        manifestKey: null,
        error,
      }),
    );
    throw ApplicationFailure.create({
      type: error.type,
      message: `export ${resolved.exportId} window ${resolved.window.start}: ${error.message}`,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }
}

/** Uploads the parts, a few at a time, and returns their objects in part order. */
async function uploadParts(resolved: ResolvedExport, parts: PartPlan[]): Promise<ExportedObject[]> {
  const { uploadPart } = proxyActivities<ExportActivities>({
    ...UPLOAD_OPTIONS,
    ...(resolved.tuning ? { heartbeatTimeout: resolved.tuning.uploadHeartbeatTimeoutMs } : {}),
  });
  const concurrency = resolved.tuning?.partConcurrency ?? PART_CONCURRENCY;
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
