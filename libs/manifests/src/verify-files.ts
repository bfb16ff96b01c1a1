// Checks a bucket's exported files against their manifests, the chain of manifests and the
// signatures: what a customer (or ops) runs to know that a date range is complete and untouched.
// Storage is behind `BucketReader`, so this holds no AWS code and reads one object at a time.
import { manifestFileName, parseWindowFileName, partitionDayOf } from '@log-exporter/schemas';
import type { ManifestPublicKey } from './signing-keys';
import { type SignatureCheck, checkManifestSignature, parseManifest, sha256Hex } from './manifest-document';

export interface BucketReader {
  /** Every key under the prefix, with its size. */
  list(prefix: string): AsyncIterable<{ key: string; bytes: number }>;
  /** The whole object (manifests are small), or undefined when it does not exist. */
  read(key: string): Promise<Buffer | undefined>;
  /** SHA-256 and size of the object, streamed; undefined when it does not exist. */
  digest(key: string): Promise<{ sha256: string; bytes: number } | undefined>;
}

export type ProblemKind = 'missing' | 'altered' | 'extra' | 'unsigned' | 'unknown-key' | 'chain';

export interface Problem {
  kind: ProblemKind;
  /** The file the problem is about. */
  key: string;
  message: string;
}

export interface VerifyOptions {
  reader: BucketReader;
  /** The destination prefix (no trailing slash), or '' for the whole bucket. */
  prefix: string;
  /** First and last day to check, `YYYY-MM-DD`, both inclusive (days of the `dt=` partition). */
  from: string;
  to: string;
  publicKeys: readonly ManifestPublicKey[];
  /** Called as each file is checked (progress for large ranges). */
  onChecked?: (key: string) => void;
}

