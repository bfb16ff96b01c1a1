// External IDs: AWS's defence against the confused deputy. Ours are 48 characters drawn from a
// CSPRNG (288 bits), in the character set STS accepts, and never reused across destinations.
import { randomBytes } from 'node:crypto';

export const EXTERNAL_ID_LENGTH = 48;

export function generateExternalId(): string {
  // 36 random bytes are exactly 48 base64url characters: [A-Za-z0-9_-], all valid for STS.
  return randomBytes(36).toString('base64url');
}

/** STS's own rule for ExternalId: 2-1224 characters of [\w+=,.@:/-]. */
export function isValidExternalId(value: string): boolean {
  return /^[\w+=,.@:/-]{2,1224}$/.test(value);
}
