// Ops' token pages: list, issue (the secret is on the answering page only, so no redirect), revoke.
// A customer's session gets 403: these pages are ops-only, and their existence is no secret.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { issueToken, withStatus } from '../access/access-tokens';
import { callerOf } from '../access/caller';
import type { AdminDeps } from '../admin-deps';
import { createTokenInputSchema, tokenIdSchema } from '../api/token-routes';
import { type FieldErrors, type Form, fieldErrors, one } from './form';
import { html } from './html';
import { createPageSender } from './web-auth';
import { csrfToken } from './web-session';
import { tokensView } from './views/tokens-page';

export function registerTokenPages(app: FastifyInstance, deps: AdminDeps): void {
  const sendPage = createPageSender(deps.settings.adminToken);

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { status?: number; values?: Form; errors?: FieldErrors; issued?: { name: string; token: string } } = {},
  ) {
    const tokens = (await deps.store.accessTokens.list()).map((t) => withStatus(t));
    return sendPage(request, reply, {
      status: options.status ?? 200,
      title: 'Access tokens',
      body: tokensView({
        tokens,
        csrf: csrfToken(deps.settings.adminToken, request.webSession ?? ''),
        values: options.values ?? {},
        errors: options.errors ?? {},
        ...(options.issued ? { issued: options.issued } : {}),
      }),
    });
  }

  /** True when the viewer is ops; else answers 403 and returns false. */
  async function opsOnly(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (callerOf(request).kind === 'ops') return true;
    await sendPage(request, reply, {
      status: 403,
      title: 'Ops only',
      body: html`<h1>Ops only</h1>
        <p>Access tokens are issued by ops. <a href="/">Back to your exports</a></p>`,
    });
    return false;
  }

  app.get('/tokens', async (request, reply) => {
    if (await opsOnly(request, reply)) return page(request, reply);
  });

  app.post('/tokens', async (request, reply) => {
    if (!(await opsOnly(request, reply))) return;
    const form = (request.body ?? {}) as Form;
    const input = Object.fromEntries(
      ['kind', 'name', 'organization', 'expiresAt'].map((k) => [k, one(form, k)]).filter(([, v]) => v !== ''),
    );
    const parsed = createTokenInputSchema.safeParse(input);
    if (!parsed.success) return page(request, reply, { status: 400, values: form, errors: fieldErrors(parsed.error) });
    const { token, secret } = await issueToken(
      deps.store,
      {
        kind: parsed.data.kind,
        name: parsed.data.name,
        organization: parsed.data.organization ?? null,
        expiresAt: parsed.data.expiresAt ?? null,
      },
      callerOf(request),
    );
    request.log.info({ tokenId: token.id, kind: token.kind, organization: token.organization }, 'access token created');
    return page(request, reply, { status: 201, issued: { name: token.name, token: secret } });
  });

  app.post('/tokens/:id/revoke', async (request, reply) => {
    if (!(await opsOnly(request, reply))) return;
    const id = String((request.params as { id?: string }).id ?? '');
    const revoked = tokenIdSchema.safeParse(id).success ? await deps.store.accessTokens.revoke(id) : undefined;
    if (!revoked) return page(request, reply, { status: 404 });
    request.log.info({ tokenId: revoked.id }, 'access token revoked');
    return reply.redirect('/tokens', 303);
  });
}
