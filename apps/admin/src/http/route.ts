// Routes are declared once, with zod schemas for params, query, body and responses. The same
// declaration validates requests (our validator: errors in the API's own shape, naming the field),
// checks every response against its declared schema (fastify-type-provider-zod's serializer: a
// handler returning something the document does not promise is a 500 and a logged bug), and is
// what @fastify/swagger turns into the OpenAPI document (openapi.ts).
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { opsOnly } from '../access/principal';
import { callerOf } from '../access/caller';
import { HttpError, errorBodySchema, invalidRequest } from './http-error';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'organization' | 'ops';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

type Responses = Record<number, ResponseSpec>;

/** What a handler may return: one of its declared statuses, with a body of that status's schema. */
export type RouteResponse<R extends Responses = Responses> = {
  [S in keyof R & number]: {
    status: S;
    body?: R[S]['schema'] extends z.ZodType ? z.output<R[S]['schema']> : undefined;
    headers?: Record<string, string>;
  };
}[keyof R & number];

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R extends Responses = Responses> {
  method: Method;
  /** Fastify path, e.g. `/api/exports/:id`. */
  path: string;
  summary: string;
  tag: string;
  /**
   * Who may call it. `public`: anyone (probes). `organization`: any valid token; a customer token
   * sees only its organisation (another's resources answer 404). `ops`: ops tokens only (a
   * customer token gets 403).
   */
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** The 200 answer's content type when it is not JSON (the handler returns text and sets it). */
  produces?: 'application/yaml' | 'text/plain';
  /** How the body arrives; JSON unless stated. NDJSON bodies are parsed by their handler. */
  bodyType?: 'application/json' | 'application/x-ndjson';
  bodyLimit?: number;
  responses: R;
  handler: (context: RouteContext<P, Q, B>) => Promise<RouteResponse<NoInfer<R>>>;
}

/** Keeps each route's types while collecting routes of different shapes in one list. */
export function defineRoute<P, Q, B, const R extends Responses>(spec: RouteSpec<P, Q, B, R>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** Error statuses any route may answer with, in the one error shape. */
const ERROR_RESPONSES: Responses = {
  400: { description: 'the request is invalid: `details` names each bad field', schema: errorBodySchema },
  429: { description: 'too many failed authentication attempts from this address', schema: errorBodySchema },
  500: { description: 'a bug of ours: it is logged', schema: errorBodySchema },
};
const AUTH_RESPONSES: Responses = {
  401: { description: 'missing, wrong, revoked or expired bearer token', schema: errorBodySchema },
};
const OPS_RESPONSES: Responses = {
  403: { description: 'a customer token: this needs an ops token', schema: errorBodySchema },
};
const PARAMS_RESPONSES: Responses = {
  404: { description: 'no such resource', schema: errorBodySchema },
};
const BODY_RESPONSES: Responses = {
  413: { description: 'the body is larger than this route accepts', schema: errorBodySchema },
  415: { description: 'the body is not of the content type this route reads', schema: errorBodySchema },
};

/**
 * Request validation with zod, failing in the API's error shape: 400 naming each field, and 404
 * for a malformed ID in the path (it names nothing that exists).
 */
const zodRequestValidator: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (value) => {
    const where = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
    const result = schema.safeParse(value ?? {});
    if (result.success) return { value: result.data };
    if (where === 'params') {
      return {
        error: new HttpError(404, 'not_found', `no such resource: ${JSON.stringify(value)}`, [
          { path: 'params', message: 'unknown identifier' },
        ]),
      };
    }
    return { error: invalidRequest(where, result.error.issues) };
  };

const tracer = trace.getTracer('log-exporter-admin');

export function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[]): void {
  app.setValidatorCompiler(zodRequestValidator);
  app.setSerializerCompiler(serializerCompiler);
  for (const spec of routes) {
    const ndjson = spec.bodyType === 'application/x-ndjson';
    const responses: Responses = {
      ...ERROR_RESPONSES,
      ...(spec.access !== 'public' ? AUTH_RESPONSES : {}),
      ...(spec.access === 'ops' ? OPS_RESPONSES : {}),
      ...(spec.params ? PARAMS_RESPONSES : {}),
      ...(spec.body ? BODY_RESPONSES : {}),
      ...spec.responses,
    };
    app.route({
      method: spec.method,
      url: spec.path,
      ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
      config: { access: spec.access },
      schema: {
        summary: spec.summary,
        tags: [spec.tag],
        operationId: operationId(spec),
        security: spec.access === 'public' ? [] : [{ bearerAuth: [] }],
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { querystring: spec.query } : {}),
        ...(spec.body ? { body: ndjson ? ndjsonBody(spec.body) : spec.body } : {}),
        ...(ndjson ? { consumes: ['application/x-ndjson'] } : {}),
        response: Object.fromEntries(
          Object.entries(responses).map(([status, response]) => {
            // No body: a null schema, which the document shows as a response without content.
            const schema = (response.schema ?? z.null()).describe(response.description);
            // A text answer (YAML, HCL) under its own content type; errors stay JSON.
            if (spec.produces && status === '200')
              return [status, { description: response.description, content: { [spec.produces]: { schema } } }];
            return [status, schema];
          }),
        ),
      },
      // The content type is checked before the body is validated: a form post gets 415, not a 400.
      preValidation: async (request) => {
        if (spec.access === 'ops') opsOnly(callerOf(request), `${spec.method} ${spec.path}`);
        if (!spec.body) return;
        const expected = ndjson ? 'application/x-ndjson' : 'application/json';
        const type = String(request.headers['content-type'] ?? '');
        if (!type.startsWith(expected)) {
          throw new HttpError(415, 'unsupported_media_type', `send the body as ${expected}`, [
            { path: 'headers.content-type', message: `expected ${expected}, got ${JSON.stringify(type)}` },
          ]);
        }
      },
      handler: async (request, reply) => {
        // One server span per API request, a child of the caller's trace (traceparent) if any;
        // the Temporal client interceptor carries it on into the workflows started here.
        const parent = propagation.extract(context.active(), request.headers);
        return tracer.startActiveSpan(
          `${spec.method} ${spec.path}`,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': spec.method, 'http.route': spec.path } },
          parent,
          async (span) => {
            try {
              const result = await spec.handler({
                params: request.params,
                query: request.query,
                body: ndjson ? undefined : request.body,
                request,
                reply,
              });
              span.setAttribute('http.response.status_code', result.status);
              if (result.headers) reply.headers(result.headers);
              reply.code(result.status);
              return result.body === undefined ? reply.send() : reply.send(result.body);
            } catch (err) {
              span.recordException(err as Error);
              span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
              throw err;
            } finally {
              span.end();
            }
          },
        );
      },
    });
  }
}

/**
 * An NDJSON body as the document shows it: text, one JSON object per line, the line's schema
 * under `x-line-schema`. The handler validates each line itself (errors name the line).
 */
function ndjsonBody(line: z.ZodType): z.ZodType {
  return z.string().meta({
    description: 'one JSON object per line, each of the shape in x-line-schema',
    'x-line-schema': z.toJSONSchema(line, { io: 'input', unrepresentable: 'any' }),
  });
}

function operationId(spec: RouteSpec): string {
  const path = spec.path
    .replace(/:([A-Za-z_]+)/g, '{$1}')
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return `${spec.method.toLowerCase()}${path}`;
}
