// Reads a bucket for `verify`: lists keys, reads manifests whole and hashes data objects as they
// stream (constant memory whatever their size). Uses whatever credentials the S3 client has: the
// customer's own read access, not the exporter's write-only role.
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface S3BucketReader {
  list(prefix: string): AsyncIterable<{ key: string; bytes: number }>;
  read(key: string): Promise<Buffer | undefined>;
  digest(key: string): Promise<{ sha256: string; bytes: number } | undefined>;
}

function isMissing(err: unknown): boolean {
  return err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey';
}

export function s3BucketReader(s3: S3Client, bucket: string): S3BucketReader {
  async function body(key: string): Promise<Readable | undefined> {
    try {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return response.Body as Readable;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
  return {
    async *list(prefix: string) {
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) yield { key: object.Key, bytes: object.Size ?? 0 };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async read(key: string) {
      const stream = await body(key);
      if (!stream) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async digest(key: string) {
      const stream = await body(key);
      if (!stream) return undefined;
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of stream) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
      return { sha256: hash.digest('hex'), bytes };
    },
  };
}
