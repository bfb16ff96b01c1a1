// How an export's lines are encoded: its log type, format and field settings, plus, for
// `ipHandling: "hash"`, its secret key. The key is read from the store here, in the activity, so
// it never travels through workflow history. Shared by the upload activity and the admin preview.
import { randomBytes } from 'node:crypto';
import type { EncodingOptions } from '@log-exporter/formats';
import { type FieldGroup, type Format, type IpHandling, type LogType, settleIpHandling } from '@log-exporter/schemas';
import type { ExportRepository } from '@log-exporter/store';

export interface EncodingSettings {
  logType: LogType;
  format: Format;
  exclude: readonly string[];
  /** Absent in histories recorded before IP handling: `drop` if `exclude` lists `ip`, else `keep`. */
  ipHandling?: IpHandling;
}

/**
 * The encoding for `exportId`'s settings. With `exportId` null (settings of an export not created
 * yet, for a preview) pseudonyms use a throwaway key: their values differ from the export's.
 */
export async function exportEncoding(
  exports: Pick<ExportRepository, 'ipHashKey'>,
  exportId: string | null,
  settings: EncodingSettings,
): Promise<EncodingOptions> {
  const exclude = settings.exclude as FieldGroup[];
  const ipHandling = settings.ipHandling ?? settleIpHandling(null, { exclude }).ipHandling;
  const encoding: EncodingOptions = { logType: settings.logType, format: settings.format, exclude, ipHandling };
  if (ipHandling !== 'hash') return encoding;
  const key = exportId === null ? randomBytes(32) : await exports.ipHashKey(exportId);
  if (!key) throw new Error(`export ${exportId} has no IP pseudonym key: it does not exist`);
  return { ...encoding, ipHashKey: key };
}
