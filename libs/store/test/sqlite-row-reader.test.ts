// The SQLite reader thread: cursors at once each get their own rows in order, a cursor left early
// lets go of its snapshot, SQLite's errors arrive with their code, and the store's SQL function
// is there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteRowReader } from '../src/sqlite/row-reader-thread';

let dir: string;
let path: string;
let db: Database.Database;
let reader: SqliteRowReader;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'row-reader-'));
  path = join(dir, 'rows.db');
  db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, text TEXT)');
  const insert = db.prepare('INSERT INTO t (n, text) VALUES (?, ?)');
  db.transaction(() => {
    for (let n = 1; n <= 1_000; n++) insert.run(n, `row ${n}`);
  })();
  reader = new SqliteRowReader({ path, cacheKib: 2000, busyTimeoutMs: 1000 });
});

afterEach(async () => {
  await reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(pages: AsyncIterable<unknown[][]>): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
}

/** A checkpoint that must move the whole WAL into the database: refused (busy) while a reader holds an older snapshot. */
function checkpointBlocked(): boolean {
  const other = new Database(path);
  try {
    other.pragma('busy_timeout = 0');
    const [result] = other.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result!.busy === 1;
  } finally {
    other.close();
  }
}

it('streams cursors at once, each its own rows in order, a page at a time', async () => {
  const pageSizes: number[] = [];
  const odd = (async () => {
    const rows: unknown[][] = [];
    for await (const page of reader.rows('SELECT n, text FROM t WHERE n % 2 = 1 ORDER BY n', null, 100)) {
      pageSizes.push(page.length);
      rows.push(...page);
    }
    return rows;
  })();
  const named = collect(reader.rows('SELECT n FROM t WHERE n > @p1 ORDER BY n DESC', { p1: 990 }, 3));
  const [oddRows, namedRows] = await Promise.all([odd, named]);
  expect(oddRows).toEqual(Array.from({ length: 500 }, (_, i) => [2 * i + 1, `row ${2 * i + 1}`]));
  expect(pageSizes).toEqual([100, 100, 100, 100, 100]);
  expect(namedRows).toEqual([[1000], [999], [998], [997], [996], [995], [994], [993], [992], [991]]);
});

it('lets go of its snapshot when the caller stops early', async () => {
  const pages = reader.rows('SELECT n FROM t ORDER BY n', null, 10)[Symbol.asyncIterator]();
  const first = await pages.next();
  expect(first.value).toHaveLength(10);
  db.prepare('INSERT INTO t (n, text) VALUES (?, ?)').run(5_000, 'after the snapshot');
  expect(checkpointBlocked()).toBe(true);
  await pages.return(undefined);
  // Requests are handled in order: once a later query is done, the close before it was too.
  expect(await collect(reader.rows('SELECT count(*) FROM t', null, 10))).toEqual([[1001]]);
  expect(checkpointBlocked()).toBe(false);
});

it("rejects with SQLite's message and code, and goes on serving other queries", async () => {
  await expect(collect(reader.rows('SELECT * FROM missing', null, 10))).rejects.toMatchObject({
    message: expect.stringContaining('no such table: missing'),
    code: 'SQLITE_ERROR',
  });
  expect(await collect(reader.rows('SELECT max(n) FROM t', null, 10))).toEqual([[1000]]);
});

it('calls the SQL function the store registers (floats printed as JavaScript does)', async () => {
  const rows = await collect(reader.rows('SELECT log_exporter_json_number(0.1 + 0.2)', null, 10));
  expect(rows).toEqual([[String(0.1 + 0.2)]]);
});
