// Ingest for other services and tests: NDJSON, one record per line, all or nothing. A bad line
// fails the whole request with every bad line and field listed; nothing is stored.
import { type z } from 'zod';
import { auditLogIngestSchema, clientLogRecordSchema } from '@log-exporter/schemas';
import type { AdminDeps } from '../admin-deps';
import { type ErrorDetail, HttpError, errorBodySchema } from '../http/http-error';
import { defineRoute } from '../http/route';
import { ingestResultSchema } from './representations';

const MAX_REPORTED_PROBLEMS = 100;

function parseLines<S extends z.ZodType>(body: unknown, schema: S): z.output<S>[] {
  if (typeof body !== 'string') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send records as application/x-ndjson: one JSON object per line',
      [{ path: 'headers.content-type', message: 'expected application/x-ndjson' }],
    );
  }
  const records: z.output<S>[] = [];
  const problems: ErrorDetail[] = [];
  const lines = body.split('\n');
  let badLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as string).replace(/\r$/, '');
    if (text.trim() === '') continue;
    const lineNumber = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      badLines++;
      if (problems.length < MAX_REPORTED_PROBLEMS)
        problems.push({ line: lineNumber, path: '(line)', message: `not JSON: ${(err as Error).message}` });
      continue;
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      badLines++;
      for (const issue of result.error.issues) {
        if (problems.length < MAX_REPORTED_PROBLEMS) {
          problems.push({
            line: lineNumber,
            path: issue.path.length ? issue.path.map(String).join('.') : '(record)',
            message: issue.message,
          });
        }
      }
      continue;
    }
    records.push(result.data);
  }
  if (problems.length > 0) {
    const first = problems[0] as ErrorDetail;
    throw new HttpError(
      400,
      'invalid_records',
      `${badLines} bad line(s); nothing was stored. First: line ${first.line}, ${first.path}: ${first.message}`,
      problems,
    );
  }
  if (records.length === 0) {
    throw new HttpError(400, 'invalid_records', 'the body holds no records', [{ path: 'body', message: 'empty' }]);
  }
  return records;
}

export function logIngestRoutes(deps: AdminDeps) {
  const common = {
    method: 'POST' as const,
    tag: 'logs',
    access: 'ops' as const,
    bodyType: 'application/x-ndjson' as const,
    bodyLimit: deps.settings.ingestBodyLimit,
  };
  const responses = {
    200: {
      description: 'stored; records whose request_id / uuid was already stored are counted as duplicates',
      schema: ingestResultSchema,
    },
    400: {
      description: 'a line is bad; details list line numbers and fields; nothing stored',
      schema: errorBodySchema,
    },
    413: { description: 'body larger than the limit', schema: errorBodySchema },
    415: { description: 'not NDJSON', schema: errorBodySchema },
  };
  return [
    defineRoute({
      ...common,
      path: '/api/logs/client',
      summary: 'Ingest client (download) log records, NDJSON',
      body: clientLogRecordSchema,
      responses,
      handler: async ({ request }) => {
        const records = parseLines(request.body, clientLogRecordSchema);
        const result = await deps.store.logs.insertClientLogs(records);
        return { status: 200, body: { received: records.length, ...result } };
      },
    }),
    defineRoute({
      ...common,
      path: '/api/logs/audit',
      summary: 'Ingest audit log records (with their organization), NDJSON',
      body: auditLogIngestSchema,
      responses,
      handler: async ({ request }) => {
        const records = parseLines(request.body, auditLogIngestSchema);
        const result = await deps.store.logs.insertAuditLogs(records);
        return { status: 200, body: { received: records.length, ...result } };
      },
    }),
  ];
}
