// One measured run of a Parquet writer, in a process of its own (started as the worker is) so its
// peak RSS is its own:
// `tsx bench-parquet-child.ts <writer> <records>` prints {"seconds","bytes","peakRssMb"}.
// Both writers get the same generated client records (one window, in batches of 1,000), write
// row groups of PARQUET_ROW_GROUP_ROWS rows with zstd pages and count the bytes they produce.
// `generate` only generates the records: the floor both runs share.
import * as arrow from 'apache-arrow';
import { applyWorkerRuntimeV8Flags } from '@log-exporter/config';
import {
  type LogRecord,
  PARQUET_ROW_GROUP_ROWS,
  allParquetColumns,
  encodeParquet,
  inBatches,
} from '@log-exporter/formats';
import { type FieldType, parseRfc3339Micros } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { peakRssMb } from './measure';

export const PARQUET_WRITERS = ['generate', 'hyparquet-writer', 'parquet-wasm'] as const;
export type ParquetWriterName = (typeof PARQUET_WRITERS)[number];

const WINDOW = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };

function records(count: number): Iterable<LogRecord[]> {
  return inBatches(generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count }) as Iterable<LogRecord>);
}

async function hyparquetBytes(count: number): Promise<number> {
  let bytes = 0;
  for await (const piece of encodeParquet(records(count), { logType: 'client', format: 'parquet', exclude: [] }))
    bytes += piece.length;
  return bytes;
}

const ARROW_TYPES: Record<FieldType, arrow.DataType> = {
  timestamp: new arrow.TimestampMicrosecond('UTC'),
  integer: new arrow.Int64(),
  number: new arrow.Float64(),
  string: new arrow.Utf8(),
};

/** parquet-wasm with apache-arrow: row groups as Arrow record batches, into its streaming writer. */
async function parquetWasmBytes(count: number): Promise<number> {
  const wasm = await import('parquet-wasm');
  const columns = allParquetColumns('client');
  const fields = columns.map((c) => new arrow.Field(c.name, ARROW_TYPES[c.type], c.nullable));
  const schema = new arrow.Schema(fields);
  const toWasm = (values: unknown[][], rows: number) => {
    const children = columns.map((c, i) => {
      const column = values[i] as unknown[];
      if (c.type === 'timestamp') {
        const micros = new BigInt64Array(rows);
        for (let r = 0; r < rows; r++) micros[r] = BigInt(parseRfc3339Micros(column[r] as string) as number);
        return arrow.makeData({
          type: ARROW_TYPES.timestamp as arrow.TimestampMicrosecond,
          data: micros,
          length: rows,
        });
      }
      const converted = c.type === 'integer' ? column.map((v) => (v === null ? null : BigInt(v as number))) : column;
      return arrow.vectorFromArray(converted, ARROW_TYPES[c.type]).data[0] as arrow.Data;
    });
    const batch = new arrow.RecordBatch(
      schema,
      arrow.makeData({ type: new arrow.Struct(fields), children, length: rows, nullCount: 0 }),
    );
    const table = wasm.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(batch), 'stream'));
    const wasmBatch = table.recordBatch(0);
    table.free(); // WASM memory is not collected: without this, every row group stays
    return wasmBatch;
  };
  async function* batches() {
    let values: unknown[][] = columns.map(() => []);
    let rows = 0;
    for (const batch of records(count))
      for (const record of batch) {
        columns.forEach((c, i) => (values[i] as unknown[]).push(record[c.name] ?? null));
        if (++rows === PARQUET_ROW_GROUP_ROWS) {
          yield toWasm(values, rows);
          values = columns.map(() => []);
          rows = 0;
        }
      }
    if (rows > 0) yield toWasm(values, rows);
  }
  const properties = new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression.ZSTD)
    .setMaxRowGroupSize(PARQUET_ROW_GROUP_ROWS)
    .build();
  const stream = await wasm.transformParquetStream(ReadableStream.from(batches()), properties);
  let bytes = 0;
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return bytes;
}

async function generateOnly(count: number): Promise<number> {
  let n = 0;
  for (const batch of records(count)) n += batch.length;
  return n;
}

async function main(): Promise<void> {
  applyWorkerRuntimeV8Flags(); // the worker's heap, as its main.ts sets it
  const [writer, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!PARQUET_WRITERS.includes(writer as ParquetWriterName) || !Number.isInteger(count) || count < 1)
    throw new Error(
      `usage: bench-parquet-child.ts <${PARQUET_WRITERS.join('|')}> <records>, got ${writer} ${countText}`,
    );
  const start = performance.now();
  const bytes =
    writer === 'hyparquet-writer'
      ? await hyparquetBytes(count)
      : writer === 'parquet-wasm'
        ? await parquetWasmBytes(count)
        : await generateOnly(count);
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(JSON.stringify({ seconds, bytes, peakRssMb: peakRssMb() }) + '\n');
}

if (require.main === module)
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
