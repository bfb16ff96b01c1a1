// Random, URL-safe IDs for destinations, exports, access tokens and notifications (16 base32 characters = 80 bits).
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function randomId(prefix: 'dst' | 'exp' | 'tok' | 'ntf'): string {
  const bytes = randomBytes(16);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return `${prefix}_${id}`;
}
