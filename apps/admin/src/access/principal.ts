// Who is calling: every authenticated request (API token or web session) resolves to a principal.
// Ops principals see every organisation; a customer principal sees its own organisation only, and
// everything of another organisation answers as if it did not exist (404, never 403).
import { HttpError } from '../http/http-error';

export interface Principal {
  kind: 'ops' | 'customer';
  /** The token's name: the actor of every audit event this principal causes. */
  name: string;
  /** The customer's organisation; null for ops (every organisation). */
  organization: string | null;
  /** The access token's ID; null for the bootstrap ADMIN_TOKEN. */
  tokenId: string | null;
}

/** The bootstrap `ADMIN_TOKEN`: an ops principal named "admin". */
export const BOOTSTRAP_PRINCIPAL: Principal = { kind: 'ops', name: 'admin', organization: null, tokenId: null };

export function canSee(principal: Principal, organization: string): boolean {
  return principal.organization === null || principal.organization === organization;
}

/**
 * The organisation a listing is narrowed to: the customer's own, or what an ops caller asked for.
 * `null` means nothing can match (a customer asking for another organisation gets an empty list).
 */
export function listingOrganization(principal: Principal, asked: string | undefined): string | undefined | null {
  if (principal.organization === null) return asked;
  if (asked !== undefined && asked !== principal.organization) return null;
  return principal.organization;
}

/** A customer naming another organisation in a request body: 403 naming the field. */
export function requireOwnOrganization(principal: Principal, organization: string, field: string): void {
  if (canSee(principal, organization)) return;
  throw new HttpError(
    403,
    'forbidden',
    `this token may only act for organisation ${JSON.stringify(principal.organization)}`,
    [{ path: field, message: `not your organisation: ${JSON.stringify(organization)}` }],
  );
}

export function opsOnly(principal: Principal, what: string): void {
  if (principal.kind === 'ops') return;
  throw new HttpError(403, 'forbidden', `${what} needs an ops token`, [
    { path: 'headers.authorization', message: 'a customer token may not do this' },
  ]);
}
