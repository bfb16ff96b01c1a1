// Turns batches of records into a stream of encoded bytes, in chunks of up to 2 MiB, pulling
// batches only as fast as the consumer reads (backpressure comes from the async iterator). Records
// arrive in batches (a database page) so there is no await per record.
import { Readable } from 'node:stream';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { Compression, ParquetCompression } from '@log-exporter/schemas';
import { BufferPool, handOver } from '@log-exporter/buffers';
import { COMPRESSION_THREADS, STAGE_BUFFER, gzipInParallel, zstdStream } from './compress';
import { type EncodingOptions, createRecordEncoder } from './create-encoder';
import type { LogRecord } from './projection';
import { encodeParquet } from './parquet';

/** Encoded bytes are handed on in chunks of at most this many bytes (a longer line gets a chunk of
 * its own). Each gzip chunk is deflated by one call on the thread pool, and each call costs this
 * thread a fixed ~1 ms under load (measured with `npm run bench`: 2 MiB chunks exported 1,000,000
 * records ~10% faster than 512 KiB ones); the pool holds four, so 8 MiB per part. */
export const ENCODED_CHUNK_CHARS = 2 * 1024 * 1024;

export interface EncodeStats {
  records: number;
}

/** Records, or lines already encoded (by the database: no line end), in batches. */
export type RecordBatches = AsyncIterable<readonly (LogRecord | string)[]> | Iterable<readonly (LogRecord | string)[]>;

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

/**
 * Lines of the records (header first), `\n`-terminated, grouped into chunks of at most
 * ENCODED_CHUNK_CHARS bytes (a longer line gets a chunk of its own). Every chunk ends at a line end.
 * With a bounded pool, a yielded chunk must be released before the pool runs dry.
 */
export async function* encodeRecords(
  batches: RecordBatches,
  options: EncodingOptions,
  stats: EncodeStats = { records: 0 },
  pool: BufferPool = new BufferPool(ENCODED_CHUNK_CHARS, 0),
): AsyncGenerator<Buffer> {
  const { line, header } = createRecordEncoder(options);
  // Each line is written into the chunk as bytes at once, so its string dies young.
  let chunk = await pool.acquire();
  let used = 0;
  const write = (text: string): boolean => {
    const room = chunk.length - used;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; measure only when that bound might not fit.
    if (text.length * 3 + 1 > room && Buffer.byteLength(text, 'utf8') + 1 > room) return false;
    used += chunk.write(text, used, 'utf8');
    chunk[used++] = 0x0a;
    return true;
  };
  if (header !== null && !write(header)) {
    yield Buffer.from(header + '\n', 'utf8');
  }
  for await (const batch of batches) {
    for (const record of batch) {
      const text = typeof record === 'string' ? record : line(record);
      if (write(text)) {
        if (used < chunk.length - 1024) continue;
      } else {
        if (used > 0) {
          yield chunk.subarray(0, used);
          chunk = await pool.acquire();
          used = 0;
        }
        if (write(text)) continue;
        yield Buffer.from(text + '\n', 'utf8'); // longer than a whole chunk
        continue;
      }
      yield chunk.subarray(0, used);
      // Let the event loop run: finished compressions (thread pool) and upload I/O are handled
      // now, not only once this window's records run out.
      await setImmediatePromise();
      chunk = await pool.acquire();
      used = 0;
    }
    stats.records += batch.length;
  }
  if (used > 0) yield chunk.subarray(0, used);
  else pool.release(chunk);
}

async function* handedOver(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield handOver(chunk);
}

/** Encoded and compressed bytes of the records, as a Node stream. */
export function encodeToStream(
  batches: RecordBatches,
  options: EncodingOptions & { compression: Compression; parquetCompression?: ParquetCompression },
  stats: EncodeStats = { records: 0 },
): Readable {
  const { compression } = options;
  if (options.format === 'parquet') {
    // Compressed inside (its pages); each piece is handed on as it is, like uncompressed lines.
    if (compression !== 'none') throw new Error(`Parquet files are not compressed again: compression "${compression}"`);
    return Readable.from(handedOver(encodeParquet(batches, options, stats)), {
      objectMode: false,
      highWaterMark: STAGE_BUFFER,
    });
  }
  if (compression === 'none') {
    // Uncompressed chunks travel on to the consumer as they are, so they cannot be reused; each is
    // memory of its own, handed over so the reader can free it once copied.
    return Readable.from(handedOver(encodeRecords(batches, options, stats)), {
      objectMode: false,
      highWaterMark: STAGE_BUFFER,
    });
  }
  // The pool bounds how far encoding runs ahead of compression: a chunk for each compression in
  // flight, one being encoded, one spare.
  const pool = new BufferPool(ENCODED_CHUNK_CHARS, COMPRESSION_THREADS + 2);
  const chunks = encodeRecords(batches, options, stats, pool);
  const stream =
    compression === 'zstd'
      ? zstdStream(chunks, pool)
      : Readable.from(gzipInParallel(chunks, pool), { objectMode: false, highWaterMark: STAGE_BUFFER });
  // Destroyed mid-way, compression may never hand back the chunks it holds: unblock the encoder
  // so it sees the stream is gone and stops (which closes the database cursor).
  stream.once('close', () => pool.close());
  return stream;
}
