// A stand-in for what moto does not do: STS enforcing the trust policy of the role being assumed.
// A loopback proxy in front of moto: each AssumeRole is checked against the role's trust policy
// as moto stores it (read through moto's IAM, GetRole in the role's account) by a decision function the
// caller supplies (libs/aws's evaluator, in the tests); refused ones get STS's AccessDenied, the
// rest go on to moto. Roles that do not exist are refused too, as AWS does. Tests that use it say
// so: it stands in for AWS, it is not AWS.
import { evaluateTrustPolicy } from '@log-exporter/schemas';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { EMULATOR_DUMMY_CREDENTIALS } from './emulated-customer-account';
import { type FaultProxy, type ProxiedRequest, startFaultProxy, stsError } from './fault-proxy';

export interface TrustDecisionInput {
  roleArn: string;
  externalId: string | undefined;
}

export type TrustDecider = (trustPolicy: unknown, request: TrustDecisionInput) => { allowed: boolean; reason: string };

/** Decides as AWS would for a caller in our exporter account (libs/schemas' trust-policy evaluator). */
export function exporterTrustDecider(exporterAccountId: string): TrustDecider {
  return (policy, request) =>
    evaluateTrustPolicy(policy, {
      callerAccountId: exporterAccountId,
      ...(request.externalId === undefined ? {} : { externalId: request.externalId }),
    });
}

/** The emulator's own set-up role (createCustomerAccount): moto lets anyone assume it. */
const SETUP_ROLE = /:role\/account-setup$/;

function parsePolicy(document: string): unknown {
  return JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document));
}

/** The role's trust policy from moto's whole-state dump (works with IAM enforced too; slow). */
async function trustPolicyFromDump(motoEndpoint: string, roleArn: string): Promise<unknown | undefined> {
  const response = await fetch(`${motoEndpoint}/moto-api/data.json`);
  const state = (await response.json()) as { iam?: { Role?: { arn: string; assume_role_policy_document: string }[] } };
  const role = state.iam?.Role?.find((r) => r.arn === roleArn);
  return role && parsePolicy(role.assume_role_policy_document);
}

/**
 * The role's trust policy as moto stores it, read through moto's IAM in the role's account (as
 * its set-up role); where moto enforces IAM and refuses that, from moto's whole-state dump. The
 * dump is not the first choice: after a large upload it is slow enough to fail AssumeRole calls
 * for minutes (measured in `npm run bench`: a second run waited ~150 s).
 */
async function trustPolicyOf(motoEndpoint: string, roleArn: string): Promise<unknown | undefined> {
  try {
    return await trustPolicyFromIam(motoEndpoint, roleArn);
  } catch {
    return trustPolicyFromDump(motoEndpoint, roleArn);
  }
}

async function trustPolicyFromIam(motoEndpoint: string, roleArn: string): Promise<unknown | undefined> {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) return undefined;
  const [, accountId, roleName] = match;
  const sts = new STSClient({ region: 'us-east-1', endpoint: motoEndpoint, credentials: EMULATOR_DUMMY_CREDENTIALS });
  let iam: IAMClient | undefined;
  try {
    const setup = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/account-setup`,
        RoleSessionName: 'trust-check',
      }),
    );
    const c = setup.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('moto returned no set-up credentials');
    iam = new IAMClient({
      region: 'us-east-1',
      endpoint: motoEndpoint,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    const document = role.Role?.AssumeRolePolicyDocument;
    if (!document) return undefined;
    return parsePolicy(document);
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchEntityException') return undefined;
    throw err;
  } finally {
    sts.destroy();
    iam?.destroy();
  }
}

function denied(roleArn: string, reason: string) {
  return stsError(403, 'AccessDenied', `not authorized to perform: sts:AssumeRole on resource: ${roleArn} (${reason})`);
}

export async function startTrustEnforcingSts(motoEndpoint: string, decide: TrustDecider): Promise<FaultProxy> {
  return startFaultProxy(motoEndpoint, {
    intercept: async (request: ProxiedRequest) => {
      if (request.method !== 'POST') return undefined;
      const form = new URLSearchParams(request.body.toString('utf8'));
      if (form.get('Action') !== 'AssumeRole') return undefined;
      const roleArn = form.get('RoleArn') ?? '';
      if (SETUP_ROLE.test(roleArn)) return undefined;
      const policy = await trustPolicyOf(motoEndpoint, roleArn);
      if (policy === undefined) return denied(roleArn, 'no such role');
      const decision = decide(policy, { roleArn, externalId: form.get('ExternalId') ?? undefined });
      return decision.allowed ? undefined : denied(roleArn, decision.reason);
    },
  });
}
