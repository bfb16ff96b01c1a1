// Preview: the first lines of a window exactly as the export writes them (format, exclusions,
// IP handling, repository scope, the database-written JSON lines), uncompressed, written nowhere. The records
// come from the same query and encoder as an upload's first part, so the lines equal the start of
// the window's first object when the whole window is exported.
import { exportEncoding, windowPages } from '@log-exporter/activities';
import { encodeToStream } from '@log-exporter/formats';
import {
  type ExportConfig,
  type ExportWindow,
  previousWindow,
  windowContaining,
  windowStartingAt,
} from '@log-exporter/schemas';
import type { AdminDeps } from './admin-deps';
import { HttpError } from './http/http-error';

export const PREVIEW_MAX_LINES = 100;
export const PREVIEW_DEFAULT_LINES = 10;

/**
 * What a preview is of: an export (with its id, so hashed IPs show the export's own pseudonyms),
 * or the settings of one not created yet (the new-export form).
 */
export type PreviewSettings = Pick<
  ExportConfig,
  'logType' | 'format' | 'exclude' | 'ipHandling' | 'repositories' | 'organization' | 'cadence'
> & { id?: string };

export interface Preview {
  window: ExportWindow;
  /** The export's format (the lines of a Parquet preview are JSON). */
  format: ExportConfig['format'];
  /** Records in the whole window (the preview shows the first `records` of them). */
  windowRecords: number;
  records: number;
  lines: string[];
}

/** The window asked for (a date, or an hour for hourly exports), else the last closed one. */
export function previewWindow(
  cadence: ExportConfig['cadence'],
  window: string | undefined,
  now = Date.now(),
): ExportWindow {
  if (window === undefined) return previousWindow(cadence, windowContaining(cadence, now));
  try {
    return windowStartingAt(cadence, window);
  } catch (err) {
    throw new HttpError(400, 'invalid_request', (err as Error).message, [
      { path: 'body.window', message: (err as Error).message },
    ]);
  }
}

/** The first `limit` items of the window's stable order: one page, as the first part reads them. */
async function firstPage<T>(pages: AsyncIterable<readonly T[]> | Iterable<readonly T[]>, limit: number): Promise<T[]> {
  for await (const page of pages) return page.slice(0, limit);
  return [];
}

export async function previewLines(
  deps: Pick<AdminDeps, 'store'>,
  settings: PreviewSettings,
  window: ExportWindow,
  limit = PREVIEW_DEFAULT_LINES,
): Promise<Preview> {
  const scope = {
    logType: settings.logType,
    organization: settings.organization,
    repositories: settings.repositories,
    window,
  };
  // Parquet is binary: its preview shows each row as a JSON Stream line, the same columns and values.
  const lineFormat = settings.format === 'parquet' ? 'json' : settings.format;
  const encoding = await exportEncoding(deps.store.exports, settings.id ?? null, { ...settings, format: lineFormat });
  const first = await firstPage(
    windowPages(deps.store.logs, encoding, scope, { after: null, until: null }, limit),
    limit,
  );
  const chunks: Buffer[] = [];
  for await (const chunk of encodeToStream([first], { ...encoding, compression: 'none' }))
    chunks.push(Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString('utf8');
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  return {
    window,
    format: settings.format,
    windowRecords: await deps.store.logs.countInWindow(scope),
    records: first.length,
    lines,
  };
}
