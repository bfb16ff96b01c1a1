// PostgreSQL connections lost under the store (a failover, a restart): the operation in flight
// fails, the process does not crash (an unhandled 'error' event would be an uncaught exception
// and end the worker), and the store works again once the server answers.
import net from 'node:net';
import pg from 'pg';
import { type TestDatabase, createTestDatabase } from '@log-exporter/local-stack';
import { generateClientLogs } from '@log-exporter/testing';
import { type Store, type WindowScope, openPostgresStore, openStore } from '../src';

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const scope: WindowScope = { logType: 'client', organization: 'acme', repositories: null, window: WINDOW };

let database: TestDatabase;
let store: Store;
let admin: pg.Client;
const uncaught: Error[] = [];
const onUncaught = (err: Error) => uncaught.push(err);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  database = await createTestDatabase('postgres');
  store = await openStore(database.url);
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await store.logs.insertClientLogs([
    ...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 3_000 }),
  ]);
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await admin.end();
  await store.close();
  await database.drop();
});

/** Ends every other connection of the store to this database, as a server restart would. */
async function terminateStoreConnections(): Promise<number> {
  const { rows } = await admin.query<{ ended: boolean }>(
    `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'log-exporter'`,
  );
  return rows.length;
}

it('fails a cursor whose connection is lost between two pages, without an uncaught error', async () => {
  const pages = store.logs.clientLogPages(scope, { after: null, until: null }, 100)[Symbol.asyncIterator]();
  expect((await pages.next()).value).toHaveLength(100);
  expect(await terminateStoreConnections()).toBeGreaterThanOrEqual(1);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the 'error' event arrives meanwhile
  await expect(
    (async () => {
      for (let result = await pages.next(); !result.done; result = await pages.next());
    })(),
  ).rejects.toThrow(/terminat/i);
  expect(uncaught).toEqual([]);
  expect(await store.logs.countInWindow(scope)).toBe(3_000);
});

it('fails an ingest whose transaction loses its connection, stores nothing of it, and recovers', async () => {
  const before = await store.logs.committedSeq();
  const records = [...generateClientLogs({ seed: 2, organization: 'acme', window: WINDOW, count: 20_000 })];
  const ingest = store.logs.insertClientLogs(records);
  await new Promise((resolve) => setTimeout(resolve, 30));
  await terminateStoreConnections();
  const outcome = await ingest.then(
    () => 'stored',
    (err: Error) => err.message,
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(uncaught).toEqual([]);
  if (outcome === 'stored') {
    // The insert committed before the connection went: all of it, then.
    expect(await store.logs.countInWindow(scope)).toBe(23_000);
  } else {
    // However the loss surfaces (terminated mid-statement, a write into the closed socket, or a
    // client no longer queryable between statements), the transaction is rolled back.
    expect(outcome).toMatch(/terminat|not queryable|EPIPE|ECONNRESET/i);
    expect(await store.logs.committedSeq()).toBe(before);
    expect(await store.logs.countInWindow(scope)).toBe(3_000);
  }
  await store.ping();
});

it('gives up on a server that accepts a connection and never answers, instead of waiting forever', async () => {
  // A listening socket that never speaks: what a server going down or coming up can look like.
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  const started = Date.now();
  try {
    await expect(
      openPostgresStore({ connectionString: `postgres://nobody@127.0.0.1:${port}/none`, connectTimeoutMs: 500 }),
    ).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    silent.close();
  }
});
