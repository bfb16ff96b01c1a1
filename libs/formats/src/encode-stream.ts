// Turns batches of records into a stream of encoded bytes, in chunks of up to 512 KiB, pulling
// batches only as fast as the consumer reads (backpressure comes from the async iterator). Records
// arrive in batches (a database page) so there is no await per record.
import { PassThrough, Readable, type Transform } from 'node:stream';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { createGzip, createZstdCompress, constants as zlibConstants } from 'node:zlib';
import type { Compression } from '@log-exporter/schemas';
import { type EncodingOptions, createRecordEncoder } from './create-encoder';
import type { LogRecord } from './projection';

/** Encoded bytes are handed on in chunks of at most this many bytes (a longer line gets a chunk of
 * its own): big enough that compressing one chunk (thread pool) overlaps with encoding the next
 * (this thread). */
export const ENCODED_CHUNK_CHARS = 512 * 1024;

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

/**
 * Where encoded chunks come from. The compressor hands each chunk back once zlib has consumed it,
 * so a window reuses a few chunks instead of allocating (and leaving V8 to collect) one per
 * 512 KiB of text: that garbage, held until the next GC, was most of a worker's memory.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((chunk: Buffer) => void)[] = [];
  private readonly owned = new WeakMap<ArrayBufferLike, Buffer>();
  private created = 0;
  private closed = false;

  constructor(
    readonly chunkBytes: number,
    /** Most chunks in use at once (0: no limit and no reuse, a fresh chunk every time). */
    readonly maxChunks: number,
  ) {}

  acquire(): Buffer | Promise<Buffer> {
    const reused = this.free.pop();
    if (reused) return reused;
    if (this.maxChunks === 0 || this.created < this.maxChunks || this.closed) {
      this.created++;
      const chunk = Buffer.allocUnsafeSlow(this.chunkBytes); // its own ArrayBuffer, never Node's shared pool
      if (this.maxChunks !== 0) this.owned.set(chunk.buffer, chunk);
      return chunk;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The consumer is gone: whoever waits for a chunk gets a throwaway one, so it can see that and stop. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(Buffer.allocUnsafeSlow(this.chunkBytes));
  }

  /** Gives back a chunk (or a view of one) that nobody reads any more. */
  release(view: Buffer): void {
    const chunk = this.owned.get(view.buffer);
    if (!chunk) return; // not one of ours (a line longer than a chunk)
    const waiter = this.waiting.shift();
    if (waiter) waiter(chunk);
    else this.free.push(chunk);
  }
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
  pool: ChunkPool = new ChunkPool(ENCODED_CHUNK_CHARS, 0),
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
      const text = line(record);
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
      // Let the event loop run: the compressor's completions (thread pool) are handled now, so
      // it starts on the next chunk while we encode, instead of idling until we pause.
      await setImmediatePromise();
      chunk = await pool.acquire();
      used = 0;
    }
    stats.records += batch.length;
  }
  if (used > 0) yield chunk.subarray(0, used);
  else pool.release(chunk);
}

/**
 * Buffering between the stages, so they overlap: encoding (this thread) runs ahead while zlib
 * (the thread pool) compresses the previous megabyte. With Node's 16 KiB defaults each 64 KiB
 * chunk waits for the compressor to drain and the two stages take turns instead of running at once.
 */
const STAGE_BUFFER = 1024 * 1024;

/** zstd level of `.zst` objects: zstd's own default, what `zstd -3` (and `zstd` alone) writes. */
export const ZSTD_LEVEL = 3;

/**
 * gzip and zstd at fixed levels and settings: the same input gives the same bytes (the gzip header
 * Node writes carries no time and no file name; zstd runs single-threaded). zstd comes from
 * Node's own zlib (the zstd library built into Node 24): streaming, bounded memory, nothing to
 * install; its frames carry a content checksum, so a damaged file fails to decompress.
 */
export function createCompressor(compression: Compression): Transform {
  if (compression === 'none') return new PassThrough({ highWaterMark: STAGE_BUFFER });
  if (compression === 'zstd') {
    return createZstdCompress({
      params: {
        [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL,
        [zlibConstants.ZSTD_c_checksumFlag]: 1,
      },
      chunkSize: 256 * 1024,
      writableHighWaterMark: STAGE_BUFFER,
      readableHighWaterMark: STAGE_BUFFER,
    } as Parameters<typeof createZstdCompress>[0]);
  }
  return createGzip({
    level: 6,
    memLevel: 8,
    strategy: zlibConstants.Z_DEFAULT_STRATEGY,
    chunkSize: 256 * 1024,
    writableHighWaterMark: STAGE_BUFFER,
    readableHighWaterMark: STAGE_BUFFER,
  } as Parameters<typeof createGzip>[0]);
}

/** Chunks one gzip stream keeps in use: encoding runs up to this far ahead of compression. */
const POOLED_CHUNKS = 4;

/** Encoded and compressed bytes of the records, as a Node stream. */
export function encodeToStream(
  batches: RecordBatches,
  options: EncodingOptions & { compression: Compression },
  stats: EncodeStats = { records: 0 },
): Readable {
  const compressor = createCompressor(options.compression);
  if (options.compression === 'none') {
    // Uncompressed chunks travel on to the consumer as they are, so they cannot be reused.
    const source = Readable.from(encodeRecords(batches, options, stats), {
      objectMode: false,
      highWaterMark: STAGE_BUFFER,
    });
    source.on('error', (err) => compressor.destroy(err));
    return source.pipe(compressor);
  }
  // zlib copies what it compresses: once it has consumed a chunk (the write callback), the chunk
  // goes back to the pool. The pool bounds how far encoding runs ahead (backpressure).
  const pool = new ChunkPool(ENCODED_CHUNK_CHARS, POOLED_CHUNKS);
  // Destroyed mid-way, zlib may never hand back the chunks it holds: unblock the encoder so it
  // sees the stream is gone and stops (which closes the database cursor).
  compressor.once('close', () => pool.close());
  const pump = async () => {
    const chunks = encodeRecords(batches, options, stats, pool);
    try {
      for await (const chunk of chunks) {
        if (compressor.destroyed) return; // the consumer gave up: stop reading (closes the cursor)
        compressor.write(chunk, () => pool.release(chunk));
      }
      compressor.end();
    } catch (err) {
      compressor.destroy(err as Error);
    }
  };
  void pump();
  return compressor;
}
