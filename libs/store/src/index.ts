export * from './store';
export { openStore, openSqliteStore, openPostgresStore, parseDatabaseUrl } from './open-store';
export { POSTGRES_MIGRATIONS } from './migrations/postgres';
export { SQLITE_MIGRATIONS } from './migrations/sqlite';
export type { Migration } from './migrations/migration';
export * from './reconciliation';
export type { CsvLineSpec, JsonLineSpec, LineSpec } from './database-lines';