export interface VerifyReport {
  manifests: number;
  objects: number;
  records: number;
  /** Windows whose manifest was revised (late records delivered after the first delivery). */
  revised: { key: string; revision: number }[];
  problems: Problem[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

function directory(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

function signatureProblem(key: string, check: SignatureCheck): Problem | undefined {
  switch (check.status) {
    case 'valid':
      return undefined;
    case 'unsigned':
      return { kind: 'unsigned', key, message: 'the manifest carries no signature' };
    case 'unknown-key':
      return {
        kind: 'unknown-key',
        key,
        message: `signed by key ${check.keyId}, which is not among the public keys given`,
      };
    case 'invalid':
      return {
        kind: 'altered',
        key,
        message: `the signature by key ${check.keyId} does not match the content: the manifest was changed or forged`,
      };
  }
}

/**
 * True when `manifest` (a later revision, after late records) names `sha256` as one of its own
 * earlier revisions: the next window linked to the window's manifest as it was then. The revision
 * is signed, so the claim is as trustworthy as the signature checked on the manifest itself.
 */
function isEarlierRevision(manifest: Buffer, sha256: string): boolean {
  const parsed = parseManifest(manifest);
  return parsed.ok && (parsed.manifest.previousRevisions ?? []).some((r) => r.sha256 === sha256);
}

export async function verifyExportedFiles(options: VerifyOptions): Promise<VerifyReport> {
  const { reader, from, to } = options;
  if (!DAY.test(from)) throw new Error(`from ${JSON.stringify(from)}: expected a day as YYYY-MM-DD`);
  if (!DAY.test(to)) throw new Error(`to ${JSON.stringify(to)}: expected a day as YYYY-MM-DD`);
  if (from > to) throw new Error(`from ${from} is after to ${to}`);
  const listPrefix = options.prefix === '' ? '' : `${options.prefix.replace(/\/+$/, '')}/`;

  const inRange = new Map<string, number>();
  for await (const { key, bytes } of reader.list(listPrefix)) {
    const day = partitionDayOf(key.slice(listPrefix.length));
    if (day !== undefined && day >= from && day <= to) inRange.set(key, bytes);
  }

  const problems: Problem[] = [];
  const listed = new Set<string>();
  const manifestKeys = [...inRange.keys()].filter((k) => parseWindowFileName(baseName(k))?.kind === 'manifest').sort();
  // Manifests as read, by key: the next window's link is checked against these, not read again.
  const manifestBytes = new Map<string, Buffer>();
  let objects = 0;
  let records = 0;
  const revised: VerifyReport['revised'] = [];

  for (const manifestKey of manifestKeys) {
    listed.add(manifestKey);
    const bytes = await reader.read(manifestKey);
    options.onChecked?.(manifestKey);
    if (bytes) manifestBytes.set(manifestKey, bytes);
    if (!bytes) {
      problems.push({ kind: 'missing', key: manifestKey, message: 'listed by the bucket but could not be read' });
      continue;
    }
    const parsed = parseManifest(bytes);
    if (!parsed.ok) {
      problems.push({ kind: 'altered', key: manifestKey, message: `unreadable manifest: ${parsed.reason}` });
      continue;
    }
    const manifest = parsed.manifest;
    if ((manifest.revision ?? 1) > 1) revised.push({ key: manifestKey, revision: manifest.revision ?? 1 });
    const signature = signatureProblem(manifestKey, checkManifestSignature(manifest, options.publicKeys));
    if (signature) problems.push(signature);

    // A validly signed manifest of another window or export put in this one's place.
    const { exportId, stamp } = parseWindowFileName(baseName(manifestKey)) as { exportId: string; stamp: string };
    if (manifest.exportId !== exportId || !manifest.window.start.startsWith(stamp)) {
      problems.push({
        kind: 'altered',
        key: manifestKey,
        message: `describes export ${manifest.exportId}, window ${manifest.window.start}, not the one its name says`,
      });
    }

    for (const object of manifest.objects) {
      listed.add(object.key);
      objects++;
      records += object.records;
      const actual = await reader.digest(object.key);
      options.onChecked?.(object.key);
      if (!actual) {
        problems.push({ kind: 'missing', key: object.key, message: `listed in ${manifestKey} but not in the bucket` });
      } else if (actual.sha256 !== object.sha256 || actual.bytes !== object.bytes) {
        problems.push({
          kind: 'altered',
          key: object.key,
          message:
            `content differs from ${manifestKey}: ${actual.bytes} bytes with SHA-256 ${actual.sha256}, ` +
            `expected ${object.bytes} bytes with SHA-256 ${object.sha256}`,
        });
      }
    }

    const link = manifest.previousManifest;
    if (link) {
      const previous = manifestBytes.get(link.key) ?? (await reader.read(link.key));
      if (!previous) {
        problems.push({
          kind: 'missing',
          key: link.key,
          message: `the manifest of window ${link.window.start}, which ${manifestKey} links to, is not in the bucket`,
        });
      } else if (sha256Hex(previous) !== link.sha256 && !isEarlierRevision(previous, link.sha256)) {
        problems.push({
          kind: 'chain',
          key: link.key,
          message:
            `SHA-256 ${sha256Hex(previous)} differs from the ${link.sha256} that ${manifestKey} recorded for it ` +
            `(replaced, or the window was exported again after the next one)`,
        });
      }
    }
  }

  for (const key of [...inRange.keys()].sort()) {
    if (listed.has(key)) continue;
    const name = parseWindowFileName(baseName(key));
    const expectedManifest = name?.kind === 'part' ? manifestFileName(name.exportId, name.stamp) : undefined;
    const ownManifest = expectedManifest
      ? manifestKeys.find((m) => directory(m) === directory(key) && baseName(m) === expectedManifest)
      : undefined;
    problems.push({
      kind: 'extra',
      key,
      message: ownManifest
        ? `not listed in ${ownManifest}`
        : expectedManifest
          ? `no manifest for its window (${expectedManifest} is missing)`
          : 'not listed in any manifest',
    });
  }

  return { manifests: manifestKeys.length, objects, records, revised, problems };
}
