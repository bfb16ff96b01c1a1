// Applies the database's missing migrations, in order, each once, in one transaction with the
// migration lock held (the admin app and workers may start together).
import type { Migration } from './migrations/migration';
import type { SqlDriver } from './sql-driver';
import { now } from './clock';

export async function migrate(driver: SqlDriver, migrations: readonly Migration[]): Promise<void> {
  await driver.transaction(async (tx) => {
    if (driver.migrationLockSql) await tx.run(driver.migrationLockSql);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
    );
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      const b = tx.binder();
      await tx.run(
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${b.bind(migration.version)}, ${b.bind(migration.name)}, ${b.bind(now())})`,
        b.values,
      );
    }
  });
}
