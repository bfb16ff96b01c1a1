// The policy documents customers paste into AWS, and the trust-policy and External ID logic that
// the S3 emulator cannot check (moto ignores cross-account trust and a missing External ID).
import {
  EXTERNAL_ID_LENGTH,
  evaluateTrustPolicy,
  generateExternalId,
  isValidExternalId,
  permissionPolicy,
  trustPolicy,
  trustPolicyWeaknesses,
} from '../src';

const SEED_PERMISSION_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Action: ['s3:PutObject', 's3:PutObjectAcl'],
      Effect: 'Allow',
      Resource: ['arn:aws:s3:::cloudsmith-acmecorp-logs/cloudsmith-logs/*'],
    },
  ],
};

const SEED_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::884446598447:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'your-external-id' } },
    },
  ],
};

describe('policy documents', () => {
  it('fills in the seed permission policy, key order included', () => {
    const policy = permissionPolicy({ bucket: 'cloudsmith-acmecorp-logs', prefix: 'cloudsmith-logs' });
    expect(policy).toEqual(SEED_PERMISSION_POLICY);
    expect(JSON.stringify(policy)).toBe(JSON.stringify(SEED_PERMISSION_POLICY));
  });

  it('grants the whole bucket when there is no prefix, as the seed says', () => {
    expect(permissionPolicy({ bucket: 'acme-logs', prefix: '' }).Statement[0].Resource).toEqual([
      'arn:aws:s3:::acme-logs/*',
    ]);
  });

  it('fills in the seed trust policy, key order included', () => {
    const policy = trustPolicy({ exporterAccountId: '884446598447', externalId: 'your-external-id' });
    expect(JSON.stringify(policy)).toBe(JSON.stringify(SEED_TRUST_POLICY));
  });
});

describe('External IDs', () => {
  it('are 48 characters STS accepts, and never repeat', () => {
    const ids = Array.from({ length: 2_000 }, generateExternalId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toHaveLength(EXTERNAL_ID_LENGTH);
      expect(isValidExternalId(id)).toBe(true);
    }
  });

  it('use the whole alphabet (no low-entropy pattern)', () => {
    const chars = new Set(Array.from({ length: 200 }, generateExternalId).join(''));
    expect(chars.size).toBeGreaterThan(60);
  });

  it('reject what STS would reject', () => {
    expect(isValidExternalId('a')).toBe(false);
    expect(isValidExternalId('has space')).toBe(false);
    expect(isValidExternalId('x'.repeat(1225))).toBe(false);
  });
});

describe('trust policy evaluation', () => {
  const externalId = generateExternalId();
  const ours = trustPolicy({ exporterAccountId: '884446598447', externalId });

  it('lets our account assume the role with the right External ID', () => {
    expect(evaluateTrustPolicy(ours, { callerAccountId: '884446598447', externalId })).toEqual({
      allowed: true,
      reason: 'statement 1 allows it',
    });
  });

  it('refuses a missing or wrong External ID (the confused deputy)', () => {
    expect(evaluateTrustPolicy(ours, { callerAccountId: '884446598447' })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('no External ID was presented'),
    });
    expect(evaluateTrustPolicy(ours, { callerAccountId: '884446598447', externalId: externalId + 'x' })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('External ID does not match'),
    });
  });

  it('refuses any other account, even with the right External ID', () => {
    expect(evaluateTrustPolicy(ours, { callerAccountId: '111122223333', externalId })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('principal does not name account 111122223333'),
    });
  });

  it('finds no weakness in the policy we generate', () => {
    expect(trustPolicyWeaknesses(ours, { exporterAccountId: '884446598447', externalId })).toEqual([]);
  });

  it('flags policies a customer might write by mistake', () => {
    const noCondition = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '884446598447' }, Action: 'sts:AssumeRole' }],
    };
    expect(trustPolicyWeaknesses(noCondition, { exporterAccountId: '884446598447', externalId })).toEqual([
      'the role can be assumed without an External ID',
      'the role can be assumed with a wrong External ID',
    ]);
    const anyone = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'sts:*',
          Condition: { StringEquals: { 'sts:ExternalId': externalId } },
        },
      ],
    };
    expect(trustPolicyWeaknesses(anyone, { exporterAccountId: '884446598447', externalId })).toEqual([
      'accounts other than the exporter can assume the role',
    ]);
    const wildcard = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['884446598447'] },
          Action: '*',
          Condition: { StringLike: { 'sts:ExternalId': '*' } },
        },
      ],
    };
    expect(trustPolicyWeaknesses(wildcard, { exporterAccountId: '884446598447', externalId })).toEqual([
      'the role can be assumed with a wrong External ID',
    ]);
  });

  it('lets an explicit Deny win over an Allow', () => {
    const policy = {
      Statement: [
        ours.Statement[0],
        { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::884446598447:root' }, Action: 'sts:AssumeRole' },
      ],
    };
    expect(evaluateTrustPolicy(policy, { callerAccountId: '884446598447', externalId })).toEqual({
      allowed: false,
      reason: 'statement 2 denies it explicitly',
    });
  });

  it('does not guess at conditions it does not understand', () => {
    const policy = {
      Statement: [{ ...ours.Statement[0], Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
    };
    expect(evaluateTrustPolicy(policy, { callerAccountId: '884446598447', externalId }).allowed).toBe(false);
    expect(evaluateTrustPolicy('nonsense', { callerAccountId: '884446598447', externalId }).allowed).toBe(false);
  });
});
