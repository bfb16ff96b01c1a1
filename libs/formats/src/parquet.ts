// Parquet files: one per part, typed columns in the output contract's order (parquet-columns.ts),
// compressed inside (zstd or snappy pages), written row group by row group so memory is bounded by
// a row group or two whatever the window's size.
//
// The writer is hyparquet-writer (pure JavaScript, streaming row groups), run on a thread of its
// own (parquet-thread.ts) while this thread gathers the next row group (parquet-row-group.ts).
// `npm run bench:parquet` measured it against parquet-wasm with apache-arrow on the same records
// (tools/bench/README.md, "Parquet").
import { DEFAULT_PARQUET_COMPRESSION, type ParquetCompression } from '@log-exporter/schemas';
import { ZSTD_LEVEL } from './compress';
import { type EncodingOptions, projectionFor } from './create-encoder';
import type { EncodeStats, RecordBatches } from './encode-stream';
import { parquetColumns, parquetSchema } from './parquet-columns';
import { type ColumnPayload, RowGroupBuffer } from './parquet-row-group';
import { type EncodedRowGroup, ParquetThread } from './parquet-thread';
import type { LogRecord } from './projection';

/**
 * A row group ends at this many rows, or sooner at PARQUET_ROW_GROUP_TEXT_BYTES of text. At most
 * two are held at once (one gathered, one encoded), so this bounds the memory Parquet adds.
 * 16,384 rows and 8 MiB until 2026-12-04: halved, the worker peaked ~20 MB lower (1,000,000
 * records: 313-323 MB against 336-344 MB) in 10.7-10.9 s against 11.8-11.9 s, and the file was
 * smaller (81.8 MB against 82.6 MB; 4,096 rows: 82.2 MB).
 */
export const PARQUET_ROW_GROUP_ROWS = 8_192;
/** A row group also ends once its strings hold about this many characters. */
export const PARQUET_ROW_GROUP_TEXT_BYTES = 4 * 1024 * 1024;

/**
 * The Parquet file of the records, in pieces: each row group as it is encoded (the first with the
 * file's header), then the footer. Records are projected (exclusions, repository scope, IP
 * handling) as in every other format.
 */
export async function* encodeParquet(
  batches: RecordBatches,
  options: EncodingOptions & { parquetCompression?: ParquetCompression },
  stats: EncodeStats = { records: 0 },
): AsyncGenerator<Buffer> {
  const columns = parquetColumns(options);
  const { apply } = projectionFor({ ...options, format: 'parquet' });
  const group = new RowGroupBuffer(columns);
  const thread = new ParquetThread({
    schema: parquetSchema(columns),
    codec: (options.parquetCompression ?? DEFAULT_PARQUET_COMPRESSION) === 'snappy' ? 'SNAPPY' : 'ZSTD',
    zstdLevel: ZSTD_LEVEL,
    // Min/max of text would keep each row group's text alive until the footer: numbers and
    // timestamps only (what engines skip row groups by).
    statistics: columns.map((c) => c.type !== 'string'),
    createdBy: 'log-exporter',
  });
  let encoding: Promise<EncodedRowGroup> | null = null;
  // The columns of the last row group encoded, given back: the group after next is gathered in them.
  let spare: ColumnPayload[] | undefined;
  const encoded = async (sent: Promise<EncodedRowGroup>): Promise<Buffer> => {
    const { bytes, columns: given } = await sent;
    spare = given;
    return bytes;
  };
  const send = () => {
    const { rows, columns: gathered, transfer } = group.take(spare);
    spare = undefined;
    const sent = thread.writeRowGroup(rows, gathered, transfer);
    sent.catch(() => undefined); // awaited below; a failure surfaces there
    return sent;
  };
  try {
    for await (const batch of batches) {
      for (const item of batch) {
        if (typeof item === 'string') throw new Error('Parquet files are written from records, not lines');
        group.push(apply === null ? item : apply(item as LogRecord));
        if (
          group.rows === PARQUET_ROW_GROUP_ROWS ||
          (group.rows % 256 === 0 && group.text() >= PARQUET_ROW_GROUP_TEXT_BYTES)
        ) {
          // One row group encodes while the next is gathered.
          if (encoding) yield await encoded(encoding);
          encoding = send();
        }
      }
      stats.records += batch.length;
    }
    if (encoding) yield await encoded(encoding);
    if (group.rows > 0) yield await encoded(send());
    yield await thread.finish();
  } finally {
    await thread.close();
  }
}
