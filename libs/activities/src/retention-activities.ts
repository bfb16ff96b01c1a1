// The log clean-up: raw rows are kept LOG_RETENTION after their window, then deleted in bounded
// batches, except the windows that still have records not delivered to some export (holds).
import type { Logger } from 'pino';
import {
  EXPORT_DEFAULTS,
  type LogType,
  type RetentionActivities,
  type RetentionBatchResult,
  windowRecordBounds,
} from '@log-exporter/schemas';
import { type RetentionHold, type Store, countUndelivered } from '@log-exporter/store';
import { toActivityFailure } from './activity-failures';

export interface RetentionSettings {
  /** How long rows are kept after their window ends. */
  logRetentionMs: number;
  /** Rows deleted per batch (one short transaction each). */
  retentionBatchSize: number;
}

export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = {
  logRetentionMs: EXPORT_DEFAULTS.logRetentionMs,
  retentionBatchSize: 5_000,
};

export interface RetentionActivityDeps {
  store: Store;
  logger: Logger;
  settings?: Partial<RetentionSettings>;
  /** The clock (tests move it). */
  now?: () => number;
}

/** Midnight UTC of the day `ms` falls in, as a canonical record timestamp. */
function dayStart(ms: number): string {
  const day = new Date(ms - (ms % 86_400_000)).toISOString();
  return windowRecordBounds({ start: day, end: day }).from;
}

export function createRetentionActivities(deps: RetentionActivityDeps): RetentionActivities {
  const settings = { ...DEFAULT_RETENTION_SETTINGS, ...deps.settings };
  const { store } = deps;
  const now = deps.now ?? Date.now;

  /** Windows past the cut-off that some export has not delivered in full. */
  async function holdsBefore(logType: LogType, before: string): Promise<RetentionHold[]> {
    const holds: RetentionHold[] = [];
    for (const config of await store.exports.list()) {
      if (config.logType !== logType) continue;
      for (const run of await store.runs.list(config.id, { limit: 100_000 })) {
        const bounds = windowRecordBounds(run.window);
        if (bounds.from >= before) continue;
        if ((await countUndelivered(store.logs, config, run)) > 0)
          holds.push({ organization: config.organization, ...bounds });
      }
    }
    return holds;
  }

  return {
    async deleteExpiredLogs(input: { logType: LogType }): Promise<RetentionBatchResult> {
      try {
        await store.retention.prepareAhead(); // keeps a week of day partitions ahead (PostgreSQL)
        const before = dayStart(now() - settings.logRetentionMs);
        const holds = await holdsBefore(input.logType, before);
        const { rows, partitionsDropped } = await store.retention.deleteExpired({
          logType: input.logType,
          before,
          holds,
          batchSize: settings.retentionBatchSize,
        });
        const result: RetentionBatchResult = {
          logType: input.logType,
          before,
          rowsDeleted: rows,
          partitionsDropped,
          holds: holds.length,
          done: rows < settings.retentionBatchSize,
        };
        deps.logger.info(result, 'deleted expired log rows');
        return result;
      } catch (err) {
        throw toActivityFailure(err);
      }
    },
  };
}
