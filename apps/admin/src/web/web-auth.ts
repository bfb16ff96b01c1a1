// The pages' authentication: a login form taking any valid token (ADMIN_TOKEN, an ops or a
// customer access token), a signed session cookie naming the token, and on every page a check
// that the token is still active (revoked or expired: back to the login page). Every POST also
// needs the CSRF token of its session. Sets `request.principal` and `request.webSession`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authenticate, sessionPrincipal } from '../access/access-tokens';
import '../access/caller';
import type { AdminDeps } from '../admin-deps';
import { HttpError } from '../http/http-error';
import { type Form, one } from './form';
import { type Html, page } from './html';
import { ADMIN_CSS, ADMIN_JS } from './static-assets';
import { loginView } from './views/login-page';
import {
  ADMIN_SUBJECT,
  SESSION_COOKIE,
  clearedSessionCookie,
  csrfIsValid,
  csrfToken,
  newSession,
  readCookie,
  sessionCookie,
  sessionSubject,
} from './web-session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session cookie's value, once checked. */
    webSession?: string;
  }
}

/** Paths the pages' guard leaves alone: the API (bearer tokens), probes, metrics, assets, login. */
function unguarded(path: string): boolean {
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    ['/healthz', '/livez', '/readyz', '/metrics', '/login'].includes(path) ||
    path.startsWith('/static/')
  );
}

/** A local path to return to after login; anything else (another site) becomes `/`. */
const localPath = z
  .string()
  .regex(/^\/(?!\/)[^\s]*$/)
  .catch('/');

export interface PageReply {
  status?: number;
  title: string;
  body: Html;
  flash?: { kind: 'ok' | 'error'; text: string };
}

export function createPageSender(secret: string) {
  return function sendPage(request: FastifyRequest, reply: FastifyReply, options: PageReply) {
    const session = request.webSession;
    const principal = request.principal;
    return reply
      .code(options.status ?? 200)
      .type('text/html; charset=utf-8')
      .send(
        page({
          title: options.title,
          body: options.body,
          ...(session ? { csrf: csrfToken(secret, session) } : {}),
          ...(principal ? { viewer: { name: principal.name, organization: principal.organization } } : {}),
          ...(options.flash ? { flash: options.flash } : {}),
        }),
      );
  };
}

export function registerWebAuth(app: FastifyInstance, deps: AdminDeps): void {
  const secret = deps.settings.adminToken;
  const sendPage = createPageSender(secret);

  app.addHook('preHandler', async (request, reply) => {
    const path = request.url.split('?')[0] as string;
    if (unguarded(path)) return;
    const session = readCookie(request.headers.cookie, SESSION_COOKIE);
    const subject = sessionSubject(secret, session);
    const principal = subject === undefined ? undefined : await sessionPrincipal(deps.store, subject);
    if (!principal || !session) {
      if (request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return reply.code(401).type('text/plain').send('log in first');
    }
    request.principal = principal;
    request.webSession = session;
    if (request.method === 'POST' && !csrfIsValid(secret, session, ((request.body ?? {}) as Form)._csrf)) {
      return reply
        .code(403)
        .type('text/plain')
        .send('the form expired or did not come from this site: reload the page and try again');
    }
  });

  app.get('/static/admin.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(ADMIN_JS));
  app.get('/static/admin.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(ADMIN_CSS));

  const loginPage = (request: FastifyRequest, reply: FastifyReply, status: number, error?: string) =>
    sendPage(request, reply, {
      status,
      title: 'Log in',
      body: loginView({
        next: localPath.parse((request.query as Record<string, unknown>).next ?? '/'),
        ...(error ? { error } : {}),
      }),
    });

  app.get('/login', async (request, reply) => loginPage(request, reply, 200));
  app.post('/login', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const principal = await authenticate(deps.store, secret, one(form, 'token'));
    if (!principal) {
      deps.logger.warn({ ip: request.ip }, 'web login refused');
      try {
        await app.countFailedAuth(request, reply);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 429) throw err;
        return loginPage(request, reply, 429, 'Too many failed attempts from your address: wait and try again.');
      }
      return loginPage(request, reply, 401, 'That token is not valid (wrong, revoked or expired).');
    }
    const subject = principal.tokenId ?? ADMIN_SUBJECT;
    reply.header('set-cookie', sessionCookie(newSession(secret, subject), request.protocol === 'https'));
    return reply.redirect(localPath.parse(one(form, 'next') || '/'), 303);
  });
  app.post('/logout', async (_request, reply) => {
    reply.header('set-cookie', clearedSessionCookie());
    return reply.redirect('/login', 303);
  });
}
