// Secrets shown once in the pages (an export's notification secret), across the redirect that
// follows the form post (post/redirect/get, so a reload cannot repeat the post): the secret waits
// here under a random ticket in the redirect's URL, and the first page view that presents the
// ticket takes it. In memory, per process, for ten minutes at most; a ticket that reaches another
// process or comes late finds nothing, and the page says to make a new secret.
import { randomBytes } from 'node:crypto';

const TTL_MS = 10 * 60_000;
const MAX_WAITING = 1_000;

export class OneTimeSecrets {
  private readonly waiting = new Map<string, { secret: string; until: number }>();

  put(secret: string, now = Date.now()): string {
    for (const [ticket, entry] of this.waiting) if (entry.until <= now) this.waiting.delete(ticket);
    // Oldest first out when full (a Map iterates in insertion order).
    while (this.waiting.size >= MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value as string);
    const ticket = randomBytes(16).toString('base64url');
    this.waiting.set(ticket, { secret, until: now + TTL_MS });
    return ticket;
  }

  /** The secret, once; undefined for an unknown, taken or expired ticket. */
  take(ticket: string, now = Date.now()): string | undefined {
    const entry = this.waiting.get(ticket);
    this.waiting.delete(ticket);
    return entry && entry.until > now ? entry.secret : undefined;
  }
}
