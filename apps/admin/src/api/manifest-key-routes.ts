import { z } from 'zod';
import type { AdminDeps } from '../admin-deps';
import { defineRoute } from '../http/route';

export const manifestKeysSchema = z.object({
  keys: z.array(
    z.object({
      algorithm: z.literal('Ed25519'),
      keyId: z.string(),
      /** Base64 of the raw 32-byte public key (what `verify --public-key` takes). */
      publicKey: z.string(),
      /** The same key as SPKI PEM (for openssl and most crypto libraries). */
      pem: z.string(),
    }),
  ),
});

export function manifestKeyRoutes(deps: AdminDeps) {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/manifest-keys',
      summary: 'The public keys that check manifest signatures (newest first), to hand to customers',
      tag: 'integrity',
      access: 'organization',
      responses: { 200: { description: 'the public keys', schema: manifestKeysSchema } },
      handler: async () => ({
        status: 200,
        body: {
          keys: deps.settings.manifestPublicKeys.map((k) => ({
            algorithm: 'Ed25519' as const,
            keyId: k.keyId,
            publicKey: k.base64,
            pem: k.pem,
          })),
        },
      }),
    }),
  ];
}
