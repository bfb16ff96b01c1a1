// A customer's AWS account inside the emulator, set up the way the seed tells customers to:
// a bucket, and a role our account may assume with the External ID, whose permission policy is
// the one we generate. Also our exporter's own IAM user, whose keys the worker uses once IAM is
// enforced. moto places resources in the account of the credentials that create them, so we
// first assume a throwaway role in the customer's account (while IAM is not yet enforced).
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { permissionPolicy, trustPolicy } from '@log-exporter/aws';

/** moto's default account stands for our exporter's AWS account. */
export const EMULATED_EXPORTER_ACCOUNT_ID = '123456789012';
/** Any keys pass while IAM is not enforced. */
export const EMULATOR_DUMMY_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIAEMULATORDUMMYKEY',
  secretAccessKey: 'emulator-dummy-secret',
};
const REGION = 'us-east-1';

export interface CustomerAccountSpec {
  accountId: string;
  bucket: string;
  prefix: string;
  roleName: string;
  externalId: string;
  exporterAccountId?: string;
  /** Create the bucket (default true); false models a customer who has not made it yet. */
  createBucket?: boolean;
}

export interface EmulatedCustomerAccount {
  roleArn: string;
  /** An administrator of the customer's account: reads back what we wrote, with IAM enforced too. */
  adminCredentials: AwsCredentialIdentity;
  s3: S3Client;
}

export async function createCustomerAccount(
  endpoint: string,
  spec: CustomerAccountSpec,
): Promise<EmulatedCustomerAccount> {
  const sts = new STSClient({ region: REGION, endpoint, credentials: EMULATOR_DUMMY_CREDENTIALS });
  const setup = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${spec.accountId}:role/account-setup`, RoleSessionName: 'setup' }),
  );
  sts.destroy();
  const c = setup.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error('emulator returned no setup credentials');
  const setupCredentials = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  };
  const iam = new IAMClient({ region: REGION, endpoint, credentials: setupCredentials });
  const s3Setup = new S3Client({ region: REGION, endpoint, credentials: setupCredentials, forcePathStyle: true });
  try {
    if (spec.createBucket !== false) await s3Setup.send(new CreateBucketCommand({ Bucket: spec.bucket }));
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: spec.roleName,
        AssumeRolePolicyDocument: JSON.stringify(
          trustPolicy({
            exporterAccountId: spec.exporterAccountId ?? EMULATED_EXPORTER_ACCOUNT_ID,
            externalId: spec.externalId,
          }),
        ),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: spec.roleName,
        PolicyName: 'log-exporter-write',
        PolicyDocument: JSON.stringify(permissionPolicy({ bucket: spec.bucket, prefix: spec.prefix })),
      }),
    );
    const adminName = `admin-${spec.roleName}`.slice(0, 64);
    await iam.send(new CreateUserCommand({ UserName: adminName }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: adminName,
        PolicyName: 'everything',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: adminName }));
    if (!key.AccessKey?.AccessKeyId || !key.AccessKey.SecretAccessKey)
      throw new Error('emulator returned no access key');
    const adminCredentials = { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
    const roleArn = role.Role?.Arn;
    if (!roleArn) throw new Error('emulator returned no role ARN');
    return {
      roleArn,
      adminCredentials,
      s3: new S3Client({ region: REGION, endpoint, credentials: adminCredentials, forcePathStyle: true }),
    };
  } finally {
    iam.destroy();
    s3Setup.destroy();
  }
}

/** Our exporter's IAM user in its own account, allowed to call sts:AssumeRole. */
export async function createExporterUser(endpoint: string): Promise<AwsCredentialIdentity> {
  const iam = new IAMClient({ region: REGION, endpoint, credentials: EMULATOR_DUMMY_CREDENTIALS });
  try {
    await iam.send(new CreateUserCommand({ UserName: 'log-exporter' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'log-exporter',
        PolicyName: 'assume-customer-roles',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*' }],
        }),
      }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'log-exporter' }));
    if (!key.AccessKey?.AccessKeyId || !key.AccessKey.SecretAccessKey)
      throw new Error('emulator returned no access key');
    return { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
  } finally {
    iam.destroy();
  }
}

/** Every key under a prefix, in key order. */
export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return Buffer.from(await response.Body.transformToByteArray());
}
