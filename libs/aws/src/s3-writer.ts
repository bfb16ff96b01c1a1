// Writes one object into the customer's bucket from a stream: a single PUT for small bodies,
// a multipart upload with bounded concurrency for large ones (memory = partSize × (queueSize + 1)),
// aborted on failure so no half-written object or orphaned parts remain. The SHA-256 and size of
// the bytes as stored are computed on the way through; every request carries an SHA-256 checksum
// and the bucket-owner-full-control ACL that the customer's s3:PutObjectAcl grant exists for.
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BufferPool, reclaim } from '@log-exporter/buffers';
import {
  EXPORT_DEFAULTS,
  ExportFailure,
  PermanentErrorType,
  S3_MAX_CHUNKS,
  S3_MIN_CHUNK_BYTES,
} from '@log-exporter/schemas';
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
  /** Most chunks of one object: S3's 10,000 (lower only in tests, which cannot write 50 GB). */
  maxChunks?: number;
  signal?: AbortSignal;
  /** Called as bytes leave for S3 (for heartbeats). */
  onProgress?: (bytesSent: number) => void;
}

/**
 * Streams the body into the object. Bodies up to one part go up in a single PUT; longer ones as a
 * multipart upload whose parts are filled into a few buffers allocated once and reused (so memory
 * is (queueSize + 1) × partSize and the garbage collector has nothing to chase), `queueSize` parts
 * in flight. Every request carries the part's SHA-256 (`x-amz-checksum-sha256`), so S3 refuses
 * bytes damaged on the way; the object's SHA-256 is computed on the way through.
 */
export async function writeObjectStream(
  s3: S3Client,
  target: ObjectTarget,
  body: Readable,
  options: StreamWriteOptions,
): Promise<WrittenObject> {
  const partSize = Math.max(options.partSize ?? EXPORT_DEFAULTS.uploadChunkBytes, S3_MIN_CHUNK_BYTES);
  const queueSize = Math.max(options.queueSize ?? EXPORT_DEFAULTS.uploadChunksInFlight, 1);
  const maxChunks = options.maxChunks ?? S3_MAX_CHUNKS;
  // Allocated once per upload and reused for every part.
  const buffers = new BufferPool(partSize, queueSize + 1);
  const objectHash = createHash('sha256');
  const sendOptions = options.signal ? { abortSignal: options.signal } : {};
  const completed: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let uploadId: string | undefined;
  let failure: unknown;
  let bytes = 0;
  let sent = 0;

  const uploadPart = async (buffer: Buffer, length: number, partNumber: number): Promise<void> => {
    try {
      const data = buffer.subarray(0, length);
      const checksum = createHash('sha256').update(data).digest('base64');
      const response = await s3.send(
        new UploadPartCommand({
          Bucket: target.bucket,
          Key: target.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: data,
          ContentLength: length,
          ChecksumSHA256: checksum,
        }),
        sendOptions,
      );
      completed.push({
        PartNumber: partNumber,
        ETag: response.ETag,
        ChecksumSHA256: response.ChecksumSHA256 ?? checksum,
      });
      sent += length;
      options.onProgress?.(sent);
    } catch (err) {
      failure ??= err;
    } finally {
      buffers.release(buffer);
    }
  };

  const startPart = async (buffer: Buffer, length: number, partNumber: number): Promise<void> => {
    if (partNumber > maxChunks) {
      // S3 completes no upload of more chunks: fail now, saying what to change, not after the upload.
      throw new ObjectTooLargeError(
        `s3://${target.bucket}/${target.key} would need more than ${maxChunks.toLocaleString('en-US')} ` +
          `multipart chunks of ${partSize / MiB} MiB (S3's limit): lower EXPORT_PART_MAX_RECORDS so each part is smaller`,
      );
    }
    if (uploadId === undefined) {
      const created = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          ContentType: options.contentType,
          ACL: OBJECT_ACL,
          ChecksumAlgorithm: 'SHA256',
        }),
        sendOptions,
      );
      uploadId = created.UploadId;
    }
    const running: Promise<void> = uploadPart(buffer, length, partNumber).finally(() => inFlight.delete(running));
    inFlight.add(running);
  };

  let current = await buffers.acquire();
  let filled = 0;
  let partNumber = 0;
  try {
    for await (const chunk of sourceChunks(body)) {
      if (failure) throw failure;
      objectHash.update(chunk);
      bytes += chunk.length;
      let offset = 0;
      while (offset < chunk.length) {
        const copied = chunk.copy(current, filled, offset);
        filled += copied;
        offset += copied;
        if (filled === partSize) {
          await startPart(current, filled, ++partNumber);
          current = await buffers.acquire(); // waits while queueSize parts are in flight
          filled = 0;
        }
      }
      reclaim(chunk); // copied: its memory goes now if the body handed it over (libs/buffers)
    }
    if (uploadId === undefined) {
      // The whole body fitted in one part: one PUT.
      const data = current.subarray(0, filled);
      await s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          Body: data,
          ContentLength: filled,
          ContentType: options.contentType,
          ACL: OBJECT_ACL,
          ChecksumSHA256: createHash('sha256').update(data).digest('base64'),
        }),
        sendOptions,
      );
      options.onProgress?.(filled);
    } else {
      if (filled > 0) await startPart(current, filled, ++partNumber);
      await Promise.all(inFlight);
      if (failure) throw failure;
      completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: completed },
        }),
        sendOptions,
      );
    }
  } catch (err) {
    body.destroy();
    await Promise.allSettled(inFlight);
    if (uploadId !== undefined) {
      // No half-written object, no orphaned parts (where the role may abort: see the README).
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }))
        .catch(() => undefined);
    }
    // The body failing (the database cursor behind the encoder) is not an S3 error: it keeps its own.
    if (err instanceof SourceFailure) throw err.cause;
    if (err instanceof ObjectTooLargeError) {
      throw ExportFailure.permanent(PermanentErrorType.InvalidConfiguration, err.message);
    }
    throw mapS3WriteError(err, target);
  }
  return { key: target.key, bytes, sha256: objectHash.digest('hex') };
}

/** An object larger than S3's multipart limit allows at this chunk size: retrying will not help. */
export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
}

/** An error of the body being uploaded, told apart from the upload's own. */
class SourceFailure {
  constructor(readonly cause: unknown) {}
}

async function* sourceChunks(body: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    throw new SourceFailure(err);
  }
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
