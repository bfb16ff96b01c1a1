// The two databases' migrations must describe one schema: the same versions and names, and after
// applying them the same tables with the same columns (types differ by database, names do not).
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase } from '@log-exporter/local-stack';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, openStore } from '../src';

async function sqliteColumns(url: string): Promise<Record<string, string[]>> {
  const db = new Database(url.slice('sqlite:'.length), { readonly: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map((c) => c.name).sort(),
      ]),
    );
  } finally {
    db.close();
  }
}

async function postgresColumns(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Partitions are tables of their own to the catalogue; the schema is their parent's.
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN pg_class k ON k.relname = c.table_name
       WHERE c.table_schema = 'public' AND NOT k.relispartition ORDER BY c.table_name, c.column_name`,
    );
    const tables: Record<string, string[]> = {};
    for (const row of rows) (tables[row.table_name] ??= []).push(row.column_name);
    return tables;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('have the same versions and names on both databases, in order', () => {
    const describe = (list: typeof SQLITE_MIGRATIONS) => list.map((m) => ({ version: m.version, name: m.name }));
    expect(describe(POSTGRES_MIGRATIONS)).toEqual(describe(SQLITE_MIGRATIONS));
    expect(SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
  });

  it('leave both databases with the same tables and columns', async () => {
    const sqlite = await createTestDatabase('sqlite');
    const postgres = await createTestDatabase('postgres');
    try {
      await (await openStore(sqlite.url)).close();
      await (await openStore(postgres.url)).close();
      const sqliteTables = await sqliteColumns(sqlite.url);
      const postgresTables = await postgresColumns(postgres.url);
      expect(Object.keys(postgresTables).sort()).toEqual(Object.keys(sqliteTables).sort());
      expect(postgresTables).toEqual(sqliteTables);
      expect(sqliteTables.client_logs).toContain('ingest_seq');
      expect(sqliteTables.runs).toEqual(expect.arrayContaining(['revision', 'delivered_seq']));
    } finally {
      await sqlite.drop();
      await postgres.drop();
    }
  });

  it('carry PostgreSQL rows stored before partitioning into day partitions', async () => {
    const database = await createTestDatabase('postgres');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // The schema as version 2 left it, with a record in it.
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      for (const migration of POSTGRES_MIGRATIONS.slice(0, 2)) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          'then',
        ]);
      }
      await client.query(
        `INSERT INTO client_logs (namespace, repository, datetime, status, method, uri, host, bytes, recorded, request_id)
         VALUES ('acme', 'r', '2026-10-01T10:00:00+00:00', 200, 'GET', '/x', 'h', 1, '2026-10-01T10:00:00.000000+00:00', 'old-1')`,
      );
      const store = await openStore(database.url);
      try {
        expect(await store.listPartitions('client')).toContain('client_logs_p20261001');
        const { rows } = await client.query('SELECT request_id, ingest_seq FROM client_logs_p20261001');
        expect(rows).toEqual([{ request_id: 'old-1', ingest_seq: '0' }]);
      } finally {
        await store.close();
      }
    } finally {
      await client.end();
      await database.drop();
    }
  });

  it('give exports from before IP handling theirs: drop where ip was excluded, keep elsewhere, a key on first use', async () => {
    const database = await createTestDatabase('sqlite');
    const db = new Database(database.url.slice('sqlite:'.length));
    try {
      // The schema as version 4 left it, with two exports in it.
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      for (const migration of SQLITE_MIGRATIONS.slice(0, 4)) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 'then');
      }
      db.exec(`INSERT INTO destinations (id, organization, aws_account_id, bucket, region, prefix, role_name, external_id, created_at)
               VALUES ('dst_1', 'acme', '995557609558', 'b', 'us-east-1', '', 'R', 'e', 'then')`);
      const insertExport = db.prepare(
        `INSERT INTO exports (id, destination_id, organization, log_type, format, folder, repositories, exclude,
           compression, cadence, enabled, created_at, updated_at)
         VALUES (?, 'dst_1', 'acme', 'client', 'json', 'f', NULL, ?, 'gzip', 'daily', 1, 'then', 'then')`,
      );
      insertExport.run('exp_dropped', '["geo","ip"]');
      insertExport.run('exp_kept', '["geo"]');
    } finally {
      db.close();
    }
    const store = await openStore(database.url);
    try {
      expect((await store.exports.get('exp_dropped'))?.ipHandling).toBe('drop');
      expect((await store.exports.get('exp_kept'))?.ipHandling).toBe('keep');
      const key = await store.exports.ipHashKey('exp_kept');
      expect(key).toHaveLength(32);
      expect(await store.exports.ipHashKey('exp_kept')).toEqual(key);
      expect(await store.exports.ipHashKey('exp_dropped')).not.toEqual(key);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
