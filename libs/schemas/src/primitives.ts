// Small zod building blocks shared by the record, config and API schemas.
import { z } from 'zod';
import { formatMicrosRfc3339, parseRfc3339Micros } from './timestamps';

/** Longest text we accept in any one log field (user agents of several KB are real). */
export const MAX_FIELD_LENGTH = 65_536;

function timestamp(precision: 'seconds' | 'micros') {
  return z
    .string()
    .max(64)
    .transform((text, ctx) => {
      const micros = parseRfc3339Micros(text);
      if (micros === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected an RFC 3339 timestamp with an offset (e.g. 2021-04-01T19:40:55+00:00), got ${JSON.stringify(text)}`,
        });
        return z.NEVER;
      }
      return formatMicrosRfc3339(micros, precision);
    });
}

/** RFC 3339 in, canonical `YYYY-MM-DDTHH:MM:SS+00:00` out (any fraction is dropped). */
export const timestampSeconds = timestamp('seconds');
/** RFC 3339 in, canonical `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` out; sorts like time as text. */
export const timestampMicros = timestamp('micros');

/** Text of a log field: at most 64 KiB, and well-formed Unicode (a lone surrogate cannot be written as UTF-8). */
export const text = z
  .string()
  .max(MAX_FIELD_LENGTH)
  .refine((value) => value.isWellFormed(), 'contains a lone UTF-16 surrogate: not valid Unicode text');
export const optionalText = text.nullable().default(null);
export const requiredText = text.min(1);

/** Namespace (organisation) and repository slugs. */
export const slug = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'expected a slug: letters, digits, ".", "_" or "-", at most 128');

export const repositoryPath = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\/[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
    'expected "<namespace>/<repository>", e.g. "cloudsmith/testing-private"',
  );

/** Turns a zod error into `field: message` lines an operator can act on. */
export function describeZodError(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** Parses with a schema and throws one Error naming every bad field and its value's problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = describeZodError(result.error).map((i) => `${i.path}: ${i.message}`);
  throw new Error(`invalid ${what}: ${lines.join('; ')}`);
}
