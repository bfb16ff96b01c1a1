// cleanUpLogs: what the log-retention schedule starts. Deletes expired log rows of both types in
// bounded batches (one activity each) until none are left, never inside a window that has
// undelivered records. A long clean-up continues as new, so its history stays small.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { CleanUpLogsResult, LogType, RetentionActivities } from '@log-exporter/schemas';
import { RETRY } from './retry-policies';

const { deleteExpiredLogs } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: RETRY.patient,
});

/** Batches per workflow run before it continues as new. */
const BATCHES_PER_RUN = 200;

export async function cleanUpLogs(carried?: CleanUpLogsResult): Promise<CleanUpLogsResult> {
  const total: CleanUpLogsResult = carried ?? { rowsDeleted: 0, partitionsDropped: [], holds: 0, batches: 0 };
  let batches = 0;
  for (const logType of ['client', 'audit'] as LogType[]) {
    for (;;) {
      const batch = await deleteExpiredLogs({ logType });
      batches++;
      total.batches++;
      total.rowsDeleted += batch.rowsDeleted;
      total.partitionsDropped.push(...batch.partitionsDropped);
      total.holds = Math.max(total.holds, batch.holds);
      if (batch.done) break;
      if (batches >= BATCHES_PER_RUN) return continueAsNew<typeof cleanUpLogs>(total);
    }
  }
  return total;
}
