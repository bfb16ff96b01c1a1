// Small value formatters shared by the pages.
export function orDash(value: string | null | undefined): string {
  return value ?? '—';
}

export function megabytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${(bytes / 1_048_576).toFixed(2)} MiB`;
}

/** Where an export writes: `s3://bucket/prefix/folder`. */
export function s3Location(destination: { bucket: string; prefix: string }, folder = ''): string {
  return `s3://${destination.bucket}/${[destination.prefix, folder].filter(Boolean).join('/')}`;
}
