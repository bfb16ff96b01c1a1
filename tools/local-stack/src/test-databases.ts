// Databases for tests: every test file gets stores of its own, on each backend the product supports.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';

export type DatabaseKind = 'sqlite' | 'postgres';

/** Every backend the integration tests run on. */
export const TEST_DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  kind: DatabaseKind;
  /** A DATABASE_URL for `openStore`. */
  url: string;
  /** Every row of every table as JSON text (for tests that search the database for secrets). */
  dumpText(): Promise<string>;
  drop(): Promise<void>;
}

/** A fresh, empty database: a file in a temp folder, or a new database on the test PostgreSQL server. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'log-exporter-test-'));
    const path = join(dir, 'store.db');
    return {
      kind,
      url: `sqlite:${path}`,
      dumpText: async () => {
        const db = new Database(path, { readonly: true });
        try {
          const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
          return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())).join('\n');
        } finally {
          db.close();
        }
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const server = process.env.TEST_POSTGRES_URL;
  if (!server) throw new Error('TEST_POSTGRES_URL is not set: add the PostgreSQL jest global setup to this project');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = server.replace(/\/[^/]*$/, `/${name}`);
  return {
    kind,
    url,
    dumpText: async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        const tables = await c.query<{ tablename: string }>(
          `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
        );
        const dumps: string[] = [];
        for (const { tablename } of tables.rows)
          dumps.push(JSON.stringify((await c.query(`SELECT * FROM "${tablename}"`)).rows));
        return dumps.join('\n');
      } finally {
        await c.end();
      }
    },
    drop: async () => {
      const c = new Client({ connectionString: server });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
