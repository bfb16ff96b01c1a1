// The manifest of one window: what it lists, the link to the previous window's manifest, and its
// Ed25519 signature. The signature covers the *signing payload*: the manifest without its
// `signature` member, as compact JSON with the members in the order they are written (Python's
// `json.dumps(m, separators=(",", ":"), ensure_ascii=False)` of the parsed file, minus
// `signature`, gives the same bytes). The file itself is that manifest, pretty-printed.
import { createHash, sign, verify } from 'node:crypto';
import {
  type ExportedObject,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestLink,
  type ManifestRevision,
  RECORD_SCHEMA_VERSION,
  type ResolvedExport,
  type UnsignedManifest,
  manifestSchema,
} from '@log-exporter/schemas';
import type { ManifestPublicKey, ManifestSigningKey } from './signing-keys';

/** Which delivery of the window a manifest describes: the first (revision 1) or a later one. */
export interface ManifestRevisionInfo {
  revision: number;
  /** The window's earlier manifests, oldest first (none for revision 1). */
  previousRevisions: readonly ManifestRevision[];
}

const FIRST_REVISION: ManifestRevisionInfo = { revision: 1, previousRevisions: [] };

/** The manifest's members in the order they are written (and signed). */
export function buildManifest(
  resolved: Pick<
    ResolvedExport,
    'exportId' | 'organization' | 'logType' | 'format' | 'compression' | 'cadence' | 'window'
  >,
  objects: readonly ExportedObject[],
  previousManifest: ManifestLink | null,
  revision: ManifestRevisionInfo = FIRST_REVISION,
): UnsignedManifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    schemaVersion: RECORD_SCHEMA_VERSION,
    exportId: resolved.exportId,
    organization: resolved.organization,
    logType: resolved.logType,
    format: resolved.format,
    compression: resolved.compression,
    cadence: resolved.cadence,
    window: { start: resolved.window.start, end: resolved.window.end },
    revision: revision.revision,
    objects: objects.map((o) => ({ key: o.key, records: o.records, bytes: o.bytes, sha256: o.sha256 })),
    totals: {
      objects: objects.length,
      records: objects.reduce((sum, o) => sum + o.records, 0),
      bytes: objects.reduce((sum, o) => sum + o.bytes, 0),
    },
    previousManifest,
    previousRevisions: revision.previousRevisions.map((r) => ({ revision: r.revision, sha256: r.sha256 })),
  };
}

/** The bytes a signature covers. */
export function signingPayload(manifest: UnsignedManifest | Manifest): Buffer {
  const { signature: _signature, ...unsigned } = manifest as Manifest;
  return Buffer.from(JSON.stringify(unsigned), 'utf8');
}

/** Signs the manifest (Ed25519 signatures are deterministic: same manifest, same bytes). */
export function signManifest(manifest: UnsignedManifest, key: ManifestSigningKey | null): Manifest {
  if (!key) return { ...manifest, signature: null };
  return {
    ...manifest,
    signature: {
      algorithm: 'Ed25519',
      keyId: key.publicKey.keyId,
      value: sign(null, signingPayload(manifest), key.privateKey).toString('base64'),
    },
  };
}

/** The manifest file's bytes. */
export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export type ParsedManifest = { ok: true; manifest: Manifest } | { ok: false; reason: string };

/** Parses a manifest file, naming what is wrong with it. */
export function parseManifest(bytes: Buffer): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `not a manifest: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, manifest: parsed.data };
}

export type SignatureCheck =
  | { status: 'valid'; keyId: string }
  | { status: 'unsigned' }
  | { status: 'unknown-key'; keyId: string }
  | { status: 'invalid'; keyId: string };

export function checkManifestSignature(manifest: Manifest, keys: readonly ManifestPublicKey[]): SignatureCheck {
  const signature = manifest.signature;
  if (!signature) return { status: 'unsigned' };
  const key = keys.find((k) => k.keyId === signature.keyId);
  if (!key) return { status: 'unknown-key', keyId: signature.keyId };
  let ok = false;
  try {
    ok = verify(null, signingPayload(manifest), key.key, Buffer.from(signature.value, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? { status: 'valid', keyId: key.keyId } : { status: 'invalid', keyId: key.keyId };
}
