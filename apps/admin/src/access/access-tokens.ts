// Access tokens: `<id>.<secret>` (e.g. `tok_3kq…x7.Qm9…`), 256 random bits of secret. The store keeps
// only the secret's SHA-256 (a high-entropy secret needs no slow hash); a presented token is
// looked up by its ID and its digest compared in constant time. Revocation and expiry are checked
// on every request, so a revoked token stops working at once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessToken, AccessTokenKind, Store } from '@log-exporter/store';
import { tokensMatch } from '../http/auth';
import { BOOTSTRAP_PRINCIPAL, type Principal } from './principal';

const TOKEN_PATTERN = /^(tok_[a-z2-7]{16})\.([A-Za-z0-9_-]{43})$/;

function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface TokenRequest {
  kind: AccessTokenKind;
  name: string;
  organization: string | null;
  expiresAt: string | null;
}

/** Creates a token; the returned `secret` (the whole bearer token) exists nowhere else. */
export async function issueToken(
  store: Store,
  request: TokenRequest,
  createdBy: Principal,
): Promise<{ token: AccessToken; secret: string }> {
  const secret = randomBytes(32).toString('base64url');
  const token = await store.accessTokens.create({
    ...request,
    secretSha256: secretDigest(secret),
    createdBy: createdBy.name,
  });
  return { token, secret: `${token.id}.${secret}` };
}

export function isActive(token: AccessToken, now: number): boolean {
  return token.revokedAt === null && (token.expiresAt === null || Date.parse(token.expiresAt) > now);
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** The token with its status, as the API and the tokens page show it. */
export function withStatus(token: AccessToken, now = Date.now()): AccessToken & { status: TokenStatus } {
  const status: TokenStatus = token.revokedAt !== null ? 'revoked' : isActive(token, now) ? 'active' : 'expired';
  return { ...token, status };
}

export function principalOf(token: AccessToken): Principal {
  return { kind: token.kind, name: token.name, organization: token.organization, tokenId: token.id };
}

/** The principal of a presented bearer token, or undefined (unknown, wrong, revoked or expired). */
export async function authenticate(
  store: Store,
  adminToken: string,
  presented: string,
  now = Date.now(),
): Promise<Principal | undefined> {
  if (tokensMatch(presented, adminToken)) return BOOTSTRAP_PRINCIPAL;
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) return undefined;
  return activePrincipal(store, match[1] as string, match[2] as string, now);
}

async function activePrincipal(store: Store, id: string, secret: string, now: number): Promise<Principal | undefined> {
  const stored = await store.accessTokens.get(id);
  if (!stored) return undefined;
  const given = Buffer.from(secretDigest(secret), 'hex');
  const expected = Buffer.from(stored.secretSha256, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return isActive(stored, now) ? principalOf(stored) : undefined;
}

/** The principal a web session names by token ID (the session's signature was checked already). */
export async function sessionPrincipal(
  store: Store,
  tokenId: string,
  now = Date.now(),
): Promise<Principal | undefined> {
  if (tokenId === 'admin') return BOOTSTRAP_PRINCIPAL;
  const stored = await store.accessTokens.get(tokenId);
  return stored && isActive(stored, now) ? principalOf(stored) : undefined;
}
