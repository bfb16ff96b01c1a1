// Decides whether an IAM trust policy lets a caller assume the role, for the subset of IAM that
// trust policies for cross-account roles use: Allow/Deny, Principal AWS (account, root ARN, "*"),
// sts:AssumeRole with wildcards, and StringEquals / StringLike on sts:ExternalId.
// The S3 emulator does not check cross-account trust or a missing External ID, so this is how the
// exporter (and its tests) check the policy a customer was given, and one pasted back for review.

export interface AssumeRoleRequest {
  /** 12-digit account of the caller (our exporter account). */
  callerAccountId: string;
  /** ARN of the calling IAM identity, if known. */
  callerArn?: string;
  externalId?: string;
}

export interface TrustDecision {
  allowed: boolean;
  reason: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function asList(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

function principalMatches(principal: Json | undefined, request: AssumeRoleRequest): boolean {
  if (principal === '*') return true;
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) return false;
  return asList(principal.AWS).some((entry) => {
    if (typeof entry !== 'string') return false;
    if (entry === '*') return true;
    if (entry === request.callerAccountId) return true;
    if (entry === `arn:aws:iam::${request.callerAccountId}:root`) return true;
    return request.callerArn !== undefined && entry === request.callerArn;
  });
}

function actionMatches(action: Json | undefined): boolean {
  return asList(action).some((a) => typeof a === 'string' && wildcardMatch(a, 'sts:AssumeRole', true));
}

/** Only conditions on sts:ExternalId are understood; any other condition makes the statement not apply. */
function conditionsHold(condition: Json | undefined, request: AssumeRoleRequest): { holds: boolean; why?: string } {
  if (condition === undefined) return { holds: true };
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    return { holds: false, why: 'Condition is not an object' };
  }
  for (const [operator, block] of Object.entries(condition)) {
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      return { holds: false, why: `Condition ${operator} is not an object` };
    }
    for (const [key, expected] of Object.entries(block)) {
      if (key.toLowerCase() !== 'sts:externalid') {
        return { holds: false, why: `condition key ${key} is not supported by this check` };
      }
      if (request.externalId === undefined) return { holds: false, why: 'no External ID was presented' };
      const values = asList(expected).filter((v): v is string => typeof v === 'string');
      const given = request.externalId;
      let ok: boolean;
      if (operator === 'StringEquals') ok = values.includes(given);
      else if (operator === 'StringLike') ok = values.some((v) => wildcardMatch(v, given, false));
      else return { holds: false, why: `condition operator ${operator} is not supported by this check` };
      if (!ok) return { holds: false, why: 'the External ID does not match' };
    }
  }
  return { holds: true };
}

export function evaluateTrustPolicy(policy: unknown, request: AssumeRoleRequest): TrustDecision {
  if (policy === null || typeof policy !== 'object')
    return { allowed: false, reason: 'the policy is not a JSON object' };
  const statements = asList((policy as { Statement?: Json }).Statement);
  if (statements.length === 0) return { allowed: false, reason: 'the policy has no statements' };
  let allowedBy: number | undefined;
  const misses: string[] = [];
  for (const [index, raw] of statements.entries()) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const statement = raw as { [key: string]: Json };
    if (!principalMatches(statement.Principal, request)) {
      misses.push(`statement ${index + 1}: principal does not name account ${request.callerAccountId}`);
      continue;
    }
    if (!actionMatches(statement.Action)) {
      misses.push(`statement ${index + 1}: action is not sts:AssumeRole`);
      continue;
    }
    const condition = conditionsHold(statement.Condition, request);
    if (!condition.holds) {
      misses.push(`statement ${index + 1}: ${condition.why}`);
      continue;
    }
    if (statement.Effect === 'Deny') return { allowed: false, reason: `statement ${index + 1} denies it explicitly` };
    if (statement.Effect === 'Allow') allowedBy ??= index + 1;
  }
  if (allowedBy !== undefined) return { allowed: true, reason: `statement ${allowedBy} allows it` };
  return { allowed: false, reason: misses.join('; ') || 'no statement allows it' };
}

/** Problems that make a trust policy unsafe even if it works: the confused-deputy checks. */
export function trustPolicyWeaknesses(
  policy: unknown,
  expected: { exporterAccountId: string; externalId: string },
): string[] {
  const weaknesses: string[] = [];
  const bare = evaluateTrustPolicy(policy, { callerAccountId: expected.exporterAccountId });
  if (bare.allowed) weaknesses.push('the role can be assumed without an External ID');
  const guessed = evaluateTrustPolicy(policy, { callerAccountId: expected.exporterAccountId, externalId: 'guess' });
  if (guessed.allowed) weaknesses.push('the role can be assumed with a wrong External ID');
  const stranger = expected.exporterAccountId === '000000000000' ? '000000000001' : '000000000000';
  const other = evaluateTrustPolicy(policy, { callerAccountId: stranger, externalId: expected.externalId });
  if (other.allowed) weaknesses.push('accounts other than the exporter can assume the role');
  return weaknesses;
}
