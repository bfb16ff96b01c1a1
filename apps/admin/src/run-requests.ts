// "Run now" for one window and backfills over a range: idempotent starts of the window workflow.
import {
  type ExportConfig,
  exportWindowWorkflowId,
  windowStartingAt,
  windowsStartingBetween,
} from '@log-exporter/schemas';
import type { AdminDeps } from './admin-deps';
import { HttpError } from './http/http-error';
import type { StartedWindow } from './temporal-gateway';

export type RunRequest = { window: string; rerun?: boolean } | { from: string; to: string };

function windowsOf(config: ExportConfig, request: RunRequest): string[] {
  try {
    if ('window' in request) return [windowStartingAt(config.cadence, request.window).start];
    const windows = windowsStartingBetween(config.cadence, request.from, request.to);
    return windows.map((w) => w.start);
  } catch (err) {
    const field = 'window' in request ? 'window' : (err as Error).message.startsWith('to ') ? 'to' : 'from';
    throw new HttpError(400, 'invalid_request', (err as Error).message, [
      { path: `body.${field}`, message: (err as Error).message },
    ]);
  }
}

export interface RequestedRuns {
  windows: (StartedWindow & { temporalUrl: string })[];
  /** The backfill workflow running the windows of a range; absent for a single window. */
  backfill?: { workflowId: string; temporalUrl: string };
}

/**
 * One window: started (or joined) now. A range: one backfill workflow that runs its windows a few
 * at a time; every window keeps its own workflow ID, so nothing is exported twice.
 */
export async function requestRuns(deps: AdminDeps, config: ExportConfig, request: RunRequest): Promise<RequestedRuns> {
  const windows = windowsOf(config, request);
  if (windows.length === 0) {
    throw new HttpError(400, 'invalid_request', 'no window starts between from and to', [
      { path: 'body.to', message: 'must not be before from' },
    ]);
  }
  if (windows.length > deps.settings.maxBackfillWindows) {
    throw new HttpError(
      400,
      'invalid_request',
      `${windows.length} windows requested; at most ${deps.settings.maxBackfillWindows} per request`,
      [{ path: 'body.to', message: `range covers more than ${deps.settings.maxBackfillWindows} windows` }],
    );
  }
  try {
    if ('window' in request) {
      const s = await deps.temporal.startWindow({
        exportId: config.id,
        windowStart: windows[0] as string,
        organization: config.organization,
        logType: config.logType,
        ...(request.rerun ? { rerun: true } : {}),
      });
      deps.logger.info({ exportId: config.id, window: s.windowStart, status: s.status }, 'export window requested');
      return { windows: [{ ...s, temporalUrl: deps.temporal.workflowUrl(s.workflowId) }] };
    }
    const backfill = await deps.temporal.startBackfill({
      exportId: config.id,
      organization: config.organization,
      logType: config.logType,
      windowStarts: windows,
    });
    deps.logger.info(
      { exportId: config.id, windows: windows.length, first: windows[0], workflowId: backfill.workflowId },
      'backfill requested',
    );
    return {
      windows: windows.map((windowStart) => {
        const workflowId = exportWindowWorkflowId(config.id, windowStart);
        return {
          windowStart,
          workflowId,
          status: 'running' as const,
          temporalUrl: deps.temporal.workflowUrl(workflowId),
        };
      }),
      backfill: { workflowId: backfill.workflowId, temporalUrl: deps.temporal.workflowUrl(backfill.workflowId) },
    };
  } catch (err) {
    deps.logger.error({ exportId: config.id, err: (err as Error).message }, 'could not start export windows');
    throw new HttpError(503, 'temporal_unavailable', `Temporal did not accept the start: ${(err as Error).message}`, [
      { path: 'temporal', message: 'nothing was started; try again when Temporal answers' },
    ]);
  }
}
