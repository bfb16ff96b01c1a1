// "Run now" for one window and backfills over a range: idempotent starts of the window workflow.
import { type ExportConfig, windowStartingAt, windowsStartingBetween } from '@log-exporter/schemas';
import type { AdminDeps } from './admin-deps';
import { HttpError } from './http/http-error';
import type { StartedWindow } from './temporal-gateway';

export type RunRequest = { window: string; rerun?: boolean } | { from: string; to: string; rerun?: boolean };

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

export async function requestRuns(
  deps: AdminDeps,
  config: ExportConfig,
  request: RunRequest,
): Promise<(StartedWindow & { temporalUrl: string })[]> {
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
  const started: (StartedWindow & { temporalUrl: string })[] = [];
  try {
    for (const windowStart of windows) {
      const s = await deps.temporal.startWindow({
        exportId: config.id,
        windowStart,
        organization: config.organization,
        logType: config.logType,
        ...(request.rerun ? { rerun: true } : {}),
      });
      started.push({ ...s, temporalUrl: deps.temporal.workflowUrl(s.workflowId) });
    }
  } catch (err) {
    deps.logger.error({ exportId: config.id, err: (err as Error).message }, 'could not start export windows');
    throw new HttpError(503, 'temporal_unavailable', `Temporal did not accept the start: ${(err as Error).message}`, [
      { path: 'temporal', message: `${started.length} of ${windows.length} windows started before the failure` },
    ]);
  }
  deps.logger.info({ exportId: config.id, windows: windows.length, first: windows[0] }, 'export windows requested');
  return started;
}
