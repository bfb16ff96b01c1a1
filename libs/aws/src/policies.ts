// The two IAM documents a customer creates (seed, step 6), filled in for one destination.
// Key order and shape follow the seed exactly, so what ops hand over matches the docs customers read.

export const POLICY_VERSION = '2012-10-17';

export interface PermissionPolicy {
  Version: typeof POLICY_VERSION;
  Statement: [{ Action: ['s3:PutObject', 's3:PutObjectAcl']; Effect: 'Allow'; Resource: [string] }];
}

export interface TrustPolicy {
  Version: typeof POLICY_VERSION;
  Statement: [
    {
      Effect: 'Allow';
      Principal: { AWS: string };
      Action: 'sts:AssumeRole';
      Condition: { StringEquals: { 'sts:ExternalId': string } };
    },
  ];
}

/** `arn:aws:s3:::<bucket>/<prefix>/*`, or `arn:aws:s3:::<bucket>/*` without a prefix. */
export function objectResourceArn(bucket: string, prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' ? `arn:aws:s3:::${bucket}/*` : `arn:aws:s3:::${bucket}/${trimmed}/*`;
}

/** Lets the role write objects (and their ACL) under the destination's prefix, nothing else. */
export function permissionPolicy(destination: { bucket: string; prefix: string }): PermissionPolicy {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Action: ['s3:PutObject', 's3:PutObjectAcl'],
        Effect: 'Allow',
        Resource: [objectResourceArn(destination.bucket, destination.prefix)],
      },
    ],
  };
}

/**
 * The inline session policy of every AssumeRole we make: the same grant as the permission policy.
 * The credentials' rights are the intersection of the role's policies and this one, so they can
 * never do more than write under the destination's prefix, even when a customer's role grants
 * more (`s3:*`, other buckets).
 */
export function sessionPolicy(scope: { bucket: string; prefix: string }): PermissionPolicy {
  return permissionPolicy(scope);
}

/** Lets our AWS account assume the role, only when it presents the destination's External ID. */
export function trustPolicy(input: { exporterAccountId: string; externalId: string }): TrustPolicy {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${input.exporterAccountId}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': input.externalId } },
      },
    ],
  };
}
