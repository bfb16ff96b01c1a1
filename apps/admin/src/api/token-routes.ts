// Access tokens: ops create them for colleagues and services (kind ops) and for customers (kind
// customer, bound to one organisation). The secret is in the creation response only.
import { z } from 'zod';
import { slug } from '@log-exporter/schemas';
import { issueToken, withStatus } from '../access/access-tokens';
import { callerOf } from '../access/caller';
import type { AdminDeps } from '../admin-deps';
import { errorBodySchema, notFound } from '../http/http-error';
import { defineRoute } from '../http/route';

export const tokenIdSchema = z.string().regex(/^tok_[a-z2-7]{16}$/, 'expected a token ID like "tok_…" (16 characters)');
const tokenParams = z.object({ id: tokenIdSchema });

/** Most a token may live; a longer-lived one is a credential nobody remembers issuing. */
const MAX_TOKEN_LIFETIME_MS = 400 * 86_400_000;

export const createTokenInputSchema = z
  .strictObject({
    kind: z.enum(['ops', 'customer']),
    name: z
      .string()
      .trim()
      .regex(/^[\w.@+ -]{1,128}$/, 'expected 1–128 letters, digits, spaces or . @ + - _')
      .meta({ description: 'Who or what holds the token: the actor of every change made with it.' }),
    organization: slug.optional().meta({ description: 'The customer organisation (customer tokens only).' }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'When the token stops working (RFC 3339, within 400 days); never, if absent.' }),
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'customer' && input.organization === undefined)
      ctx.addIssue({ code: 'custom', path: ['organization'], message: 'a customer token needs its organisation' });
    if (input.kind === 'ops' && input.organization !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['organization'],
        message: 'an ops token sees every organisation: omit it',
      });
    if (input.expiresAt !== undefined) {
      const at = Date.parse(input.expiresAt);
      if (at <= Date.now())
        ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: `already past: ${input.expiresAt}` });
      else if (at > Date.now() + MAX_TOKEN_LIFETIME_MS)
        ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: `more than 400 days ahead: ${input.expiresAt}` });
    }
  });

export const accessTokenSchema = z.object({
  id: tokenIdSchema,
  kind: z.enum(['ops', 'customer']),
  name: z.string(),
  organization: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});

const errors = {
  400: { description: 'a field is invalid; details name it', schema: errorBodySchema },
  404: { description: 'unknown token', schema: errorBodySchema },
};

export function tokenRoutes(deps: AdminDeps) {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/tokens',
      summary: 'Create an access token (ops, or customer of one organisation); the secret is shown only here',
      tag: 'tokens',
      access: 'ops',
      body: createTokenInputSchema,
      responses: {
        201: {
          description: 'created: `token` is the bearer token, stored only as a digest',
          schema: accessTokenSchema.extend({ token: z.string() }),
        },
        400: errors[400],
      },
      handler: async ({ body, request }) => {
        const { token, secret } = await issueToken(
          deps.store,
          {
            kind: body.kind,
            name: body.name,
            organization: body.organization ?? null,
            expiresAt: body.expiresAt ?? null,
          },
          callerOf(request),
        );
        request.log.info(
          { tokenId: token.id, kind: token.kind, organization: token.organization },
          'access token created',
        );
        return { status: 201, body: { ...withStatus(token), token: secret } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/tokens',
      summary: 'List access tokens (never their secrets)',
      tag: 'tokens',
      access: 'ops',
      responses: { 200: { description: 'tokens, oldest first', schema: z.array(accessTokenSchema) } },
      handler: async () => ({ status: 200, body: (await deps.store.accessTokens.list()).map((t) => withStatus(t)) }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/tokens/:id',
      summary: 'Revoke an access token: it stops working at once (its web sessions too)',
      tag: 'tokens',
      access: 'ops',
      params: tokenParams,
      responses: { 200: { description: 'the revoked token', schema: accessTokenSchema }, 404: errors[404] },
      handler: async ({ params, request }) => {
        const revoked = await deps.store.accessTokens.revoke(params.id);
        if (!revoked) throw notFound('token', params.id);
        request.log.info({ tokenId: revoked.id }, 'access token revoked');
        return { status: 200, body: withStatus(revoked) };
      },
    }),
  ];
}
