// The store's contract, run on both backends: the embedded SQLite file and PostgreSQL.
import { TEST_DATABASE_KINDS, type TestDatabase, createTestDatabase } from '@log-exporter/local-stack';
import { type ClientLogRecord, type RecordCursor, createExportInputSchema } from '@log-exporter/schemas';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import { type Store, type WindowScope, openSqliteStore, openStore, parseDatabaseUrl } from '../src';

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const BEFORE = { start: '2026-11-19T00:00:00Z', end: '2026-11-20T00:00:00Z' };
const AFTER = { start: '2026-11-21T00:00:00Z', end: '2026-11-22T00:00:00Z' };

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

const clientScope = (overrides: Partial<WindowScope> = {}): WindowScope => ({
  logType: 'client',
  organization: 'acme',
  repositories: null,
  window: WINDOW,
  ...overrides,
});

describe('database URLs', () => {
  it('reads sqlite paths and postgres URLs, and names a bad one', () => {
    expect(parseDatabaseUrl('sqlite:.data/x.db')).toEqual({ kind: 'sqlite', path: '.data/x.db' });
    expect(parseDatabaseUrl('sqlite:///tmp/x.db')).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
    expect(parseDatabaseUrl('postgres://u@h/db')).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow('DATABASE_URL "mysql://h/db"');
    expect(() => parseDatabaseUrl('sqlite:')).toThrow('names no file');
  });
});

