export * from './store';
export { openStore, parseDatabaseUrl } from './open-store';
export { openSqliteStore } from './sqlite/sqlite-store';
export { openPostgresStore } from './postgres/pg-store';
