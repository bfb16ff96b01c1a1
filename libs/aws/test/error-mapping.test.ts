import { ExportFailure } from '@log-exporter/schemas';
import { mapAssumeRoleError, mapS3WriteError } from '../src';

const target = { bucket: 'acme-logs', key: 'p/k.gz', region: 'eu-west-1', roleArn: 'arn:aws:iam::995557609558:role/W' };

function awsError(name: string, status?: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });
}

describe('AWS error mapping', () => {
  it.each([
    ['NoSuchBucket', 404, 'BucketNotFound', 'bucket "acme-logs" does not exist'],
    ['AccessDenied', 403, 'WriteDenied', 'may not write s3://acme-logs/p/k.gz'],
    ['S3ServiceException', 403, 'WriteDenied', 's3:PutObjectAcl'],
    ['PermanentRedirect', 301, 'WrongRegion', 'is not in region eu-west-1'],
    ['AuthorizationHeaderMalformed', 400, 'WrongRegion', 'eu-west-1'],
    ['InvalidArgument', 400, 'AwsRequestRejected', 'InvalidArgument (HTTP 400)'],
  ])('treats S3 %s (HTTP %s) as permanent %s', (name, status, type, text) => {
    const failure = mapS3WriteError(awsError(name, status), target);
    expect(failure).toBeInstanceOf(ExportFailure);
    expect(failure).toMatchObject({ type, retryable: false });
    expect(failure.message).toContain(text);
  });

  it.each([
    ['SlowDown', 503],
    ['InternalError', 500],
    ['RequestTimeout', 400],
    ['ExpiredToken', 400],
    ['TimeoutError', undefined],
  ])('retries S3 %s (HTTP %s)', (name, status) => {
    expect(mapS3WriteError(awsError(name, status), target)).toMatchObject({
      type: 'TransientAwsError',
      retryable: true,
    });
  });

  it('retries network failures that never got a response', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(mapS3WriteError(reset, target)).toMatchObject({ retryable: true });
  });

  it('explains a refused AssumeRole in terms an operator can act on', () => {
    const failure = mapAssumeRoleError(awsError('AccessDenied', 403), target.roleArn, '884446598447');
    expect(failure).toMatchObject({ type: 'RoleNotAssumable', retryable: false });
    expect(failure.message).toContain('arn:aws:iam::884446598447:root');
    expect(failure.message).toContain('sts:ExternalId');
    expect(mapAssumeRoleError(awsError('Throttling', 400), target.roleArn, '884446598447')).toMatchObject({
      retryable: true,
    });
  });
});