describe.each(TEST_DATABASE_KINDS)('%s store', (kind) => {
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

  it('reopens an existing database without re-running its migrations', async () => {
    await store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 10 }),
    ]);
    await store.close();
    store = await openStore(database.url);
    expect(await store.logs.countInWindow(clientScope())).toBe(10);
    expect(store.kind).toBe(kind);
  });

  describe('client logs', () => {
    it('streams exactly one organisation and window, in (recorded, request_id) order', async () => {
      const inside = [...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 500 })];
      await store.logs.insertClientLogs(inside);
      await store.logs.insertClientLogs([
        ...generateClientLogs({ seed: 2, organization: 'acme', window: BEFORE, count: 50 }),
      ]);
      await store.logs.insertClientLogs([
        ...generateClientLogs({ seed: 3, organization: 'acme', window: AFTER, count: 50 }),
      ]);
      await store.logs.insertClientLogs([
        ...generateClientLogs({ seed: 4, organization: 'globex', window: WINDOW, count: 50 }),
      ]);

      const streamed = await collect(store.logs.clientLogPages(clientScope(), { after: null, until: null }, 64));
      const expected = [...inside].sort((a, b) =>
        a.recorded === b.recorded ? (a.request_id < b.request_id ? -1 : 1) : a.recorded < b.recorded ? -1 : 1,
      );
      expect(streamed).toEqual(expected);
      expect(await store.logs.countInWindow(clientScope())).toBe(500);
    });

    it('counts a record at the window start in, and one at the window end out', async () => {
      const [template] = [...generateClientLogs({ seed: 9, organization: 'acme', window: WINDOW, count: 1 })];
      const at = (recorded: string, id: string): ClientLogRecord => ({ ...template!, recorded, request_id: id });
      await store.logs.insertClientLogs([
        at('2026-11-20T00:00:00.000000+00:00', 'start'),
        at('2026-11-20T23:59:59.999999+00:00', 'last'),
        at('2026-11-21T00:00:00.000000+00:00', 'end'),
        at('2026-11-19T23:59:59.999999+00:00', 'before'),
      ]);
      const ids = (await collect(store.logs.clientLogPages(clientScope(), { after: null, until: null }))).map(
        (r) => r.request_id,
      );
      expect(ids).toEqual(['start', 'last']);
    });

    it('ignores a record whose request_id is already stored', async () => {
      const records = [...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 20 })];
      expect(await store.logs.insertClientLogs(records)).toEqual({ inserted: 20, duplicates: 0 });
      expect(await store.logs.insertClientLogs(records.slice(0, 5))).toEqual({ inserted: 0, duplicates: 5 });
      expect(await store.logs.countInWindow(clientScope())).toBe(20);
    });

    it('narrows to selected repositories', async () => {
      const records = [...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 300 })];
      await store.logs.insertClientLogs(records);
      const scope = clientScope({ repositories: ['prod-rpm'] });
      const streamed = await collect(store.logs.clientLogPages(scope, { after: null, until: null }));
      expect(streamed.length).toBe(records.filter((r) => r.repository === 'acme/prod-rpm').length);
      expect(streamed.every((r) => r.repository === 'acme/prod-rpm')).toBe(true);
      expect(await store.logs.countInWindow(scope)).toBe(streamed.length);
    });

    it('cuts the window at cursors into slices that cover every record exactly once', async () => {
      await store.logs.insertClientLogs([
        ...generateClientLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 1_000 }),
      ]);
      const all = await collect(store.logs.clientLogPages(clientScope(), { after: null, until: null }));
      const boundaries: RecordCursor[] = [];
      let after: RecordCursor | null = null;
      for (;;) {
        const until = await store.logs.cursorAfter(clientScope(), after, 299);
        if (!until) break;
        boundaries.push(until);
        after = until;
      }
      expect(boundaries).toHaveLength(3);
      expect(boundaries[0]).toEqual({ at: all[299]!.recorded, id: all[299]!.request_id });
      const slices = [];
      let previous: RecordCursor | null = null;
      for (const until of [...boundaries, null]) {
        slices.push(await collect(store.logs.clientLogPages(clientScope(), { after: previous, until }, 128)));
        previous = until;
      }
      expect(slices.map((s) => s.length)).toEqual([300, 300, 300, 100]);
      expect(slices.flat()).toEqual(all);
    });
  });

  describe('audit logs', () => {
    it('streams one organisation and window in (event_at, uuid) order without the organisation field', async () => {
      const records = [...generateAuditLogs({ seed: 1, organization: 'acme', window: WINDOW, count: 200 })];
      await store.logs.insertAuditLogs(records);
      await store.logs.insertAuditLogs([
        ...generateAuditLogs({ seed: 2, organization: 'globex', window: WINDOW, count: 20 }),
      ]);
      const scope: WindowScope = { logType: 'audit', organization: 'acme', repositories: null, window: WINDOW };
      const streamed = await collect(store.logs.auditLogPages(scope, { after: null, until: null }, 50));
      expect(streamed).toHaveLength(200);
      expect(streamed[0]).not.toHaveProperty('organization');
      const order = streamed.map((r) => `${r.event_at}|${r.uuid}`);
      expect([...order].sort()).toEqual(order);
      expect(await store.logs.insertAuditLogs(records.slice(0, 3))).toEqual({ inserted: 0, duplicates: 3 });
    });
  });

  describe('access tokens', () => {
    it('stores a digest, lists without it, and revokes once', async () => {
      const digest = 'ab'.repeat(32);
      const created = await store.accessTokens.create({
        kind: 'customer',
        name: 'acme ci',
        organization: 'acme',
        secretSha256: digest,
        createdBy: 'admin',
        expiresAt: '2027-01-01T00:00:00.000Z',
      });
      expect(created.id).toMatch(/^tok_[a-z2-7]{16}$/);
      expect(await store.accessTokens.get(created.id)).toEqual({ ...created, secretSha256: digest });
      const ops = await store.accessTokens.create({
        kind: 'ops',
        name: 'oncall',
        organization: null,
        secretSha256: 'cd'.repeat(32),
        createdBy: 'admin',
        expiresAt: null,
      });
      const listed = await store.accessTokens.list();
      expect(listed.map((t) => t.id).sort()).toEqual([created.id, ops.id].sort());
      expect(JSON.stringify(listed)).not.toContain(digest);
      const revoked = await store.accessTokens.revoke(created.id);
      expect(revoked?.revokedAt).toEqual(expect.any(String));
      expect((await store.accessTokens.revoke(created.id))?.revokedAt).toBe(revoked?.revokedAt);
      expect(await store.accessTokens.revoke('tok_aaaaaaaaaaaaaaaa')).toBeUndefined();
      expect((await store.accessTokens.get(ops.id))?.revokedAt).toBeNull();
    });

    it('refuses a customer token without an organisation, and an ops token with one', async () => {
      const base = { name: 'x', secretSha256: 'ef'.repeat(32), createdBy: 'admin', expiresAt: null };
      await expect(store.accessTokens.create({ ...base, kind: 'customer', organization: null })).rejects.toThrow();
      await expect(store.accessTokens.create({ ...base, kind: 'ops', organization: 'acme' })).rejects.toThrow();
      expect(await store.accessTokens.list()).toEqual([]);
    });
  });

  describe('destinations, exports and runs', () => {
    /** A destination of acme into `bucket`; `idChar` makes its (unique) External ID. */
    const newDestination = (bucket: string, idChar: string) =>
      store.destinations.create({
        organization: 'acme',
        awsAccountId: '995557609558',
        bucket,
        region: 'us-east-1',
        prefix: '',
        roleName: 'R',
        externalId: idChar.repeat(48),
      });
    /** A client-log CSV export of acme into that destination, with these settings besides. */
    const newCsvExport = (destinationId: string, settings: Record<string, unknown> = {}) =>
      store.exports.create(
        createExportInputSchema.parse({ destinationId, logType: 'client', format: 'csv', folder: 'f', ...settings }),
        'acme',
      );

    it('counts consecutive failed windows, not attempts: the failures newer than the newest success', async () => {
      const destination = await newDestination('b-logs', 'y');
      const config = await store.exports.create(
        createExportInputSchema.parse({ destinationId: destination.id, logType: 'client', format: 'csv', folder: 'f' }),
        'acme',
      );
      const day = (d: number) => ({ start: `2026-11-0${d}T00:00:00Z`, end: `2026-11-0${d + 1}T00:00:00Z` });
      const finish = (d: number, status: 'succeeded' | 'failed') =>
        store.runs.markFinished({
          exportId: config.id,
          window: day(d),
          workflowId: `wf-${d}`,
          status,
          objects: [],
          manifestKey: status === 'succeeded' ? 'm' : null,
          error: status === 'failed' ? { type: 'WriteDenied', message: 'no' } : null,
        });
      const failures = async () => (await store.exports.get(config.id))!.health.consecutiveFailures;
      await finish(1, 'succeeded');
      await finish(2, 'failed');
      await finish(2, 'failed'); // the same window failing again is still one failed window
      await finish(3, 'failed');
      expect(await failures()).toBe(2);
      await finish(2, 'succeeded'); // fixing an older window does not hide the newer failure
      expect(await failures()).toBe(1);
      await finish(3, 'succeeded');
      expect(await failures()).toBe(0);
    });

    it('keeps each export its own IP pseudonym key, never on the export itself, deleted or not', async () => {
      const destination = await newDestination('b-logs', 'z');
      const create = (input: Record<string, unknown>) => newCsvExport(destination.id, input);
      const hashing = await create({ ipHandling: 'hash' });
      const dropping = await create({ exclude: ['ip'] });
      expect(hashing.ipHandling).toBe('hash');
      expect(dropping).toMatchObject({ ipHandling: 'drop', exclude: ['ip'] });
      const key = (await store.exports.ipHashKey(hashing.id)) as Buffer;
      expect(key).toHaveLength(32);
      expect(await store.exports.ipHashKey(hashing.id)).toEqual(key);
      expect(await store.exports.ipHashKey(dropping.id)).not.toEqual(key);
      const listed = JSON.stringify(await store.exports.list());
      expect(listed).not.toContain(key.toString('hex'));
      expect(listed).not.toContain('ip_hash_key');
      await store.exports.delete(hashing.id);
      expect(await store.exports.ipHashKey(hashing.id)).toEqual(key);
      expect(await store.exports.ipHashKey('exp_unknown')).toBeUndefined();
      expect((await store.exports.update(dropping.id, { ipHandling: 'truncate', exclude: [] }))?.ipHandling).toBe(
        'truncate',
      );
    });

    it('claims one failure notification per export per day, and a recovery only after a failure', async () => {
      const destination = await newDestination('n-logs', 'n');
      const create = () => newCsvExport(destination.id, { notifyUrl: 'https://hooks.example.com/x' });
      const config = await create();
      const window = { start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z' };
      const error = { type: 'WriteDenied', message: 'denied' };
      const claim = (kind: 'failure' | 'recovery', at: string, exportId = config.id) =>
        store.notifications.claim({
          exportId,
          kind,
          window,
          error: kind === 'failure' ? error : null,
          workflowId: 'wf',
          at,
        });

      expect(await claim('recovery', '2026-11-02T01:00:00.000Z')).toBeNull(); // nothing was reported failing
      const first = await claim('failure', '2026-11-02T01:00:00.000Z');
      expect(first).toMatchObject({ kind: 'failure', status: 'pending', errorType: 'WriteDenied', attempts: 0 });
      expect(await claim('failure', '2026-11-02T05:00:00.000Z')).toBeNull();
      expect(await claim('failure', '2026-11-03T00:59:59.000Z')).toBeNull(); // still within the day
      const recovery = await claim('recovery', '2026-11-03T02:00:00.000Z');
      expect(recovery?.kind).toBe('recovery');
      expect(await claim('recovery', '2026-11-03T03:00:00.000Z')).toBeNull(); // told already
      const nextDay = await claim('failure', '2026-11-03T02:30:00.000Z');
      expect(nextDay?.kind).toBe('failure'); // a day after the first failure notification

      // Windows of one export failing at once claim one notification between them.
      const other = await create();
      const claims = await Promise.all(
        Array.from({ length: 8 }, () => claim('failure', '2026-11-02T01:00:00.000Z', other.id)),
      );
      expect(claims.filter((c) => c !== null)).toHaveLength(1);

      await store.notifications.recordAttempt(first!.id, {
        attempt: 2,
        status: 'pending',
        responseStatus: 503,
        error: 'answered 503',
      });
      await store.notifications.recordAttempt(first!.id, {
        attempt: 1,
        status: 'failed',
        responseStatus: 500,
        error: 'late report',
      });
      expect(await store.notifications.get(first!.id)).toMatchObject({
        attempts: 2,
        responseStatus: 503,
        status: 'pending',
      });
      await store.notifications.giveUp(first!.id, 'answered 503 ten times');
      expect(await store.notifications.get(first!.id)).toMatchObject({
        status: 'failed',
        lastError: 'answered 503 ten times',
      });
      expect((await store.notifications.latest(config.id))?.id).toBe(nextDay!.id);
      expect((await store.notifications.list(config.id)).map((n) => n.kind)).toEqual([
        'failure',
        'recovery',
        'failure',
      ]);
      // The secret is the export's alone, and never on the export itself.
      await store.exports.setNotifySecret(config.id, 'whsec_x');
      expect(await store.exports.notifySecret(config.id)).toBe('whsec_x');
      expect(JSON.stringify(await store.exports.get(config.id))).not.toContain('whsec_x');
    });

    async function setUp() {
      const destination = await store.destinations.create({
        organization: 'acme',
        awsAccountId: '995557609558',
        bucket: 'acme-logs',
        region: 'us-east-1',
        prefix: 'cloudsmith-logs',
        roleName: 'CloudsmithLogsWriter',
        externalId: 'x'.repeat(48),
      });
      const config = await store.exports.create(
        createExportInputSchema.parse({
          destinationId: destination.id,
          logType: 'client',
          format: 'csv',
          folder: 'client-logs',
        }),
        'acme',
      );
      return { destination, config };
    }

    it('creates, reads, changes and soft-deletes an export', async () => {
      const { destination, config } = await setUp();
      expect(config.id).toMatch(/^exp_[a-z2-7]{16}$/);
      expect(destination.id).toMatch(/^dst_[a-z2-7]{16}$/);
      expect(await store.destinations.get(destination.id)).toEqual(destination);
      expect(config).toMatchObject({
        organization: 'acme',
        format: 'csv',
        repositories: null,
        exclude: [],
        enabled: true,
      });

      const changed = await store.exports.update(config.id, {
        folder: 'downloads',
        exclude: ['ip'],
        repositories: ['a'],
      });
      expect(changed).toMatchObject({ folder: 'downloads', exclude: ['ip'], repositories: ['a'], format: 'csv' });
      expect(await store.exports.list({ organization: 'acme' })).toHaveLength(1);

      expect(await store.exports.delete(config.id)).toBe(true);
      expect(await store.exports.get(config.id)).toBeUndefined();
      expect(await store.exports.list()).toEqual([]);
      expect(await store.exports.delete(config.id)).toBe(false);
      expect(await store.exports.update(config.id, { enabled: false })).toBeUndefined();
    });

    it('keeps one run per (export, window), counting attempts by workflow run', async () => {
      const { config } = await setUp();
      const start = { exportId: config.id, window: WINDOW, workflowId: 'wf', workflowRunId: 'run-1' };
      await store.runs.markStarted(start);
      await store.runs.markStarted(start); // a retried activity of the same run
      const failed = await store.runs.markFinished({
        exportId: config.id,
        window: WINDOW,
        workflowId: 'wf',
        status: 'failed',
        objects: [],
        manifestKey: null,
        error: { type: 'BucketNotFound', message: 'bucket "x" does not exist' },
      });
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'BucketNotFound' } });
      expect((await store.exports.get(config.id))!.health).toMatchObject({
        consecutiveFailures: 1,
        lastError: 'BucketNotFound: bucket "x" does not exist',
        lastSuccessAt: null,
      });

      await store.runs.markStarted({ ...start, workflowRunId: 'run-2' });
      const objects = [
        { key: 'k1', records: 3, bytes: 30, sha256: 'a'.repeat(64) },
        { key: 'k2', records: 2, bytes: 20, sha256: 'b'.repeat(64) },
      ];
      const succeeded = await store.runs.markFinished({
        exportId: config.id,
        window: WINDOW,
        workflowId: 'wf',
        status: 'succeeded',
        objects,
        manifestKey: 'm',
        error: null,
      });
      expect(succeeded).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        records: 5,
        bytes: 50,
        objects,
        manifestKey: 'm',
        error: null,
      });
      expect(await store.runs.list(config.id)).toHaveLength(1);
      expect((await store.exports.get(config.id))!.health).toMatchObject({
        consecutiveFailures: 0,
        lastSuccessWindow: WINDOW.start,
      });
    });
  });
});

