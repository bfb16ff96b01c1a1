// Writes one object into the customer's bucket from a stream: a single PUT for small bodies,
// a multipart upload with bounded concurrency for large ones (memory ≈ partSize × (queueSize + 1)),
// aborted on failure so no half-written object or orphaned parts remain. The SHA-256 and size of
// the bytes as stored are computed on the way through; every request carries an SHA-256 checksum
// and the bucket-owner-full-control ACL that the customer's s3:PutObjectAcl grant exists for.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { mapS3WriteError } from './error-mapping';

export const OBJECT_ACL = 'bucket-owner-full-control';
const MiB = 1024 * 1024;

export interface ObjectTarget {
  bucket: string;
  key: string;
  /** For error messages: which region and role the write used. */
  region: string;
  roleArn: string;
}

export interface WrittenObject {
  key: string;
  bytes: number;
  sha256: string;
}

export interface StreamWriteOptions {
  contentType: string;
  /** Multipart part size; at least 5 MiB on AWS. */
  partSize?: number;
  /** Parts uploaded in parallel. */
  queueSize?: number;
  signal?: AbortSignal;
  /** Called as bytes leave for S3 (for heartbeats). */
  onProgress?: (bytesSent: number) => void;
}

/** Counts and hashes the bytes that pass through it. */
class DigestTap extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export async function writeObjectStream(
  s3: S3Client,
  target: ObjectTarget,
  body: Readable,
  options: StreamWriteOptions,
): Promise<WrittenObject> {
  const tap = new DigestTap();
  body.on('error', (err) => tap.destroy(err));
  body.pipe(tap);
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: target.bucket,
      Key: target.key,
      Body: tap,
      ContentType: options.contentType,
      ACL: OBJECT_ACL,
      ChecksumAlgorithm: 'SHA256',
    },
    partSize: Math.max(options.partSize ?? 8 * MiB, 5 * MiB),
    queueSize: options.queueSize ?? 4,
    leavePartsOnError: false,
  });
  if (options.onProgress) {
    const report = options.onProgress;
    upload.on('httpUploadProgress', (progress) => report(progress.loaded ?? 0));
  }
  const abort = () => void upload.abort().catch(() => undefined);
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await upload.done();
  } catch (err) {
    body.destroy();
    throw mapS3WriteError(err, target);
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  return { key: target.key, bytes: tap.bytes, sha256: tap.digest() };
}

/** A small object written in one PUT (manifests, verification objects). */
export async function writeSmallObject(
  s3: S3Client,
  target: ObjectTarget,
  body: string | Buffer,
  contentType: string,
  signal?: AbortSignal,
): Promise<WrittenObject> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const sha256 = createHash('sha256').update(bytes).digest();
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        Body: bytes,
        ContentType: contentType,
        ACL: OBJECT_ACL,
        ChecksumSHA256: sha256.toString('base64'),
      }),
      signal ? { abortSignal: signal } : {},
    );
  } catch (err) {
    throw mapS3WriteError(err, target);
  }
  return { key: target.key, bytes: bytes.length, sha256: sha256.toString('hex') };
}
