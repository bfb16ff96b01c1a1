// Opens the store a DATABASE_URL names: `sqlite:<path>` (embedded default) or `postgres://…`. Both
// databases get the same repositories over their own driver.
import type { LogType } from '@log-exporter/schemas';
import { AUDIT_TABLE, CLIENT_TABLE } from './log-tables';
import { migrate } from './migrate';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { openPostgresDriver, type PostgresDriverOptions } from './postgres/pg-driver';
import { AccessTokens } from './repositories/access-tokens';
import { Destinations } from './repositories/destinations';
import { Exports } from './repositories/exports';
import { Logs } from './repositories/logs';
import { Notifications } from './repositories/notifications';
import { Retention } from './repositories/retention';
import { Runs } from './repositories/runs';
import type { SqlDriver } from './sql-driver';
import { openSqliteDriver, type SqliteDriverOptions } from './sqlite/sqlite-driver';
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

async function storeOver(driver: SqlDriver): Promise<Store> {
  await migrate(driver, driver.kind === 'postgres' ? POSTGRES_MIGRATIONS : SQLITE_MIGRATIONS);
  const tableOf = (logType: LogType) => (logType === 'client' ? CLIENT_TABLE : AUDIT_TABLE).table;
  const retention = new Retention(driver);
  await retention.prepareAhead();
  return {
    kind: driver.kind,
    destinations: new Destinations(driver),
    exports: new Exports(driver),
    runs: new Runs(driver),
    logs: new Logs(driver),
    retention,
    accessTokens: new AccessTokens(driver),
    notifications: new Notifications(driver),
    async listPartitions(logType) {
      return driver.partitions ? (await driver.partitions.list(tableOf(logType))).map((p) => p.name) : [];
    },
    ping: () => driver.ping(),
    close: () => driver.close(),
  };
}

export function openSqliteStore(options: SqliteDriverOptions): Promise<Store> {
  return storeOver(openSqliteDriver(options));
}

export function openPostgresStore(options: PostgresDriverOptions): Promise<Store> {
  return storeOver(openPostgresDriver(options));
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'sqlite') return openSqliteStore({ path: target.path });
  return openPostgresStore({ connectionString: target.url });
}
