// Turns our errors into Temporal failures: an ExportFailure keeps its type and says whether a
// retry can help; anything else is left to the activity's retry policy.
import { ApplicationFailure } from '@temporalio/common';
import { ExportFailure, NON_RETRYABLE_ERROR_TYPES } from '@log-exporter/schemas';

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ExportFailure) {
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: !err.retryable || NON_RETRYABLE_ERROR_TYPES.includes(err.type),
    });
  }
  return err;
}
