// Where a window's files go in the customer's bucket. Keys are pure functions of (export, window,
// part number), so re-running a window overwrites the same keys instead of adding copies.
//
//   <prefix>/<folder>/dt=2026-11-25/client_exp_7k3m9q2x4w8z_2026-11-25_part00001.csv.gz
//   <prefix>/<folder>/dt=2026-11-25/_manifest_exp_7k3m9q2x4w8z_2026-11-25.json
//   hourly: .../dt=2026-11-25/hour=13/client_exp_…_2026-11-25T13_part00001.jsonl.gz
//
// `dt=`/`hour=` are Hive-style partitions that Athena, Glue and Spark pick up; the manifest's
// leading underscore makes those tools skip it when they read the data files.
import type { Cadence, Compression, Format, LogType } from './export-options';
import type { ExportWindow } from './windows';

const FORMAT_EXTENSIONS: Record<Format, string> = {
  csv: 'csv',
  json: 'jsonl',
  'json-ts': 'log',
  apache: 'log',
};

export function fileExtension(format: Format, compression: Compression): string {
  return compression === 'gzip' ? `${FORMAT_EXTENSIONS[format]}.gz` : FORMAT_EXTENSIONS[format];
}

export interface ObjectKeyLayout {
  /** Destination prefix without trailing slash; may be empty. */
  prefix: string;
  /** The export's folder without trailing slash; may be empty. */
  folder: string;
  exportId: string;
  logType: LogType;
  format: Format;
  compression: Compression;
  cadence: Cadence;
}

/** `2026-11-25` for daily windows, `2026-11-25T13` for hourly ones. */
export function windowStamp(window: ExportWindow, cadence: Cadence): string {
  return cadence === 'daily' ? window.start.slice(0, 10) : window.start.slice(0, 13);
}

/** The folder holding one window's files and manifest, with a trailing slash. */
export function windowFolderKey(layout: ObjectKeyLayout, window: ExportWindow): string {
  const partition =
    layout.cadence === 'daily'
      ? `dt=${window.start.slice(0, 10)}/`
      : `dt=${window.start.slice(0, 10)}/hour=${window.start.slice(11, 13)}/`;
  return (
    [layout.prefix, layout.folder]
      .filter((s) => s !== '')
      .map((s) => `${s}/`)
      .join('') + partition
  );
}

export function partObjectKey(layout: ObjectKeyLayout, window: ExportWindow, partNumber: number): string {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 99_999) {
    throw new Error(`part number ${partNumber} is outside 1..99999`);
  }
  const part = String(partNumber).padStart(5, '0');
  return (
    windowFolderKey(layout, window) +
    `${layout.logType}_${layout.exportId}_${windowStamp(window, layout.cadence)}_part${part}.` +
    fileExtension(layout.format, layout.compression)
  );
}

export function manifestObjectKey(layout: ObjectKeyLayout, window: ExportWindow): string {
  return windowFolderKey(layout, window) + `_manifest_${layout.exportId}_${windowStamp(window, layout.cadence)}.json`;
}
