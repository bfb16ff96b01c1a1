// Turns a stream of records into a stream of encoded bytes, in chunks of about 64 KiB, pulling
// records only as fast as the consumer reads (backpressure comes from the async iterator).
import { Readable, type Transform, PassThrough } from 'node:stream';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import type { Compression } from '@log-exporter/schemas';
import { type EncodingOptions, createRecordEncoder } from './create-encoder';
import type { LogRecord } from './projection';

const CHUNK_CHARS = 64 * 1024;

export interface EncodeStats {
  records: number;
}

/** Lines of the records (header first), `\n`-terminated, grouped into Buffers. */
export async function* encodeRecords(
  records: AsyncIterable<LogRecord> | Iterable<LogRecord>,
  options: EncodingOptions,
  stats: EncodeStats = { records: 0 },
): AsyncGenerator<Buffer> {
  const encoder = createRecordEncoder(options);
  let pending = encoder.header === null ? '' : encoder.header + '\n';
  for await (const record of records) {
    pending += encoder.line(record) + '\n';
    stats.records++;
    if (pending.length >= CHUNK_CHARS) {
      yield Buffer.from(pending, 'utf8');
      pending = '';
    }
  }
  if (pending.length > 0) yield Buffer.from(pending, 'utf8');
}

/** gzip at a fixed level (same input, same bytes: the header carries no time or file name). */
export function createCompressor(compression: Compression): Transform {
  if (compression === 'none') return new PassThrough();
  return createGzip({ level: 6, memLevel: 8, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
}

/** Encoded and compressed bytes of the records, as a Node stream. */
export function encodeToStream(
  records: AsyncIterable<LogRecord> | Iterable<LogRecord>,
  options: EncodingOptions & { compression: Compression },
  stats: EncodeStats = { records: 0 },
): Readable {
  const source = Readable.from(encodeRecords(records, options, stats), { objectMode: false });
  const compressor = createCompressor(options.compression);
  source.on('error', (err) => compressor.destroy(err));
  return source.pipe(compressor);
}
