import type { Compression, Format } from '@log-exporter/schemas';

/**
 * Content-Type of a data object: compressed files are stored as such (gzip, zstd), so their
 * SHA-256 is of those bytes.
 */
export function contentTypeFor(format: Format, compression: Compression): string {
  if (compression === 'gzip') return 'application/gzip';
  if (compression === 'zstd') return 'application/zstd';
  switch (format) {
    case 'csv':
      return 'text/csv; charset=utf-8';
    case 'json':
      return 'application/x-ndjson; charset=utf-8';
    case 'json-ts':
    case 'apache':
      return 'text/plain; charset=utf-8';
    case 'parquet':
      // Registered with IANA in 2024 (its pages are compressed inside; the object is not).
      return 'application/vnd.apache.parquet';
  }
}
