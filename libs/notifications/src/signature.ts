// Signed bodies: every notification carries `X-Log-Exporter-Signature: sha256=<hex>`, the
// HMAC-SHA256 of the raw body under the export's notification secret. Receivers recompute it over
// the bytes they received and compare in constant time (docs/notifications.md shows how).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new notification secret: `whsec_` and 256 random bits, base64url. */
export function newNotifySecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The signature header's value for this body. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `header` is this body's signature under `secret` (constant-time comparison). */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
