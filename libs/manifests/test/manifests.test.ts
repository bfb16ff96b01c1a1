import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { manifestSchema } from '@log-exporter/schemas';
import {
  buildManifest,
  checkManifestSignature,
  generateSigningKey,
  parseManifest,
  parsePublicKey,
  parseSigningKey,
  serializeManifest,
  signManifest,
  signingPayload,
} from '../src';

const KEY = parseSigningKey(generateSigningKey());
const RESOLVED = {
  exportId: 'exp_7k3m9q2x4w8zq5n1',
  organization: 'acme',
  logType: 'client' as const,
  format: 'csv' as const,
  compression: 'gzip' as const,
  cadence: 'daily' as const,
  window: { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' },
};
const OBJECTS = [
  {
    key: 'p/dt=2026-11-25/client_exp_7k3m9q2x4w8zq5n1_2026-11-25_part00001.csv.gz',
    records: 10,
    bytes: 300,
    sha256: 'a'.repeat(64),
  },
  {
    key: 'p/dt=2026-11-25/client_exp_7k3m9q2x4w8zq5n1_2026-11-25_part00002.csv.gz',
    records: 5,
    bytes: 200,
    sha256: 'b'.repeat(64),
  },
];
const LINK = {
  window: { start: '2026-11-24T00:00:00Z', end: '2026-11-25T00:00:00Z' },
  key: 'p/dt=2026-11-24/_manifest_exp_7k3m9q2x4w8zq5n1_2026-11-24.json',
  sha256: 'c'.repeat(64),
};

describe('manifests', () => {
  it('lists objects, totals, schema versions and the link, in a fixed member order', () => {
    const manifest = buildManifest(RESOLVED, OBJECTS, LINK);
    expect(Object.keys(manifest)).toEqual([
      'manifestVersion',
      'schemaVersion',
      'exportId',
      'organization',
      'logType',
      'format',
      'compression',
      'cadence',
      'window',
      'revision',
      'objects',
      'totals',
      'previousManifest',
      'previousRevisions',
    ]);
    expect(manifest.totals).toEqual({ objects: 2, records: 15, bytes: 500 });
    expect(manifest.manifestVersion).toBe(3);
    expect(manifest).toMatchObject({ revision: 1, previousRevisions: [] });
    expect(manifest.schemaVersion).toBe(1);
    expect(manifestSchema.parse(signManifest(manifest, KEY))).toEqual(signManifest(manifest, KEY));
  });

  it('still reads and checks a version 2 manifest (written before revisions existed)', () => {
    const { revision: _revision, previousRevisions: _previous, ...rest } = buildManifest(RESOLVED, OBJECTS, LINK);
    const v2 = signManifest({ ...rest, manifestVersion: 2 } as never, KEY);
    const parsed = parseManifest(serializeManifest(v2));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.manifest).not.toHaveProperty('revision');
    expect(checkManifestSignature(parsed.manifest, [KEY.publicKey])).toEqual({
      status: 'valid',
      keyId: KEY.publicKey.keyId,
    });
  });

  it('names the earlier revisions of its window, which a later window may link to', () => {
    const revised = buildManifest(RESOLVED, OBJECTS, LINK, {
      revision: 3,
      previousRevisions: [
        { revision: 1, sha256: 'd'.repeat(64) },
        { revision: 2, sha256: 'e'.repeat(64) },
      ],
    });
    expect(revised).toMatchObject({ manifestVersion: 3, revision: 3 });
    expect(revised.previousRevisions!.map((r) => r.revision)).toEqual([1, 2]);
    expect(manifestSchema.parse(signManifest(revised, KEY))).toEqual(signManifest(revised, KEY));
  });

  it('signs deterministically: the same manifest gives the same bytes', () => {
    const a = serializeManifest(signManifest(buildManifest(RESOLVED, OBJECTS, LINK), KEY));
    const b = serializeManifest(signManifest(buildManifest(RESOLVED, OBJECTS, LINK), KEY));
    expect(a.equals(b)).toBe(true);
  });

  it('accepts its own signature and refuses any change, another key, and no signature', () => {
    const signed = signManifest(buildManifest(RESOLVED, OBJECTS, LINK), KEY);
    expect(checkManifestSignature(signed, [KEY.publicKey])).toEqual({ status: 'valid', keyId: KEY.publicKey.keyId });
    const changed = { ...signed, objects: [{ ...OBJECTS[0]!, records: 11 }, OBJECTS[1]!] };
    expect(checkManifestSignature(changed, [KEY.publicKey]).status).toBe('invalid');
    const relinked = { ...signed, previousManifest: null };
    expect(checkManifestSignature(relinked, [KEY.publicKey]).status).toBe('invalid');
    const other = parseSigningKey(generateSigningKey());
    expect(checkManifestSignature(signed, [other.publicKey])).toEqual({
      status: 'unknown-key',
      keyId: KEY.publicKey.keyId,
    });
    expect(checkManifestSignature(signManifest(buildManifest(RESOLVED, OBJECTS, LINK), null), [KEY.publicKey])).toEqual(
      {
        status: 'unsigned',
      },
    );
    const garbage = { ...signed, signature: { ...signed.signature!, value: 'not base64 at all!' } };
    expect(checkManifestSignature(garbage, [KEY.publicKey]).status).toBe('invalid');
  });

  it('signs what a customer can rebuild without our code: the parsed file minus `signature`, compact', () => {
    const signed = signManifest(buildManifest(RESOLVED, OBJECTS, LINK), KEY);
    const file = serializeManifest(signed);
    const { signature: _s, ...rest } = JSON.parse(file.toString('utf8')) as Record<string, unknown>;
    expect(Buffer.from(JSON.stringify(rest)).equals(signingPayload(signed))).toBe(true);
  });

  it('verifies with openssl, as docs/manifests.md tells customers to', () => {
    const signed = signManifest(buildManifest(RESOLVED, OBJECTS, LINK), KEY);
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    writeFileSync(join(dir, 'payload'), signingPayload(signed));
    writeFileSync(join(dir, 'sig'), Buffer.from(signed.signature!.value, 'base64'));
    writeFileSync(join(dir, 'pub.pem'), KEY.publicKey.pem);
    const out = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        join(dir, 'pub.pem'),
        '-rawin',
        '-in',
        join(dir, 'payload'),
        '-sigfile',
        join(dir, 'sig'),
      ],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/Signature Verified Successfully/);
  });

  it('reads keys as base64 or PEM, naming the variable when they are wrong', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const fromPem = parseSigningKey(pem);
    expect(parsePublicKey(fromPem.publicKey.base64).keyId).toBe(fromPem.publicKey.keyId);
    expect(parsePublicKey(fromPem.publicKey.pem).keyId).toBe(fromPem.publicKey.keyId);
    expect(fromPem.publicKey.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(() => parseSigningKey('c2hvcnQ=')).toThrow(
      'MANIFEST_SIGNING_KEY: expected 32 bytes once base64-decoded, got 5',
    );
    expect(() => parseSigningKey('not base64!')).toThrow(
      'MANIFEST_SIGNING_KEY: expected the base64 of a 32-byte Ed25519 key',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(() => parseSigningKey(rsa)).toThrow('MANIFEST_SIGNING_KEY: expected an Ed25519 key, got rsa');
    expect(() => parsePublicKey('-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----', 'key 2')).toThrow(
      /^key 2: not a readable public key/,
    );
  });

  it('names what is wrong with an unreadable manifest', () => {
    expect(parseManifest(Buffer.from('{'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    const signed = signManifest(buildManifest(RESOLVED, OBJECTS, LINK), KEY);
    const bad = Buffer.from(JSON.stringify({ ...signed, totals: { ...signed.totals, records: -1 } }));
    expect(parseManifest(bad)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not a manifest: totals\.records: /),
    });
    expect(parseManifest(serializeManifest(signed))).toEqual({ ok: true, manifest: signed });
  });
});
