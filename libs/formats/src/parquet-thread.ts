// The Parquet encoding thread: hyparquet-writer runs in a worker thread of its own while the
// export's thread reads the database and gathers the next row group (two cores at work), and its
// garbage lives in a small heap of its own (resourceLimits), collected as it fills, instead of
// growing the worker's heap between full collections.
//
// Row groups arrive as transferred buffers (parquet-row-group.ts) and leave as the encoded bytes
// of each row group (transferred back); at most one is in flight while the next is gathered.
import type * as WorkerThreads from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import type * as Zlib from 'node:zlib';
import type * as HyparquetWriter from 'hyparquet-writer';
import type { ColumnPayload } from './parquet-row-group';
import type { SchemaElement } from './parquet-columns';

/** The encoding thread's heap (old generation, MB): a few columns of one row group are live at once. */
export const PARQUET_THREAD_HEAP_MB = 48;

interface ThreadSettings {
  /** Absolute path of hyparquet-writer's entry (the thread has no resolver of ours). */
  library: string;
  schema: SchemaElement[];
  codec: 'ZSTD' | 'SNAPPY';
  zstdLevel: number;
  /** Per column: whether it gets min/max statistics. */
  statistics: boolean[];
  createdBy: string;
}

type Request = { type: 'group'; rows: number; columns: ColumnPayload[] } | { type: 'finish' };
/** The encoded bytes, and the row group's columns given back for the next group to reuse. */
type Reply = { type: 'bytes'; bytes: ArrayBuffer; columns: ColumnPayload[] } | { type: 'error'; message: string };

/**
 * The thread's program. It runs from its source text (`new Worker(…, { eval: true })`), so it may
 * use only what it requires itself; written here so it is type-checked with the rest.
 */
function encodingThread(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  const zlib = require('node:zlib') as typeof Zlib;
  const settings = workerData as ThreadSettings;
  const { ByteWriter, ParquetWriter } = require(settings.library) as typeof HyparquetWriter;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const port = parentPort as NonNullable<typeof parentPort>;
  const out = new ByteWriter(1024 * 1024) as InstanceType<typeof ByteWriter> & { flush?: () => void };
  let pieces: ArrayBuffer[] = [];
  out.flush = () => {
    pieces.push(out.getBuffer());
    out.index = 0;
  };
  out.finish = out.flush;
  const level = settings.zstdLevel;
  const writer = new ParquetWriter({
    writer: out,
    schema: settings.schema,
    codec: settings.codec,
    compressors: {
      ZSTD: (input: Uint8Array) =>
        zlib.zstdCompressSync(input, { params: { [zlib.constants.ZSTD_c_compressionLevel]: level } }),
    },
    createdBy: settings.createdBy,
  });
  const names = settings.schema.slice(1).map((element) => element.name);
  /** The writer reads a column with `slice`: text values become views of its bytes only then. */
  const columnData = (column: ColumnPayload, rows: number): unknown => {
    if (column.kind !== 'text') return column.values;
    const bytes = new Uint8Array(column.bytes);
    const { ends, nulls } = column;
    const view = (i: number) => (nulls[i] ? null : bytes.subarray(i === 0 ? 0 : (ends[i - 1] as number), ends[i]));
    return {
      length: rows,
      slice: (from: number, to: number) => {
        const values = new Array<Uint8Array | null>(to - from);
        for (let k = 0; k < values.length; k++) values[k] = view(from + k);
        return values;
      },
    };
  };
  const buffersOf = (columns: ColumnPayload[]): ArrayBuffer[] =>
    columns.flatMap((c) =>
      c.kind === 'text'
        ? [c.bytes, c.ends.buffer as ArrayBuffer, c.nulls.buffer as ArrayBuffer]
        : c.kind === 'values'
          ? []
          : [c.values.buffer as ArrayBuffer],
    );
  const send = (columns: ColumnPayload[]) => {
    const size = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const piece of pieces) {
      bytes.set(new Uint8Array(piece), at);
      at += piece.byteLength;
    }
    pieces = [];
    const given = columns.filter((c) => c.kind !== 'values');
    port.postMessage({ type: 'bytes', bytes: bytes.buffer, columns } satisfies Reply, [
      bytes.buffer,
      ...buffersOf(given),
    ]);
  };
  port.on('message', (request: Request) => {
    void (async () => {
      try {
        if (request.type === 'group') {
          await writer.write({
            columnData: request.columns.map((column, i) => ({
              name: names[i] as string,
              data: columnData(column, request.rows) as never,
              statistics: settings.statistics[i],
            })),
            rowGroupSize: request.rows,
          });
        } else await writer.finish();
        send(request.type === 'group' ? request.columns : []);
      } catch (err) {
        port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) } satisfies Reply);
      }
    })();
  });
}

export interface EncodedRowGroup {
  bytes: Buffer;
  /** The columns sent, their buffers back for reuse (`values` columns are copies). */
  columns: ColumnPayload[];
}

/** One Parquet file being encoded on its own thread. */
export class ParquetThread {
  private readonly worker: Worker;
  private pending: { resolve: (reply: EncodedRowGroup) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(settings: Omit<ThreadSettings, 'library'>) {
    // tsx (esbuild with keepNames) wraps functions in a `__name` helper of the module's own: the
    // thread's copy of the source gets a stand-in.
    this.worker = new Worker(`const __name = (target) => target;\n(${encodingThread.toString()})()`, {
      eval: true,
      workerData: { ...settings, library: require.resolve('hyparquet-writer') } satisfies ThreadSettings,
      resourceLimits: { maxOldGenerationSizeMb: PARQUET_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 8 },
    });
    this.worker.on('message', (reply: Reply) => {
      const pending = this.pending;
      this.pending = null;
      if (reply.type === 'bytes') pending?.resolve({ bytes: Buffer.from(reply.bytes), columns: reply.columns });
      else pending?.reject(new Error(`Parquet encoding failed: ${reply.message}`));
    });
    const fail = (err: Error) => {
      this.failure = err;
      this.pending?.reject(err);
      this.pending = null;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the Parquet encoding thread stopped (exit code ${code})`)));
  }

  /** Encodes a row group; resolves with its bytes and its columns given back. One at a time. */
  writeRowGroup(rows: number, columns: ColumnPayload[], transfer: ArrayBuffer[]): Promise<EncodedRowGroup> {
    return this.request({ type: 'group', rows, columns }, transfer);
  }

  /** Writes the footer; resolves with the file's last bytes. */
  async finish(): Promise<Buffer> {
    return (await this.request({ type: 'finish' }, [])).bytes;
  }

  /** Stops the thread (after finish, or when the export gives up). */
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private request(request: Request, transfer: ArrayBuffer[]): Promise<EncodedRowGroup> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('a Parquet row group is already being encoded'));
    return new Promise<EncodedRowGroup>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request, transfer);
    });
  }
}
