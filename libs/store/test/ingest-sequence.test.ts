// The ingest sequence: every stored record gets the next value, values commit in order, and a
// window can be read as one delivery's slice of the sequence.
import { TEST_DATABASE_KINDS, type TestDatabase, createTestDatabase } from '@log-exporter/local-stack';
import type { ClientLogRecord } from '@log-exporter/schemas';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import { type Store, type WindowScope, openStore } from '../src';

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const scope = (ingested?: WindowScope['ingested']): WindowScope => ({
  logType: 'client',
  organization: 'acme',
  repositories: null,
  window: WINDOW,
  ...(ingested ? { ingested } : {}),
});

describe.each(TEST_DATABASE_KINDS)('%s ingest sequence', (kind) => {
  let database: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    store = await openStore(database.url);
  });

  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it('gives every stored record the next value, across both log types', async () => {
    expect(await store.logs.committedSeq()).toBe(0);
    await store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 30 }),
    ]);
    expect(await store.logs.committedSeq()).toBe(30);
    await store.logs.insertAuditLogs([
      ...generateAuditLogs({ seed: 2, organization: 'acme', window: WINDOW, count: 5 }),
    ]);
    expect(await store.logs.committedSeq()).toBe(35);
    await store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 3, organization: 'acme', window: WINDOW, count: 10 }),
    ]);
    expect(await store.logs.countInWindow(scope({ after: null, upTo: 30 }))).toBe(30);
    expect(await store.logs.countInWindow(scope({ after: 30, upTo: null }))).toBe(10);
    expect(await store.logs.countInWindow(scope({ after: 35, upTo: 40 }))).toBe(5);
  });

  it('streams only the slice of the sequence asked for, in window order', async () => {
    const first = [...generateClientLogs({ seed: 4, organization: 'acme', window: WINDOW, count: 50 })];
    const late = [...generateClientLogs({ seed: 5, organization: 'acme', window: WINDOW, count: 7 })];
    await store.logs.insertClientLogs(first);
    const cut = await store.logs.committedSeq();
    await store.logs.insertClientLogs(late);
    const streamed: ClientLogRecord[] = [];
    for await (const page of store.logs.clientLogPages(scope({ after: cut, upTo: null }), { after: null, until: null }))
      streamed.push(...page);
    expect(streamed.map((r) => r.request_id).sort()).toEqual(late.map((r) => r.request_id).sort());
    const order = streamed.map((r) => `${r.recorded}|${r.request_id}`);
    expect([...order].sort()).toEqual(order);
  });

  it('never commits a value below a cut already read, whatever ingests run at once', async () => {
    // Three connections ingest at once while a fourth reads cuts: every record at or below a cut
    // must already be visible when the cut is read (a late commit below it would be skipped by
    // the delivery that used the cut, and by every correction after it).
    // SQLite: one write connection per process, as in the apps (a second connection in the same
    // thread would wait for a lock that only this thread can release); its ingests still interleave.
    const writers =
      kind === 'postgres'
        ? [store, await openStore(database.url), await openStore(database.url)]
        : [store, store, store];
    const reader = await openStore(database.url);
    try {
      const cuts: { seq: number; seen: number }[] = [];
      let writing = true;
      const readCuts = (async () => {
        while (writing) {
          const seq = await reader.logs.committedSeq();
          cuts.push({ seq, seen: await reader.logs.countInWindow(scope({ after: null, upTo: seq })) });
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let round = 0; round < 15; round++) {
            await writer.logs.insertClientLogs([
              ...generateClientLogs({ seed: 100 + w * 100 + round, organization: 'acme', window: WINDOW, count: 40 }),
            ]);
            await new Promise((resolve) => setTimeout(resolve, 3)); // let the reader in between rounds
          }
        }),
      );
      writing = false;
      await readCuts;
      expect(cuts.length).toBeGreaterThan(5);
      for (const cut of cuts) {
        expect(await reader.logs.countInWindow(scope({ after: null, upTo: cut.seq }))).toBe(cut.seen);
      }
      expect(await store.logs.committedSeq()).toBe(3 * 15 * 40);
    } finally {
      await reader.close();
      for (const writer of new Set(writers.slice(1))) if (writer !== store) await writer.close();
    }
  });
});
