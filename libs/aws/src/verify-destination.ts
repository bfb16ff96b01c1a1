// Checks a customer's setup the way an export will use it, and explains each failure in words an
// ops person can pass on: assume the role with the External ID, check that a wrong External ID
// is refused (a trust policy without the sts:ExternalId condition lets anyone who knows the role
// ARN have us write into the bucket: the confused deputy), then write a small object under the
// destination's prefix with the same headers exports use.
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type AwsEndpointSettings } from './aws-endpoint';
import { type CustomerCredentials, type CustomerRole } from './customer-credentials';
import { OBJECT_ACL } from './s3-writer';
import { mapS3WriteError } from './error-mapping';
import { ExportFailure } from '@log-exporter/schemas';

export interface VerificationStep {
  name: 'assume-role' | 'external-id-required' | 'write-object';
  ok: boolean;
  message: string;
}

export interface VerificationResult {
  ok: boolean;
  steps: VerificationStep[];
}

export interface DestinationToVerify {
  bucket: string;
  region: string;
  prefix: string;
  role: CustomerRole;
}

/** Where the check object goes: under the prefix, named so nobody mistakes it for log data. */
export function verificationObjectKey(prefix: string, at: Date): string {
  const name = `_log-exporter-verification_${at.toISOString().replace(/[:.]/g, '-')}.txt`;
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** Assumes the role with a random External ID: it must be refused. */
async function externalIdRequired(role: CustomerRole, credentials: CustomerCredentials): Promise<VerificationStep> {
  const wrong = `wrong-${randomBytes(12).toString('hex')}`;
  let assumed: boolean;
  try {
    assumed = await credentials.canAssume({ ...role, externalId: wrong });
  } catch (err) {
    return {
      name: 'external-id-required',
      ok: false,
      message: `could not check that a wrong External ID is refused: ${(err as Error).message}`,
    };
  }
  if (!assumed) {
    return {
      name: 'external-id-required',
      ok: true,
      message: "a wrong External ID is refused: the trust policy requires this destination's External ID",
    };
  }
  return {
    name: 'external-id-required',
    ok: false,
    message:
      `${role.roleArn} could be assumed with a wrong External ID: its trust policy lacks the sts:ExternalId ` +
      `condition, so anyone who knows the role ARN could have us write into this bucket. Add ` +
      `"Condition": {"StringEquals": {"sts:ExternalId": "${role.externalId}"}} to the statement that allows ` +
      `sts:AssumeRole (the trust policy on the hand-over page has it), then verify again.`,
  };
}

export async function verifyDestination(
  destination: DestinationToVerify,
  deps: { credentials: CustomerCredentials; endpoint: Pick<AwsEndpointSettings, 'endpoint'>; now?: () => Date },
): Promise<VerificationResult> {
  const steps: VerificationStep[] = [];
  const { role } = destination;
  // Always assume afresh: a verification after the customer fixed their role must not pass or
  // fail on credentials cached before the fix.
  deps.credentials.invalidate(role);
  let credentials;
  try {
    credentials = await deps.credentials.get(role);
    steps.push({
      name: 'assume-role',
      ok: true,
      message: `assumed ${role.roleArn} with the External ID; credentials valid until ${credentials.expiration.toISOString()}`,
    });
  } catch (err) {
    const message = err instanceof ExportFailure ? err.message : `could not assume ${role.roleArn}: ${String(err)}`;
    steps.push({ name: 'assume-role', ok: false, message });
    steps.push({ name: 'external-id-required', ok: false, message: 'not tried: the role could not be assumed' });
    steps.push({ name: 'write-object', ok: false, message: 'not tried: the role could not be assumed' });
    return { ok: false, steps };
  }
  steps.push(await externalIdRequired(role, deps.credentials));

  const s3 = new S3Client({
    region: destination.region,
    credentials,
    ...(deps.endpoint.endpoint ? { endpoint: deps.endpoint.endpoint, forcePathStyle: true } : {}),
    maxAttempts: 2,
  });
  const at = (deps.now ?? (() => new Date()))();
  const key = verificationObjectKey(destination.prefix, at);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: destination.bucket,
        Key: key,
        Body: `log exporter verification at ${at.toISOString()}: this role can write here. Safe to delete.\n`,
        ContentType: 'text/plain; charset=utf-8',
        ACL: OBJECT_ACL,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    steps.push({ name: 'write-object', ok: true, message: `wrote s3://${destination.bucket}/${key}` });
  } catch (err) {
    const failure = mapS3WriteError(err, {
      bucket: destination.bucket,
      key,
      region: destination.region,
      roleArn: role.roleArn,
    });
    steps.push({ name: 'write-object', ok: false, message: failure.message });
  } finally {
    s3.destroy();
  }
  return { ok: steps.every((s) => s.ok), steps };
}
