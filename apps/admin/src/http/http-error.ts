// The one error shape of the admin API: { "error": { "code", "message", "details" } }.
// 4xx are the caller's mistakes and say which field; a 500 means a bug of ours.
import { z } from 'zod';

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string(), line: z.number().int().optional() })),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
export type ErrorDetail = ErrorBody['error']['details'][number];

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** 400 naming each bad field, from zod issues; `where` prefixes paths (body, query, params). */
export function invalidRequest(where: string, issues: z.core.$ZodIssue[]): HttpError {
  const details = issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return new HttpError(400, 'invalid_request', `invalid ${where}: ${summary}`, details);
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, 'not_found', `no ${what} ${JSON.stringify(id)}`, [
    { path: 'params.id', message: `unknown ${what}` },
  ]);
}
