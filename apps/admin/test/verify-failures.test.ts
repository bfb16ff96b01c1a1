// Verification explains each failure in plain words, with moto enforcing IAM: our exporter's own
// identity and the customer's role policy decide what works, and the harness's STS stand-in
// enforces the role's trust policy (moto does not). "Role not assumable" is also provoked by an
// exporter identity that may not call sts:AssumeRole: STS answers AccessDenied, as it does for a
// wrong trust policy or External ID.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { permissionPolicy, trustPolicy } from '@log-exporter/aws';
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

/** Destinations of the same role, by the prefix they write under (and the harness they are in). */
const destinations: Record<'logs' | 'elsewhere' | 'powerless', string> = { logs: '', elsewhere: '', powerless: '' };

beforeAll(async () => {
  moto = await startMoto();
  const exporterKeys = await createExporterUser(moto.endpoint);
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: EMULATOR_DUMMY_CREDENTIALS });
  await iam.send(new CreateUserCommand({ UserName: 'no-permissions' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'no-permissions' }))).AccessKey!;
  iam.destroy();
  admin = await startAdmin({ moto, ownCredentials: exporterKeys });
  powerless = await startAdmin({
    moto,
    ownCredentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
  });
  const create = async (harness: AdminHarness, prefix: string) =>
    (await harness.api('POST', '/api/destinations', { ...CUSTOMER, prefix })).json() as {
      id: string;
      externalId: string;
    };
  const logs = await create(admin, 'logs');
  const elsewhere = await create(admin, 'elsewhere');
  const inPowerless = await create(powerless, 'logs');
  Object.assign(destinations, { logs: logs.id, elsewhere: elsewhere.id, powerless: inPowerless.id });
  // One role for all three: its trust policy names each destination's External ID.
  const trust = trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId: logs.externalId });
  const account = await createCustomerAccount(moto.endpoint, {
    accountId: CUSTOMER.awsAccountId,
    bucket: CUSTOMER.bucket,
    roleName: CUSTOMER.roleName,
    trustPolicy: {
      ...trust,
      Statement: [
        {
          ...trust.Statement[0],
          Condition: {
            StringEquals: { 'sts:ExternalId': [logs.externalId, elsewhere.externalId, inPowerless.externalId] },
          },
        },
      ],
    },
    permissionPolicy: permissionPolicy({ bucket: CUSTOMER.bucket, prefix: 'logs' }),
  });
  account.s3.destroy();
  await moto.enforceIam();
});

afterAll(async () => {
  await admin?.close();
  await powerless?.close();
  await moto?.stop();
});

async function verifyWith(harness: AdminHarness, destinationId: string) {
  const response = await harness.api('POST', `/api/destinations/${destinationId}/verify`);
  expect(response.statusCode).toBe(200);
  return response.json() as { ok: boolean; steps: { name: string; ok: boolean; message: string }[] };
}

describe('verify with IAM enforced', () => {
  it('passes when the role may write under the prefix', async () => {
    const result = await verifyWith(admin, destinations.logs);
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['assume-role', true],
      ['external-id-required', true],
      ['write-object', true],
    ]);
  });

  it('says the write was denied, and what the permission policy must allow, outside the granted prefix', async () => {
    const result = await verifyWith(admin, destinations.elsewhere);
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ name: 'assume-role', ok: true });
    expect(result.steps[2]).toMatchObject({ name: 'write-object', ok: false });
    expect(result.steps[2]!.message).toContain('may not write s3://verify-logs/elsewhere/');
    expect(result.steps[2]!.message).toContain('s3:PutObject and s3:PutObjectAcl');
  });

  it('says the role could not be assumed, and to check the trust policy and External ID', async () => {
    const result = await verifyWith(powerless, destinations.powerless);
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ name: 'assume-role', ok: false });
    expect(result.steps[0]!.message).toContain('cannot assume role arn:aws:iam::414141414141:role/LogsWriter');
    expect(result.steps[0]!.message).toContain('sts:ExternalId condition equals the External ID');
    expect(result.steps.slice(1).map((s) => s.name)).toEqual(['external-id-required', 'write-object']);
    expect(result.steps[2]).toMatchObject({
      name: 'write-object',
      ok: false,
      message: 'not tried: the role could not be assumed',
    });
  });
});
