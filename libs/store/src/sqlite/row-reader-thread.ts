// Rows stepped on a thread of their own, for queries whose SQL does much work per row (CSV
// lines: quoting tested field by field, see csv-lines.ts). SQLite's work then runs beside the
// export's thread, which meanwhile encodes, compresses and uploads the pages before; on the
// export's thread (better-sqlite3 is synchronous) the two took turns. Queries whose rows cost
// SQLite little (JSON lines, plain columns) stay on the export's thread: the copy of each page
// between threads costs more than it frees (tools/bench/README.md has both measurements).
//
// One thread per store, started at the first query that asks for it and shared by every such
// query streaming at once: each is a cursor of its own on the thread (its own read-only
// connection, so its own WAL snapshot, as on the export's thread), and the thread reads one page
// per request, so cursors take turns a page at a time. The caller keeps READ_AHEAD_PAGES
// requested beyond the page it holds.
import type * as WorkerThreads from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { JSON_NUMBER_FUNCTION, jsonNumber } from '../float-text';

/** Pages read ahead of the one the caller holds: reading and encoding overlap, memory stays bounded. */
export const READ_AHEAD_PAGES = 2;

/**
 * The thread's heap (old generation, MB): a few pages of rows at a time. Typical pages are well
 * under 1 MB; the headroom is for pages of long lines (a field may hold 64 KiB of text).
 */
const READER_THREAD_HEAP_MB = 64;

export interface ReaderSettings {
  path: string;
  /** Page cache of each read-only connection, KiB. */
  cacheKib: number;
  busyTimeoutMs: number;
}

interface ThreadSettings extends ReaderSettings {
  /** Absolute path of better-sqlite3's entry (the thread has no resolver of ours). */
  library: string;
  numberFunction: string;
}

type Request =
  | { type: 'open'; id: number; sql: string; parameters: Record<string, unknown> | null; pageSize: number }
  | { type: 'next'; id: number }
  | { type: 'close'; id: number };

type Reply =
  | { type: 'page'; id: number; rows: unknown[][] }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; message: string; code: string | undefined };

/**
 * The thread's program. It runs from its source text (`new Worker(…, { eval: true })`), so it may
 * use only what it requires itself and the function it is given (the store's number printer).
 */
function readerThread(jsonNumberFunction: (value: number | bigint | null) => string | null): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  const settings = workerData as ThreadSettings;
  const Database = require(settings.library) as typeof BetterSqlite3;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const port = parentPort as NonNullable<typeof parentPort>;
  const cursors = new Map<
    number,
    { db: BetterSqlite3.Database; rows: IterableIterator<unknown[]>; pageSize: number }
  >();

  const close = (id: number) => {
    const cursor = cursors.get(id);
    if (!cursor) return;
    cursors.delete(id);
    cursor.rows.return?.();
    cursor.db.close();
  };

  port.on('message', (request: Request) => {
    const { id } = request;
    let opened: BetterSqlite3.Database | undefined;
    try {
      if (request.type === 'open') {
        const db = new Database(settings.path, { readonly: true, fileMustExist: true });
        opened = db;
        db.function(settings.numberFunction, { deterministic: true }, jsonNumberFunction);
        db.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
        db.pragma(`cache_size = -${settings.cacheKib}`);
        const statement = db.prepare(request.sql).raw(true);
        const rows = (
          request.parameters === null ? statement.iterate() : statement.iterate(request.parameters)
        ) as IterableIterator<unknown[]>;
        cursors.set(id, { db, rows, pageSize: request.pageSize });
      } else if (request.type === 'next') {
        const cursor = cursors.get(id);
        if (!cursor) return;
        const page: unknown[][] = [];
        for (let next = cursor.rows.next(); !next.done; next = cursor.rows.next()) {
          page.push(next.value);
          if (page.length === cursor.pageSize) break;
        }
        if (page.length > 0) port.postMessage({ type: 'page', id, rows: page } satisfies Reply);
        if (page.length < cursor.pageSize) {
          close(id);
          port.postMessage({ type: 'end', id } satisfies Reply);
        }
      } else {
        close(id);
      }
    } catch (err) {
      if (cursors.has(id)) close(id);
      else opened?.close();
      const { message, code } = err as { message?: unknown; code?: unknown };
      port.postMessage({
        type: 'error',
        id,
        message: String(message ?? err),
        code: typeof code === 'string' ? code : undefined,
      } satisfies Reply);
    }
  });
}

/** A query's replies, waiting until its caller takes them. */
class Cursor {
  private readonly replies: Reply[] = [];
  private waiting: ((reply: Reply) => void) | null = null;

  deliver(reply: Reply): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(reply);
    } else {
      this.replies.push(reply);
    }
  }

  next(): Promise<Reply> {
    const reply = this.replies.shift();
    if (reply) return Promise.resolve(reply);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}

/** Streams the rows of queries on one database file, stepped on the reader thread. */
export class SqliteRowReader {
  private worker: Worker | null = null;
  private readonly cursors = new Map<number, Cursor>();
  private nextId = 1;

  constructor(private readonly settings: ReaderSettings) {}

  private thread(): Worker {
    if (this.worker) return this.worker;
    // tsx (esbuild with keepNames) wraps functions in a `__name` helper of the module's own: the
    // thread's copy of the source gets a stand-in.
    const source = `const __name = (target) => target;\n(${readerThread.toString()})(${jsonNumber.toString()})`;
    const worker = new Worker(source, {
      eval: true,
      workerData: {
        ...this.settings,
        library: require.resolve('better-sqlite3'),
        numberFunction: JSON_NUMBER_FUNCTION,
      } satisfies ThreadSettings,
      resourceLimits: { maxOldGenerationSizeMb: READER_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 4 },
    });
    // An idle reader does not keep the process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => this.cursors.get(reply.id)?.deliver(reply));
    const failAll = (message: string) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, cursor] of this.cursors) cursor.deliver({ type: 'error', id, message, code: undefined });
    };
    worker.on('error', (err) => failAll(`SQLite reader thread failed: ${err.message}`));
    worker.on('exit', (code) => failAll(`SQLite reader thread exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  /** The rows of `sql` (named parameters, or none), `pageSize` at a time. */
  async *rows(sql: string, parameters: Record<string, unknown> | null, pageSize: number): AsyncGenerator<unknown[][]> {
    const worker = this.thread();
    const id = this.nextId++;
    const cursor = new Cursor();
    this.cursors.set(id, cursor);
    const send = (request: Request) => worker.postMessage(request);
    let ended = false;
    try {
      send({ type: 'open', id, sql, parameters, pageSize });
      for (let i = 0; i < READ_AHEAD_PAGES; i++) send({ type: 'next', id });
      for (;;) {
        const reply = await cursor.next();
        if (reply.type === 'end') {
          ended = true;
          return;
        }
        if (reply.type === 'error') {
          ended = true;
          throw Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code });
        }
        send({ type: 'next', id });
        yield reply.rows;
      }
    } finally {
      this.cursors.delete(id);
      if (!ended && this.worker === worker) send({ type: 'close', id });
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
