// Field projection: which fields an export writes, in which order, after include/exclude.
// An excluded field is absent (no JSON key, no CSV column). The `namespace` and `repository`
// groups also blank their part of `repository` and of `uri` where it appears as a path segment.
// IP handling (truncate, hash) rewrites the IP fields the projection keeps.
import {
  AUDIT_LOG_FIELDS,
  CLIENT_LOG_CSV_FIELDS,
  CLIENT_LOG_FIELDS,
  FIELD_GROUP_FIELDS,
  type FieldGroup,
  IP_FIELDS,
  type Format,
  type LogType,
} from '@log-exporter/schemas';
import type { IpRewrite } from './ip-handling';

export type LogRecord = Record<string, unknown>;

/** What replaces an excluded namespace or repository segment inside a `uri`. */
export const REDACTED_SEGMENT = '-';

export interface Projection {
  /** Output fields in order. */
  readonly fields: readonly string[];
  /** Rewrites a record for output; null when records are written as they are. */
  readonly apply: ((record: LogRecord) => LogRecord) | null;
}

/** The fields a format writes for a log type before exclusions (CSV: the seed's columns only). */
export function baseFields(logType: LogType, format: Format): readonly string[] {
  if (logType === 'audit') return AUDIT_LOG_FIELDS;
  return format === 'csv' ? CLIENT_LOG_CSV_FIELDS : CLIENT_LOG_FIELDS;
}

export function createProjection(
  logType: LogType,
  format: Format,
  exclude: readonly FieldGroup[],
  ipRewrite: IpRewrite | null = null,
): Projection {
  const removed = new Set<string>(exclude.flatMap((group) => FIELD_GROUP_FIELDS[group]));
  const hideNamespace = logType === 'client' && exclude.includes('namespace');
  const hideRepository = logType === 'client' && exclude.includes('repository');
  if (hideRepository) removed.add('repository');
  const fields = baseFields(logType, format).filter((f) => !removed.has(f));
  const ipFields = ipRewrite === null ? [] : IP_FIELDS.filter((f) => fields.includes(f));
  const rewritesPaths = hideNamespace || hideRepository;

  if (!rewritesPaths && ipFields.length === 0) return { fields, apply: null };

  const rewriteIps = (record: LogRecord): LogRecord => {
    for (const field of ipFields) {
      const value = record[field];
      if (typeof value === 'string' && value !== '') record[field] = (ipRewrite as IpRewrite)(value);
    }
    return record;
  };
  if (!rewritesPaths) return { fields, apply: (record) => rewriteIps({ ...record }) };

  return {
    fields,
    apply: (record) => {
      const path = String(record.repository ?? '');
      const slash = path.indexOf('/');
      const namespace = path.slice(0, slash);
      const repository = path.slice(slash + 1);
      const out: LogRecord = { ...record };
      if (!hideRepository) out.repository = repository;
      if (typeof record.uri === 'string') {
        out.uri = redactUriSegments(record.uri, hideNamespace ? namespace : null, hideRepository ? repository : null);
      }
      return rewriteIps(out);
    },
  };
}

/** Replaces whole path segments equal to the namespace or repository slug (query string untouched). */
export function redactUriSegments(uri: string, namespace: string | null, repository: string | null): string {
  const query = uri.search(/[?#]/);
  const path = query === -1 ? uri : uri.slice(0, query);
  const rest = query === -1 ? '' : uri.slice(query);
  const segments = path
    .split('/')
    .map((segment) =>
      (namespace !== null && segment === namespace) || (repository !== null && segment === repository)
        ? REDACTED_SEGMENT
        : segment,
    );
  return segments.join('/') + rest;
}
