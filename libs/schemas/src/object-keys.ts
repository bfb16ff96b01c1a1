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
  parquet: 'parquet',
};

const COMPRESSION_SUFFIXES: Record<Compression, string> = { gzip: '.gz', zstd: '.zst', none: '' };

export function fileExtension(format: Format, compression: Compression): string {
  return `${FORMAT_EXTENSIONS[format]}${COMPRESSION_SUFFIXES[compression]}`;
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

/** `s3://bucket/prefix/folder/`: where an export's windows go (the table LOCATION, the notification's destination). */
export function exportFolderUrl(destination: { bucket: string; prefix: string }, folder: string): string {
  const path = [destination.prefix, folder].filter(Boolean).join('/');
  return `s3://${destination.bucket}/${path ? `${path}/` : ''}`;
}

export function manifestObjectKey(layout: ObjectKeyLayout, window: ExportWindow): string {
  return windowFolderKey(layout, window) + manifestFileName(layout.exportId, windowStamp(window, layout.cadence));
}

/** What a file name in a window folder is, read back from the names the functions above write. */
export type WindowFileName =
  | { kind: 'manifest'; exportId: string; stamp: string }
  | { kind: 'part'; logType: LogType; exportId: string; stamp: string; partNumber: number };

const MANIFEST_FILE = /^_manifest_(exp_[a-z0-9]+)_(\d{4}-\d{2}-\d{2}(?:T\d{2})?)\.json$/;
const PART_FILE = /^(client|audit)_(exp_[a-z0-9]+)_(\d{4}-\d{2}-\d{2}(?:T\d{2})?)_part(\d{5})\.[a-z.]+$/;

export function parseWindowFileName(name: string): WindowFileName | undefined {
  const manifest = MANIFEST_FILE.exec(name);
  if (manifest) return { kind: 'manifest', exportId: manifest[1] as string, stamp: manifest[2] as string };
  const part = PART_FILE.exec(name);
  if (part)
    return {
      kind: 'part',
      logType: part[1] as LogType,
      exportId: part[2] as string,
      stamp: part[3] as string,
      partNumber: Number(part[4]),
    };
  return undefined;
}

/** The manifest's file name for a window stamp (the last segment of `manifestObjectKey`). */
export function manifestFileName(exportId: string, stamp: string): string {
  return `_manifest_${exportId}_${stamp}.json`;
}

/** The `dt=` day of a key inside a window folder, if it is in one. */
export function partitionDayOf(key: string): string | undefined {
  return /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
}
