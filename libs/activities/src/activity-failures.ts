// Turns our errors into Temporal failures: an ExportFailure keeps its type and says whether a
// retry can help; a lost or busy database is named as such (and retried); anything else is left
// to the activity's retry policy.
import { ApplicationFailure } from '@temporalio/common';
import { DATABASE_UNAVAILABLE_ERROR_TYPE, ExportFailure, NON_RETRYABLE_ERROR_TYPES } from '@log-exporter/schemas';

/** Error codes of a database that is gone or busy for now: SQLite's, Node's socket ones, PostgreSQL's SQLSTATEs. */
const UNAVAILABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000', // connection_exception
  '08001',
  '08003',
  '08006',
  '55P03', // lock_not_available (a partition being created)
]);

/** Read by shape, not `instanceof`: Node's socket errors may come from another realm. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|not queryable|database is locked|the database system is (starting up|shutting down)/i.test(
      message,
    )
  );
}

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ExportFailure) {
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: !err.retryable || NON_RETRYABLE_ERROR_TYPES.includes(err.type),
    });
  }
  if (isDatabaseUnavailable(err)) {
    return ApplicationFailure.create({
      type: DATABASE_UNAVAILABLE_ERROR_TYPE,
      message: `the database is unavailable (${String((err as { message?: unknown }).message)}): retried`,
      nonRetryable: false,
    });
  }
  return err;
}
