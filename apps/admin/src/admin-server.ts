// The admin app: JSON API under /api (bearer token: ADMIN_TOKEN or an access token), web pages for
// ops and customers (login with a token), probes (/livez, /readyz, /healthz) and /metrics. Built from its dependencies so tests run it with real ones of their own.
import { z } from 'zod';
import { ADMIN_AUTH_DEFAULTS } from '@log-exporter/schemas';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { AdminDeps } from './admin-deps';
import { destinationRoutes } from './api/destination-routes';
import { exportRoutes } from './api/export-routes';
import { healthRoutes } from './api/health-routes';
import { logIngestRoutes } from './api/log-ingest-routes';
import { manifestKeyRoutes } from './api/manifest-key-routes';
import { tokenRoutes } from './api/token-routes';
import { authenticate } from './access/access-tokens';
import { FailedAuthLimiter } from './access/failed-auth-limiter';
import { bearerToken } from './http/auth';
import { HttpError } from './http/http-error';
import { registerHttpMetrics } from './http/http-metrics';
import { registerOpenApi } from './http/openapi';
import { type RouteSpec, defineRoute, registerRoutes } from './http/route';
import { registerWebPages } from './web/web-pages';

const JSON_BODY_LIMIT = 256 * 1024;

/** The admin app's version: in the OpenAPI document and GET /api/openapi.json. */
export const ADMIN_VERSION = '0.1.0';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Fastify's own 4xx errors (bad JSON, wrong content type, body too large) in our error shape. */
function fromFastifyError(err: FastifyError): HttpError {
  const status = err.statusCode ?? 500;
  if (status === 413) {
    return new HttpError(413, 'payload_too_large', 'the body is larger than this route accepts', [
      { path: 'body', message: err.message },
    ]);
  }
  if (status === 415) {
    return new HttpError(415, 'unsupported_media_type', err.message, [
      { path: 'headers.content-type', message: err.message },
    ]);
  }
  return new HttpError(status, 'invalid_request', `the request could not be read: ${err.message}`, [
    { path: 'body', message: err.message },
  ]);
}

export function apiRoutes(deps: AdminDeps): RouteSpec[] {
  const routes = [
    ...healthRoutes(deps),
    ...destinationRoutes(deps),
    ...exportRoutes(deps),
    ...logIngestRoutes(deps),
    ...manifestKeyRoutes(deps),
    ...tokenRoutes(deps),
  ];
  routes.push(
    defineRoute({
      method: 'GET',
      path: '/api/openapi.json',
      summary: 'This API as an OpenAPI 3 document (also committed as docs/openapi.json)',
      tag: 'meta',
      access: 'organization',
      responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
      handler: async ({ request }) => ({
        status: 200,
        body: request.server.swagger() as unknown as Record<string, unknown>,
      }),
    }),
  );
  return routes;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
    /** Counts one failed authentication of this request's address; throws 429 once it is locked out. */
    countFailedAuth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export async function buildAdminServer(deps: AdminDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    // A hop count is valid (proxy-addr) though Fastify's types omit it.
    trustProxy: (deps.settings.trustProxy ?? false) as boolean | string,
  });
  // Every route as registered (API, pages, static files): what the auth test walks through.
  const registered: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registered.push({ method, url: route.url });
  });
  app.decorate('registeredRoutes', registered);

  registerHttpMetrics(app);

  // Failed token attempts (a wrong API token, a refused login) per client address: past the limit
  // the address is locked out (429 with Retry-After). A right token is never slowed.
  const limiter = new FailedAuthLimiter({
    perMinute: deps.settings.failedAuthPerMinute ?? ADMIN_AUTH_DEFAULTS.failedAuthPerMinute,
    lockoutMs: deps.settings.failedAuthLockoutMs ?? ADMIN_AUTH_DEFAULTS.failedAuthLockoutMs,
  });
  const countFailedAuth = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const lockedMs = await limiter.fail(request.ip);
    if (lockedMs === 0) return;
    request.log.warn({ ip: request.ip, lockedMs }, 'address locked out after failed authentication');
    reply.header('retry-after', String(Math.ceil(lockedMs / 1000)));
    throw new HttpError(
      429,
      'rate_limited',
      `too many failed authentication attempts: try again in ${Math.ceil(lockedMs / 60_000)} minute(s)`,
      [
        {
          path: 'headers.authorization',
          message: `more than ${limiter.options.perMinute} failures in a minute from this address`,
        },
      ],
    );
  };
  app.decorate('countFailedAuth', countFailedAuth);

  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const form: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(body as string)) {
      const existing = form[key];
      form[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    done(null, form);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });

  // Everything under /api needs the bearer token; nothing else is reachable without a session.
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] as string;
    if (path !== '/api' && !path.startsWith('/api/')) return;
    const token = bearerToken(request.headers.authorization);
    const principal = token === undefined ? undefined : await authenticate(deps.store, deps.settings.adminToken, token);
    if (!principal) {
      if (token !== undefined) await countFailedAuth(request, reply);
      const error = new HttpError(401, 'unauthorized', 'send Authorization: Bearer <token>', [
        { path: 'headers.authorization', message: token === undefined ? 'missing' : 'wrong, revoked or expired token' },
      ]);
      return reply.code(401).header('www-authenticate', 'Bearer').send(error.toBody());
    }
    request.principal = principal;
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const error = err instanceof HttpError ? err : (err.statusCode ?? 500) < 500 ? fromFastifyError(err) : undefined;
    if (error) return reply.code(error.status).send(error.toBody());
    request.log.error({ err }, 'unhandled error');
    return reply
      .code(500)
      .send(new HttpError(500, 'internal', 'internal error: it is logged; please report it').toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new HttpError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    if (request.url.startsWith('/api')) return reply.code(404).send(error.toBody());
    return reply.code(404).type('text/plain; charset=utf-8').send(error.message);
  });

  await registerOpenApi(app, { version: deps.settings.version });
  registerRoutes(app, apiRoutes(deps));
  registerWebPages(app, deps);
  await app.ready();
  return app;
}
