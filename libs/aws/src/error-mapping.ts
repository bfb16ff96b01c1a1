// Maps AWS SDK errors to our failure types: misconfiguration an operator must fix (permanent,
// never retried) versus faults that pass (throttling, 5xx, network: retried with backoff).
// AWS often reports AccessDenied as a generic service exception with `name` set, so we look at
// the error name, the code and the HTTP status, not the class.
import { ExportFailure, PermanentErrorType } from '@log-exporter/schemas';

interface AwsErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  Region?: string;
}

const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'IDPCommunicationError',
  'TimeoutError',
  'AbortError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'RequestTimeTooSkewed',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

function shape(err: unknown): AwsErrorShape {
  return err !== null && typeof err === 'object' ? (err as AwsErrorShape) : {};
}

function errorName(err: AwsErrorShape): string {
  return err.name ?? err.Code ?? err.code ?? 'Error';
}

function status(err: AwsErrorShape): number | undefined {
  return err.$metadata?.httpStatusCode;
}

function isTransient(err: AwsErrorShape): boolean {
  const name = errorName(err);
  const code = err.code ?? '';
  const httpStatus = status(err);
  if (TRANSIENT_NAMES.has(name) || NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) return true;
  if (httpStatus === undefined) return true; // no response at all: the network, not the request
  return httpStatus >= 500 || httpStatus === 408 || httpStatus === 429;
}

function describe(err: AwsErrorShape): string {
  const httpStatus = status(err);
  return `${errorName(err)}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${err.message ?? 'no message'}`;
}

/** Failure of STS AssumeRole on the customer's role. */
export function mapAssumeRoleError(err: unknown, roleArn: string, exporterAccountId: string): ExportFailure {
  const e = shape(err);
  const name = errorName(e);
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || status(e) === 403) {
    return ExportFailure.permanent(
      PermanentErrorType.RoleNotAssumable,
      `cannot assume role ${roleArn}: AWS said ${describe(e)}. Check that the role exists in the customer's account, ` +
        `that its trust policy names arn:aws:iam::${exporterAccountId}:root with sts:AssumeRole, and that its ` +
        `sts:ExternalId condition equals the External ID we issued for this destination.`,
      err,
    );
  }
  if (name === 'RegionDisabledException') {
    return ExportFailure.permanent(
      PermanentErrorType.RoleNotAssumable,
      `cannot assume role ${roleArn}: STS is not activated in this region (${describe(e)}).`,
      err,
    );
  }
  if (isTransient(e)) return ExportFailure.transient(`AssumeRole on ${roleArn} failed for now: ${describe(e)}`, err);
  return ExportFailure.permanent(
    PermanentErrorType.AwsRequestRejected,
    `AssumeRole on ${roleArn} was rejected: ${describe(e)}`,
    err,
  );
}

/** Failure of an S3 write (PutObject, multipart upload) into the customer's bucket. */
export function mapS3WriteError(
  err: unknown,
  target: { bucket: string; key: string; region: string; roleArn: string },
): ExportFailure {
  const e = shape(err);
  const name = errorName(e);
  const where = `s3://${target.bucket}/${target.key}`;
  if (name === 'NoSuchBucket') {
    return ExportFailure.permanent(
      PermanentErrorType.BucketNotFound,
      `bucket "${target.bucket}" does not exist (writing ${where}). Check the bucket name on the destination, ` +
        `or ask the customer to create it.`,
      err,
    );
  }
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || status(e) === 403) {
    return ExportFailure.permanent(
      PermanentErrorType.WriteDenied,
      `role ${target.roleArn} may not write ${where}: AWS said ${describe(e)}. Check that the role's permission ` +
        `policy allows s3:PutObject and s3:PutObjectAcl on this prefix, and that no bucket policy or KMS key ` +
        `policy denies it.`,
      err,
    );
  }
  if (
    name === 'PermanentRedirect' ||
    name === 'AuthorizationHeaderMalformed' ||
    name === 'IllegalLocationConstraintException' ||
    status(e) === 301
  ) {
    const actual = e.Region ? ` (it is in ${e.Region})` : '';
    return ExportFailure.permanent(
      PermanentErrorType.WrongRegion,
      `bucket "${target.bucket}" is not in region ${target.region}${actual}: correct the destination's region.`,
      err,
    );
  }
  if (isTransient(e)) return ExportFailure.transient(`writing ${where} failed for now: ${describe(e)}`, err);
  return ExportFailure.permanent(
    PermanentErrorType.AwsRequestRejected,
    `writing ${where} was rejected: ${describe(e)}`,
    err,
  );
}
