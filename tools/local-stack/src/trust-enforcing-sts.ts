// A stand-in for what moto does not do: STS enforcing the trust policy of the role being assumed.
// A loopback proxy in front of moto: each AssumeRole is checked against the role's trust policy
// as moto stores it (read from moto's own state, /moto-api/data.json) by a decision function the
// caller supplies (libs/aws's evaluator, in the tests); refused ones get STS's AccessDenied, the
// rest go on to moto. Roles that do not exist are refused too, as AWS does. Tests that use it say
// so: it stands in for AWS, it is not AWS.
import { evaluateTrustPolicy } from '@log-exporter/schemas';
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

async function trustPolicyOf(motoEndpoint: string, roleArn: string): Promise<unknown | undefined> {
  const response = await fetch(`${motoEndpoint}/moto-api/data.json`);
  const state = (await response.json()) as { iam?: { Role?: { arn: string; assume_role_policy_document: string }[] } };
  const role = state.iam?.Role?.find((r) => r.arn === roleArn);
  if (!role) return undefined;
  const document = role.assume_role_policy_document;
  return JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document));
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
