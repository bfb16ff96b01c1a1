// backfillExport: every window of a range, a few at a time. Each window runs under its own
// window workflow ID, so a window is exported once however many backfills, schedules or manual
// runs ask for it; the `progress` query shows where the backfill is.
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import type { BackfillInput, BackfillProgress } from '@log-exporter/schemas';
import { BACKFILL_PROGRESS_QUERY } from '@log-exporter/schemas/workflow';
import { runWindowChild } from './window-children';

export const progressQuery = defineQuery<BackfillProgress>(BACKFILL_PROGRESS_QUERY);

export async function backfillExport(input: BackfillInput): Promise<BackfillProgress> {
  const windows: BackfillProgress['windows'] = input.windowStarts.map((windowStart) => ({
    windowStart,
    outcome: 'pending',
  }));
  const progress = (): BackfillProgress => {
    const count = (outcome: string) => windows.filter((w) => w.outcome === outcome).length;
    return {
      total: windows.length,
      succeeded: count('succeeded'),
      failed: count('failed'),
      alreadyDone: count('already-running-or-done'),
      running: count('running'),
      pending: count('pending'),
      windows: windows.map((w) => ({ ...w })),
    };
  };
  setHandler(progressQuery, progress);

  const concurrency = Math.max(1, Math.min(input.concurrency, 32));
  let next = 0;
  const lane = async () => {
    while (next < windows.length) {
      const window = windows[next++] as BackfillProgress['windows'][number];
      window.outcome = 'running';
      const { outcome, message } = await runWindowChild({
        exportId: input.exportId,
        organization: input.organization,
        logType: input.logType,
        windowStart: window.windowStart,
      });
      window.outcome = outcome;
      if (message) window.message = message;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, windows.length) }, lane));
  await condition(() => windows.every((w) => w.outcome !== 'running' && w.outcome !== 'pending'));
  return progress();
}
