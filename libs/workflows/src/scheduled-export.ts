// scheduledExport: what an export's Temporal Schedule starts. The window comes from the time the
// schedule fired for (so catch-up and schedule backfills export the right days); failed windows of
// the past days are retried first (a window is retried until it succeeds, never dropped), and
// delivered windows with late records get their correction.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ExportActivities, ScheduledExportInput, ScheduledExportResult } from '@log-exporter/schemas';
import { RETRY } from './retry-policies';
import { searchKeys } from './search-attribute-keys';
import { runWindowChild } from './window-children';

const { planScheduledRun } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '6 hours',
  retry: RETRY.patient,
});

export async function scheduledExport(input: ScheduledExportInput): Promise<ScheduledExportResult> {
  const info = workflowInfo();
  // Set by the schedule on every action it starts; a start by hand falls back to "now".
  const scheduledAt = (
    info.typedSearchAttributes.get(searchKeys.scheduledStartTime) ?? new Date(info.startTime)
  ).toISOString();
  const plan = await planScheduledRun({ exportId: input.exportId, scheduledAt });
  const result: ScheduledExportResult = { exportId: input.exportId, scheduledAt, windows: [] };
  if (!plan.exists) return result;
  // Oldest first, one at a time: windows finish in order (manifests chain to the previous one).
  // Failed windows are retried, delivered ones with late records corrected, then the new one.
  const earlier = [...new Set([...plan.retryWindowStarts, ...(plan.lateWindowStarts ?? [])])].sort();
  for (const windowStart of [...earlier, plan.targetWindowStart]) {
    const outcome = await runWindowChild({
      exportId: input.exportId,
      organization: plan.organization,
      logType: plan.logType,
      windowStart,
    });
    result.windows.push({ windowStart, ...outcome });
  }
  return result;
}
