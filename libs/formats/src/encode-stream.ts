// Turns batches of records into a stream of encoded bytes, in chunks of about 64 KiB, pulling
// batches only as fast as the consumer reads (backpressure comes from the async iterator). Records
// arrive in batches (a database page) so there is no await per record.
import { PassThrough, Readable, type Transform } from 'node:stream';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import type { Compression } from '@log-exporter/schemas';
import { type EncodingOptions, createRecordEncoder } from './create-encoder';
import type { LogRecord } from './projection';

const CHUNK_CHARS = 64 * 1024;

export interface EncodeStats {
  records: number;
}

export type RecordBatches = AsyncIterable<readonly LogRecord[]> | Iterable<readonly LogRecord[]>;

/** Groups a flat sequence of records into batches (for callers that hold records one by one). */
export function* inBatches<R>(records: Iterable<R>, size = 1_000): Generator<R[]> {
  let batch: R[] = [];
  for (const record of records) {
    batch.push(record);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Lines of the records (header first), `\n`-terminated, grouped into Buffers. */
export async function* encodeRecords(
  batches: RecordBatches,
  options: EncodingOptions,
  stats: EncodeStats = { records: 0 },
): AsyncGenerator<Buffer> {
  const { line, header } = createRecordEncoder(options);
  let pending = header === null ? '' : header + '\n';
  for await (const batch of batches) {
    for (const record of batch) {
      pending += line(record) + '\n';
      if (pending.length >= CHUNK_CHARS) {
        yield Buffer.from(pending, 'utf8');
        pending = '';
      }
    }
    stats.records += batch.length;
  }
  if (pending.length > 0) yield Buffer.from(pending, 'utf8');
}

/**
 * gzip at a fixed level and settings: the same input gives the same bytes (the gzip header Node
 * writes carries no time and no file name).
 */
export function createCompressor(compression: Compression): Transform {
  if (compression === 'none') return new PassThrough();
  return createGzip({ level: 6, memLevel: 8, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
}

/** Encoded and compressed bytes of the records, as a Node stream. */
export function encodeToStream(
  batches: RecordBatches,
  options: EncodingOptions & { compression: Compression },
  stats: EncodeStats = { records: 0 },
): Readable {
  const source = Readable.from(encodeRecords(batches, options, stats), { objectMode: false });
  const compressor = createCompressor(options.compression);
  source.on('error', (err) => compressor.destroy(err));
  return source.pipe(compressor);
}
