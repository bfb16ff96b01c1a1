import { bucketNameProblem, keyPrefixProblem, keyPrefixSchema, roleArnFor, roleNameSchema } from '../src/aws-names';
import { createDestinationInputSchema } from '../src/destination';

describe('bucket names', () => {
  it.each(['cloudsmith-acmecorp-logs', 'abc', 'a.b-c.d', 'x'.repeat(63), 'logs2026'])('accepts %s', (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['ab', 'must be 3 to 63 characters long'],
    ['x'.repeat(64), 'must be 3 to 63 characters long'],
    ['Acme-Logs', 'may contain only lowercase letters'],
    ['acme_logs', 'may contain only lowercase letters'],
    ['-acme', 'must begin and end with a letter or digit'],
    ['acme.', 'must begin and end with a letter or digit'],
    ['acme..logs', 'must not contain two adjacent periods'],
    ['acme.-logs', 'must not have a period next to a hyphen'],
    ['192.168.5.4', 'must not be formatted as an IP address'],
    ['xn--acme', 'reserved prefix "xn--"'],
    ['sthree-logs', 'reserved prefix "sthree-"'],
    ['acme-s3alias', 'reserved suffix "-s3alias"'],
    ['acme--ol-s3', 'reserved suffix "--ol-s3"'],
  ])('refuses %s: %s', (name, problem) => {
    expect(bucketNameProblem(name)).toContain(problem);
  });
});

describe('key prefixes', () => {
  it.each(['', 'cloudsmith-logs', 'cloudsmith-logs/', 'a/b/c', "logs_(2026)!*'.x"])('accepts %j', (prefix) => {
    expect(keyPrefixProblem(prefix)).toBeUndefined();
  });

  it.each([
    ['/logs', 'must not start with "/"'],
    ['logs//x', 'must not contain empty segments'],
    ['logs/../x', 'must not contain "." or ".." segments'],
    ['./logs', 'must not contain "." or ".." segments'],
    ['logs\nx', 'may contain only letters'],
    ['logs x', 'may contain only letters'],
    ['ｌogs', 'may contain only letters'], // fullwidth look-alike
    ['logs∕x', 'may contain only letters'], // division slash look-alike
    ['a'.repeat(513), 'at most 512 bytes'],
  ])('refuses %j: %s', (prefix, problem) => {
    expect(keyPrefixProblem(prefix)).toContain(problem);
  });

  it('normalises a trailing slash away', () => {
    expect(keyPrefixSchema.parse('cloudsmith-logs/')).toBe('cloudsmith-logs');
  });
});

describe('roles and destinations', () => {
  it('checks IAM role names and builds role ARNs', () => {
    expect(roleNameSchema.safeParse('CloudsmithLogsWriter').success).toBe(true);
    expect(roleNameSchema.safeParse('role/with/path').success).toBe(false);
    expect(roleNameSchema.safeParse('x'.repeat(65)).success).toBe(false);
    expect(roleArnFor('995557609558', 'CloudsmithLogsWriter')).toBe(
      'arn:aws:iam::995557609558:role/CloudsmithLogsWriter',
    );
  });

  it('names every bad destination field', () => {
    const result = createDestinationInputSchema.safeParse({
      organization: 'acme',
      awsAccountId: '99555760955',
      bucket: 'Bad_Bucket',
      prefix: '/x',
      roleName: 'ok',
      region: 'moon-1',
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths.sort()).toEqual(['awsAccountId', 'bucket', 'prefix', 'region']);
  });

  it('fills in the default region and an empty prefix', () => {
    expect(
      createDestinationInputSchema.parse({
        organization: 'acme',
        awsAccountId: '995557609558',
        bucket: 'acme-logs',
        roleName: 'CloudsmithLogsWriter',
      }),
    ).toMatchObject({ region: 'us-east-1', prefix: '' });
  });
});
