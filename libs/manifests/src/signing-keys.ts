// Ed25519 keys for signing manifests. The private key is configured as the base64 of its 32-byte
// seed (or as PKCS#8 PEM); the public key is published as the base64 of its raw 32 bytes (or as
// SPKI PEM). A key is named by its key ID: the first 16 hex digits of the SHA-256 of the raw
// public key, so manifests say which key signed them and keys can be rotated.
import { type KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

// DER prefixes that wrap a raw Ed25519 key (RFC 8410) into PKCS#8 and SPKI.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

export interface ManifestSigningKey {
  privateKey: KeyObject;
  publicKey: ManifestPublicKey;
}

export interface ManifestPublicKey {
  key: KeyObject;
  keyId: string;
  /** Base64 of the raw 32-byte public key. */
  base64: string;
  pem: string;
}

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

function describePublic(key: KeyObject): ManifestPublicKey {
  const raw = rawPublicKey(key);
  return {
    key,
    keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
    base64: raw.toString('base64'),
    pem: key.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

function decodeBase64Key(text: string, what: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed))
    throw new SigningKeyError(`${what}: expected the base64 of a 32-byte Ed25519 key or a PEM block`);
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32)
    throw new SigningKeyError(`${what}: expected 32 bytes once base64-decoded, got ${bytes.length}`);
  return bytes;
}

/** Reads a private signing key: base64 of the 32-byte seed, or PKCS#8 PEM. */
export function parseSigningKey(text: string, what = 'MANIFEST_SIGNING_KEY'): ManifestSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = text.trim().startsWith('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({
          key: Buffer.concat([PKCS8_ED25519_PREFIX, decodeBase64Key(text, what)]),
          format: 'der',
          type: 'pkcs8',
        });
  } catch (err) {
    if (err instanceof SigningKeyError) throw err;
    throw new SigningKeyError(`${what}: not a readable private key (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new SigningKeyError(`${what}: expected an Ed25519 key, got ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  return { privateKey, publicKey: describePublic(createPublicKey(privateKey)) };
}

/** Reads a public key: base64 of the raw 32 bytes, or SPKI PEM. */
export function parsePublicKey(text: string, what = 'public key'): ManifestPublicKey {
  let key: KeyObject;
  try {
    key = text.trim().startsWith('-----BEGIN')
      ? createPublicKey(text)
      : createPublicKey({
          key: Buffer.concat([SPKI_ED25519_PREFIX, decodeBase64Key(text, what)]),
          format: 'der',
          type: 'spki',
        });
  } catch (err) {
    if (err instanceof SigningKeyError) throw err;
    throw new SigningKeyError(`${what}: not a readable public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new SigningKeyError(`${what}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return describePublic(key);
}

/** A new key, as the base64 of its seed (what MANIFEST_SIGNING_KEY takes). */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return der.subarray(der.length - 32).toString('base64');
}
