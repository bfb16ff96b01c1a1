// AWS identifiers as AWS accepts them, so a bad value is refused when it is entered, not at 00:30.
import { z } from 'zod';

export const awsAccountIdSchema = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account ID');

export const awsRegionSchema = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'expected an AWS region such as "us-east-1"');

const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why a bucket name breaks AWS's general-purpose bucket naming rules, or undefined if it does not. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may contain only lowercase letters, digits, "." and "-"';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must begin and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent periods';
  if (name.includes('.-') || name.includes('-.')) return 'must not have a period next to a hyphen';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  const prefix = RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `must not start with the reserved prefix "${prefix}"`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `must not end with the reserved suffix "${suffix}"`;
  return undefined;
}

export const bucketNameSchema = z.string().superRefine((name, ctx) => {
  const problem = bucketNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `bucket name ${JSON.stringify(name)} ${problem}` });
});

/** IAM role names: 1-64 of letters, digits and `+=,.@_-` (no path). */
export const roleNameSchema = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name: 1-64 letters, digits or "+=,.@_-"');

const SAFE_SEGMENT = /^[A-Za-z0-9!_.*'()-]+$/;
const MAX_KEY_PREFIX_BYTES = 512;

/** Why a key prefix is unsafe, or undefined. Allows only S3's "safe" characters, in `/` segments. */
export function keyPrefixProblem(prefix: string): string | undefined {
  if (new TextEncoder().encode(prefix).length > MAX_KEY_PREFIX_BYTES)
    return `must be at most ${MAX_KEY_PREFIX_BYTES} bytes`;
  if (prefix.startsWith('/')) return 'must not start with "/"';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (trimmed === '') return undefined;
  for (const segment of trimmed.split('/')) {
    if (segment === '') return 'must not contain empty segments ("//")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
    if (!SAFE_SEGMENT.test(segment)) {
      return `segment ${JSON.stringify(segment)} may contain only letters, digits and !_.*'()-`;
    }
  }
  return undefined;
}

/** A key prefix as entered (`logs/`, `logs`, or empty), normalised to no trailing slash. */
export const keyPrefixSchema = z
  .string()
  .superRefine((prefix, ctx) => {
    const problem = keyPrefixProblem(prefix);
    if (problem) ctx.addIssue({ code: 'custom', message: `prefix ${JSON.stringify(prefix)} ${problem}` });
  })
  .transform((prefix) => (prefix.endsWith('/') ? prefix.slice(0, -1) : prefix));

export function roleArnFor(awsAccountId: string, roleName: string): string {
  return `arn:aws:iam::${awsAccountId}:role/${roleName}`;
}
