// Failure types an export can end with. Permanent ones are misconfiguration an operator must fix:
// retrying them changes nothing, so activities raise them as non-retryable failures.

export const PermanentErrorType = {
  /** The export was deleted (or never existed). */
  ExportNotFound: 'ExportNotFound',
  /** The export's destination was deleted. */
  DestinationNotFound: 'DestinationNotFound',
  /** The window is malformed or not aligned to the export's cadence. */
  InvalidWindow: 'InvalidWindow',
  /** STS refused AssumeRole: role missing, trust policy or External ID wrong. */
  RoleNotAssumable: 'RoleNotAssumable',
  /** The bucket does not exist. */
  BucketNotFound: 'BucketNotFound',
  /** The role may not write there (permission policy, bucket policy, KMS key). */
  WriteDenied: 'WriteDenied',
  /** The bucket lives in another region than the destination says. */
  WrongRegion: 'WrongRegion',
  /** Stored configuration that does not parse. */
  InvalidConfiguration: 'InvalidConfiguration',
  /** AWS refused the request as malformed or not allowed (any other 4xx): retrying will not help. */
  AwsRequestRejected: 'AwsRequestRejected',
} as const;
export type PermanentErrorType = (typeof PermanentErrorType)[keyof typeof PermanentErrorType];

/** The one list of failure types that must never be retried (activity retry policies use it). */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = Object.values(PermanentErrorType);

/** Transient faults (throttling, 5xx, network): retried with backoff. */
export const TRANSIENT_ERROR_TYPE = 'TransientAwsError';

/** Our own database lost or busy (a failover, a restart, a locked SQLite file): retried with backoff. */
export const DATABASE_UNAVAILABLE_ERROR_TYPE = 'DatabaseUnavailable';

/**
 * An error that knows its failure type and whether retrying can help. Libraries throw it; the
 * activities turn it into a Temporal failure of the same type.
 */
export class ExportFailure extends Error {
  override readonly name = 'ExportFailure';
  constructor(
    readonly type: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static permanent(type: PermanentErrorType, message: string, cause?: unknown): ExportFailure {
    return new ExportFailure(type, message, false, { cause });
  }

  static transient(message: string, cause?: unknown): ExportFailure {
    return new ExportFailure(TRANSIENT_ERROR_TYPE, message, true, { cause });
  }
}

const FAILURE_EXPLANATIONS: Record<string, string> = {
  [PermanentErrorType.ExportNotFound]: 'The export was deleted.',
  [PermanentErrorType.DestinationNotFound]: "The export's destination was deleted: point the export at another one.",
  [PermanentErrorType.InvalidWindow]:
    'The window asked for does not fit the export (a day for daily exports, an hour for hourly ones).',
  [PermanentErrorType.RoleNotAssumable]:
    'We could not assume your IAM role: check that it exists, that its trust policy names our account, and that it requires the External ID we gave you.',
  [PermanentErrorType.BucketNotFound]: 'The bucket does not exist, or its name is misspelt in the destination.',
  [PermanentErrorType.WriteDenied]:
    "Your role may not write to the bucket under the destination's prefix: check its permission policy, the bucket policy and any KMS key policy.",
  [PermanentErrorType.WrongRegion]:
    "The bucket is in another region than the destination says: correct the destination's region.",
  [PermanentErrorType.InvalidConfiguration]: "The export's stored settings are not valid: ask us to look at it.",
  [PermanentErrorType.AwsRequestRejected]:
    'AWS refused our request as not allowed or malformed: retrying will not help until the setup changes.',
  [TRANSIENT_ERROR_TYPE]:
    'AWS kept failing or throttling us for hours: the window is retried by the next scheduled runs.',
  [DATABASE_UNAVAILABLE_ERROR_TYPE]:
    'Our own database was unavailable: we are on it, and the window is retried by the next scheduled runs.',
};

/** What a failure type means to the customer, and what to do about it, in plain words. */
export function explainFailure(type: string | null): string {
  return (
    (type && FAILURE_EXPLANATIONS[type]) ||
    'The export failed for a reason we did not foresee: we are looking into it, and the window is retried by the next scheduled runs.'
  );
}

/** Failure type of a POST that retrying cannot fix (refused address, 4xx, redirect). */
export const NOTIFICATION_REFUSED_ERROR_TYPE = 'NotificationRefused';
/** Failure type of a POST worth retrying (5xx, 408, 429, timeout, unreachable). */
export const NOTIFICATION_UNDELIVERED_ERROR_TYPE = 'NotificationUndelivered';