describe('in-memory SQLite (no second connection can see the database: one query, cut in pages)', () => {
  it('streams the window in order, page by page, narrowed to repositories like a file does', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    try {
      const inside = [...generateClientLogs({ seed: 11, organization: 'acme', window: WINDOW, count: 300 })];
      await store.logs.insertClientLogs(inside);
      await store.logs.insertClientLogs([
        ...generateClientLogs({ seed: 12, organization: 'acme', window: AFTER, count: 20 }),
      ]);
      const order = (a: ClientLogRecord, b: ClientLogRecord) =>
        a.recorded === b.recorded ? (a.request_id < b.request_id ? -1 : 1) : a.recorded < b.recorded ? -1 : 1;
      const pages: number[] = [];
      const all: ClientLogRecord[] = [];
      for await (const page of store.logs.clientLogPages(clientScope(), { after: null, until: null }, 64)) {
        pages.push(page.length);
        all.push(...page);
      }
      expect(all).toEqual([...inside].sort(order));
      expect(pages).toEqual([64, 64, 64, 64, 44]);
      const slug = inside[0]!.repository.split('/')[1]!;
      const narrowed = await collect(
        store.logs.clientLogPages(clientScope({ repositories: [slug] }), { after: null, until: null }, 7),
      );
      expect(narrowed).toEqual(inside.filter((r) => r.repository === `acme/${slug}`).sort(order));
      expect(narrowed.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
