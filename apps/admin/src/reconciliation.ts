// What ops see of completeness: per window, records delivered and records stored but not yet
// delivered (late ones, or a window that failed), and the export's `degraded` health while a
// window of the late horizon waits for records. Counted on request from the store (the ingest
// sequence against each window's delivered cut), so a late record shows the moment it is stored.
import type { ExportConfig, Run } from '@log-exporter/schemas';
import { type Store, reconcileWindow } from '@log-exporter/store';

export interface ReconciliationSettings {
  /** Windows this recent are corrected by the next scheduled run. */
  lateHorizonMs: number;
  /** A window is due this long after it closes; younger ones are not counted as waiting. */
  settleDelayMs: number;
}

export interface WindowReconciliation {
  windowStart: string;
  deliveredRecords: number;
  undeliveredRecords: number;
}

export interface ExportReconciliation {
  /** Records stored but not delivered, over the windows examined. */
  undeliveredRecords: number;
  /** The windows that have any, newest first. */
  windows: WindowReconciliation[];
  /**
   * Of those, windows older than the late horizon: no scheduled run picks them up (a run request
   * for the window does); counted so they are never dropped silently.
   */
  beyondHorizon: { windows: number; records: number };
  /** Why the export is degraded, in plain words; null when nothing waits. */
  degradedReason: string | null;
}

/** A run worth counting: the window is due (closed and settled) and not being exported now. */
function due(run: Run, now: number, settleDelayMs: number): boolean {
  return run.status !== 'running' && Date.parse(run.window.end) + settleDelayMs <= now;
}

export async function reconcileRuns(
  store: Store,
  config: ExportConfig,
  runs: readonly Run[],
): Promise<Map<string, WindowReconciliation>> {
  const byWindow = new Map<string, WindowReconciliation>();
  for (const run of runs) {
    byWindow.set(run.window.start, {
      windowStart: run.window.start,
      ...(await reconcileWindow(store.logs, config, run)),
    });
  }
  return byWindow;
}

/**
 * The export's windows of the late horizon (`horizonOnly`, cheap enough for a list of exports) or
 * every run on record, reconciled.
 */
export async function reconcileExport(
  store: Store,
  config: ExportConfig,
  settings: ReconciliationSettings,
  options: { horizonOnly: boolean; now?: number },
): Promise<ExportReconciliation> {
  const now = options.now ?? Date.now();
  const horizonStart = new Date(now - settings.lateHorizonMs).toISOString();
  const runs = (
    await store.runs.list(config.id, options.horizonOnly ? { since: horizonStart, limit: 1_000 } : { limit: 1_000 })
  ).filter((run) => due(run, now, settings.settleDelayMs));
  const reconciled = [...(await reconcileRuns(store, config, runs)).values()].filter((w) => w.undeliveredRecords > 0);
  const beyond = reconciled.filter((w) => w.windowStart < horizonStart);
  const undeliveredRecords = reconciled.reduce((sum, w) => sum + w.undeliveredRecords, 0);
  const within = reconciled.filter((w) => w.windowStart >= horizonStart);
  let degradedReason: string | null = null;
  if (within.length > 0) {
    const records = within.reduce((sum, w) => sum + w.undeliveredRecords, 0);
    degradedReason =
      `${records} stored record(s) of ${within.length} window(s) not delivered yet ` +
      `(oldest ${within[within.length - 1]!.windowStart}): the next scheduled run delivers them, or ` +
      `request a run of the window now`;
  } else if (beyond.length > 0) {
    degradedReason =
      `${beyond.reduce((sum, w) => sum + w.undeliveredRecords, 0)} stored record(s) of ${beyond.length} ` +
      `window(s) older than the late horizon are not delivered: request a run of each window to deliver them`;
  }
  return {
    undeliveredRecords,
    windows: reconciled,
    beyondHorizon: { windows: beyond.length, records: beyond.reduce((sum, w) => sum + w.undeliveredRecords, 0) },
    degradedReason,
  };
}
