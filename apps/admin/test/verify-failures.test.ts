// Verification explains each failure in plain words, with moto enforcing IAM: our exporter's own
// identity and the customer's role policy decide what works. (moto checks neither trust policies
// nor role existence, so "role not assumable" is provoked by an exporter identity that may not call
// sts:AssumeRole: STS answers AccessDenied, as it does for a wrong trust policy or External ID.)
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { generateExternalId, permissionPolicy, trustPolicy } from '@log-exporter/aws';
import {
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type MotoServer,
  createCustomerAccount,
  createExporterUser,
} from '@log-exporter/local-stack';
import { type AdminHarness, DESTINATION, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let admin: AdminHarness;
let powerless: AdminHarness;

const CUSTOMER = {
  ...DESTINATION,
  organization: 'verify',
  awsAccountId: '414141414141',
  bucket: 'verify-logs',
  roleName: 'LogsWriter',
};

beforeAll(async () => {
  moto = await startMoto();
  const exporterKeys = await createExporterUser(moto.endpoint);
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: EMULATOR_DUMMY_CREDENTIALS });
  await iam.send(new CreateUserCommand({ UserName: 'no-permissions' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'no-permissions' }))).AccessKey!;
  iam.destroy();
  const account = await createCustomerAccount(moto.endpoint, {
    accountId: CUSTOMER.awsAccountId,
    bucket: CUSTOMER.bucket,
    roleName: CUSTOMER.roleName,
    trustPolicy: trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId: generateExternalId() }),
    permissionPolicy: permissionPolicy({ bucket: CUSTOMER.bucket, prefix: 'logs' }),
  });
  account.s3.destroy();
  await moto.enforceIam();
  admin = await startAdmin({ moto, ownCredentials: exporterKeys });
  powerless = await startAdmin({
    moto,
    ownCredentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
  });
});

afterAll(async () => {
  await admin?.close();
  await powerless?.close();
  await moto?.stop();
});

async function verifyWith(harness: AdminHarness, prefix: string) {
  const destination = (await harness.api('POST', '/api/destinations', { ...CUSTOMER, prefix })).json();
  const response = await harness.api('POST', `/api/destinations/${destination.id}/verify`);
  expect(response.statusCode).toBe(200);
  return response.json() as { ok: boolean; steps: { name: string; ok: boolean; message: string }[] };
}

describe('verify with IAM enforced', () => {
  it('passes when the role may write under the prefix', async () => {
    const result = await verifyWith(admin, 'logs');
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.ok)).toEqual([true, true]);
  });

  it('says the write was denied, and what the permission policy must allow, outside the granted prefix', async () => {
    const result = await verifyWith(admin, 'elsewhere');
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ name: 'assume-role', ok: true });
    expect(result.steps[1]).toMatchObject({ name: 'write-object', ok: false });
    expect(result.steps[1]!.message).toContain('may not write s3://verify-logs/elsewhere/');
    expect(result.steps[1]!.message).toContain('s3:PutObject and s3:PutObjectAcl');
  });

  it('says the role could not be assumed, and to check the trust policy and External ID', async () => {
    const result = await verifyWith(powerless, 'logs');
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ name: 'assume-role', ok: false });
    expect(result.steps[0]!.message).toContain('cannot assume role arn:aws:iam::414141414141:role/LogsWriter');
    expect(result.steps[0]!.message).toContain('sts:ExternalId condition equals the External ID');
    expect(result.steps[1]).toMatchObject({
      name: 'write-object',
      ok: false,
      message: 'not tried: the role could not be assumed',
    });
  });
});
