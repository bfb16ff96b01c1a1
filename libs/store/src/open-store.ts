// Opens the store a DATABASE_URL names: `sqlite:<path>` (embedded default) or `postgres://…`.
import { openPostgresStore } from './postgres/pg-store';
import { openSqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error(`DATABASE_URL ${JSON.stringify(url)} names no file: use sqlite:<path>`);
    return { kind: 'sqlite', path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  throw new Error(`DATABASE_URL ${JSON.stringify(url)} is neither sqlite:<path> nor postgres://…`);
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'sqlite') return openSqliteStore({ path: target.path });
  return openPostgresStore({ connectionString: target.url });
}
