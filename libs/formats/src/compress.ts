// Compression with output that is one ordinary stream, a single gzip member (RFC 1952) or a
// single zstd frame (RFC 8878), the same bytes for the same records on every run; gzip on every core.
//
// gzip is written the way pigz writes it. Each encoded chunk is deflated on its own thread of
// libuv's pool, primed with the last 32 KiB of the chunk before it as its dictionary (all that
// deflate can refer back to anyway), and ended with a sync flush, which closes it on a byte edge.
// The raw deflate pieces, joined in order, are one deflate stream; the last piece ends it.
// The CRC-32 and length in the trailer are computed over the chunks as they pass, on this thread.
// Hand-written because no library does this on Node's own zlib, and it is the hot path: zlib's
// one-shot calls already run on the thread pool, so this file only orders them.
//
// zstd is one stream on one thread of the pool: it compresses several times faster than gzip, so
// one thread keeps up with encoding. (libzstd's own worker threads, ZSTD_c_nbWorkers, crash Node
// 24.21's ZstdCompress stream with ERR_STREAM_PUSH_AFTER_EOF on large inputs: not used.)
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, createZstdCompress, deflateRaw, constants as zlibConstants } from 'node:zlib';
import { type BufferPool, handOver } from '@log-exporter/buffers';

/**
 * zlib level of `.gz` objects. Level 5, not gzip's default 6: with each chunk primed by the one
 * before, it writes within ~1% of what `gzip -6` writes (+1.2% on 235 MB of JSON lines; level 6
 * here is 2.7% smaller than `gzip -6`, level 4 is 8% larger) for three quarters of level 6's CPU,
 * and CPU is what bounds an export. A test holds the size within 5% of `gzip -6`.
 */
export const GZIP_LEVEL = 5;

/** zstd level of `.zst` objects: zstd's own default, what `zstd -3` (and `zstd` alone) writes. */
export const ZSTD_LEVEL = 3;

/**
 * gzip chunks compressed at once: one per core, at least two.
 * More would only queue on the thread pool (4 threads by default) and hold more memory.
 */
export const COMPRESSION_THREADS = Math.max(2, availableParallelism());

/** Bytes of history deflate can refer back to: the dictionary each chunk starts with. */
const DEFLATE_WINDOW = 32 * 1024;

/** How far a compressed stream reads ahead of its consumer, in bytes. */
export const STAGE_BUFFER = 1024 * 1024;

/** gzip header: deflate, no flags, no time (so output does not depend on when), Unix. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);

const deflateRawAsync = promisify(deflateRaw);

function deflatePiece(chunk: Buffer, dictionary: Buffer | undefined, last: boolean): Promise<Buffer> {
  return deflateRawAsync(chunk, {
    level: GZIP_LEVEL,
    memLevel: 8,
    strategy: zlibConstants.Z_DEFAULT_STRATEGY,
    finishFlush: last ? zlibConstants.Z_FINISH : zlibConstants.Z_SYNC_FLUSH,
    chunkSize: 256 * 1024,
    ...(dictionary ? { dictionary } : {}),
  });
}

/**
 * One gzip member of the chunks, compressed COMPRESSION_THREADS at a time and handed on in order.
 * Each chunk goes back to the pool once deflated. A chunk is started once the next one is there
 * (or the records end), so the last one is deflated as the end of the stream; a body of one chunk
 * is exactly what zlib's own gzip writes. Pulled by the consumer: nothing is encoded or compressed
 * ahead of what it reads but the chunks in flight. Each deflated piece is zlib's own output buffer,
 * held by nobody else: handed over (libs/buffers), so the reader can free it once copied.
 */
export async function* gzipInParallel(chunks: AsyncGenerator<Buffer>, pool: BufferPool): AsyncGenerator<Buffer> {
  const inFlight: Promise<Buffer>[] = [];
  let crc = 0;
  let length = 0;
  let dictionary: Buffer | undefined;
  const start = (chunk: Buffer, last: boolean) => {
    const piece = deflatePiece(chunk, dictionary, last).finally(() => pool.release(chunk));
    piece.catch(() => undefined); // awaited in order below; not an unhandled rejection meanwhile
    inFlight.push(piece);
    // A copy: the chunk itself goes back to the pool (and is written over) once deflated.
    dictionary = Buffer.from(chunk.subarray(Math.max(0, chunk.length - DEFLATE_WINDOW)));
  };
  try {
    yield GZIP_HEADER;
    let waiting: Buffer | undefined;
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      length = (length + chunk.length) % 2 ** 32;
      if (waiting) start(waiting, false);
      waiting = chunk;
      if (inFlight.length >= COMPRESSION_THREADS) yield handOver(await inFlight.shift()!);
    }
    start(waiting ?? Buffer.alloc(0), true);
    while (inFlight.length > 0) yield handOver(await inFlight.shift()!);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(length, 4);
    yield trailer;
  } finally {
    await chunks.return(undefined); // stops the encoder, which closes the database cursor
  }
}

/**
 * One zstd frame of the chunks, with a content checksum
 * (a damaged file fails to decompress). zlib copies what it compresses: once it has consumed a
 * chunk (the write callback), the chunk goes back to the pool, which bounds how far encoding runs
 * ahead (backpressure).
 */
export function zstdStream(chunks: AsyncGenerator<Buffer>, pool: BufferPool): Readable {
  const compressor = createZstdCompress({
    params: {
      [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL,
      [zlibConstants.ZSTD_c_checksumFlag]: 1,
    },
    chunkSize: 256 * 1024,
    writableHighWaterMark: STAGE_BUFFER,
    readableHighWaterMark: STAGE_BUFFER,
  } as Parameters<typeof createZstdCompress>[0]);
  const pump = async () => {
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
