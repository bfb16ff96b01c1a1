// Routes are declared once, with zod schemas for params, query, body and responses; the same
// declaration validates requests and generates the OpenAPI document (openapi.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { HttpError, invalidRequest } from './http-error';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Fastify path, e.g. `/api/exports/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** Requires the bearer token (everything under /api). */
  auth: boolean;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** How the body arrives; JSON unless stated. */
  bodyType?: 'application/json' | 'application/x-ndjson';
  bodyLimit?: number;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handler: (context: RouteContext<P, Q, B>) => Promise<RouteResponse>;
}

/** Keeps each route's types while collecting routes of different shapes in one list. */
export function defineRoute<P, Q, B>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    if (where === 'params') {
      // A malformed ID names nothing that exists: that is a 404, not a 400.
      throw new HttpError(404, 'not_found', `no such resource: ${JSON.stringify(value)}`, [
        { path: 'params', message: 'unknown identifier' },
      ]);
    }
    throw invalidRequest(where, result.error.issues);
  }
  return result.data;
}

export function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[]): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.path,
      ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
      config: { auth: spec.auth },
      handler: async (request, reply) => {
        if (spec.body && spec.bodyType !== 'application/x-ndjson') {
          const type = String(request.headers['content-type'] ?? '');
          if (!type.startsWith('application/json')) {
            throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json', [
              { path: 'headers.content-type', message: `expected application/json, got ${JSON.stringify(type)}` },
            ]);
          }
        }
        const params = parsePart(spec.params, request.params, 'params');
        const query = parsePart(spec.query, request.query, 'query');
        // NDJSON bodies are parsed line by line by their handler; `body` then documents one line.
        const body =
          spec.bodyType === 'application/x-ndjson'
            ? (undefined as unknown)
            : parsePart(spec.body, request.body, 'body');
        const result = await spec.handler({ params, query, body, request, reply });
        if (result.headers) reply.headers(result.headers);
        reply.code(result.status);
        return result.body === undefined ? reply.send() : reply.send(result.body);
      },
    });
  }
}
