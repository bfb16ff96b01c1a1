// The enumerations an export is configured with, and the field groups customers include or exclude.
import { z } from 'zod';

export const logTypeSchema = z.enum(['client', 'audit']);
export type LogType = z.infer<typeof logTypeSchema>;

/** csv, JSON Stream, JSON Stream + Timestamp, Apache combined (client logs only), Parquet. */
export const formatSchema = z.enum(['csv', 'json', 'json-ts', 'apache', 'parquet']);
export type Format = z.infer<typeof formatSchema>;
/** The formats that write one record per text line (all but Parquet). */
export type LineFormat = Exclude<Format, 'parquet'>;

/** Compression of the whole object. Parquet compresses inside the file: its objects take `none`. */
export const compressionSchema = z.enum(['gzip', 'zstd', 'none']);
export type Compression = z.infer<typeof compressionSchema>;

/** The codec of a Parquet file's pages (zstd by default; snappy for readers without zstd). */
export const parquetCompressionSchema = z.enum(['zstd', 'snappy']);
export type ParquetCompression = z.infer<typeof parquetCompressionSchema>;
/** The codec of a new Parquet export's pages. */
export const DEFAULT_PARQUET_COMPRESSION: ParquetCompression = 'zstd';

/** Formats whose files compress themselves, so the object's `compression` must be `none`. */
export function formatCompressesItself(format: Format): boolean {
  return format === 'parquet';
}

/** The object compression an export gets when it names none: gzip, or none for Parquet. */
export function defaultCompression(format: Format): Compression {
  return formatCompressesItself(format) ? 'none' : 'gzip';
}

export const cadenceSchema = z.enum(['daily', 'hourly']);
export type Cadence = z.infer<typeof cadenceSchema>;

export const fieldGroupSchema = z.enum(['eula', 'geo', 'ip', 'namespace', 'repository']);
export type FieldGroup = z.infer<typeof fieldGroupSchema>;

/**
 * What an export writes for the IP address fields (`ip_address`, `actor_ip_address`): the address
 * as stored, its network only (IPv4 /24, IPv6 /48), a keyed pseudonym stable within the export,
 * or nothing (`drop`, the same as excluding the `ip` field group).
 */
export const ipHandlingSchema = z.enum(['keep', 'truncate', 'hash', 'drop']);
export type IpHandling = z.infer<typeof ipHandlingSchema>;

/** The fields IP handling rewrites (and the `ip` field group removes). */
export const IP_FIELDS = ['ip_address', 'actor_ip_address'] as const;

/**
 * Plain fields each group removes. `namespace` and `repository` also rewrite `repository` and
 * `uri` (see libs/formats), so they are listed here only for the fields they remove outright.
 */
export const FIELD_GROUP_FIELDS: Record<FieldGroup, readonly string[]> = {
  eula: ['eula', 'eula_number'],
  geo: ['city', 'country', 'continent', 'actor_location'],
  ip: IP_FIELDS,
  namespace: [],
  repository: [],
};

/** Formats that can carry a log type: Apache lines describe HTTP requests, so client logs only. */
export function formatSupportsLogType(format: Format, logType: LogType): boolean {
  return !(format === 'apache' && logType === 'audit');
}
