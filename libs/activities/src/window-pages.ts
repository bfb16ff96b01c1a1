// The records of one slice of a window, as the encoder takes them: lines (JSON Stream, CSV) written
// by the database where it can write them (see libs/formats databaseLineSpec), records otherwise. Used
// by the upload activity, and by the admin app's preview, so a preview shows exactly the lines
// an export writes.
import { type EncodingOptions, type RecordBatches, databaseLineSpec } from '@log-exporter/formats';
import type { CursorRange, LogRepository, WindowScope } from '@log-exporter/store';

export function windowPages(
  logs: Pick<LogRepository, 'linePages' | 'clientLogPages' | 'auditLogPages'>,
  encoding: EncodingOptions,
  scope: WindowScope,
  range: CursorRange,
  pageSize?: number,
): RecordBatches {
  const lineSpec = databaseLineSpec(encoding);
  if (lineSpec) return logs.linePages(encoding.logType, scope, range, lineSpec, pageSize);
  return encoding.logType === 'client'
    ? logs.clientLogPages(scope, range, pageSize)
    : logs.auditLogPages(scope, range, pageSize);
}
