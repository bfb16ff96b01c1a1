// Day partitions of the PostgreSQL log tables (declarative range partitions on the window time,
// `recorded` / `event_at`): retention drops a whole day at once instead of deleting its rows, and
// a window's scan touches only its day's partition. A partition holds [day, next day) as text
// bounds: record timestamps are fixed-width RFC 3339 text in the "C" collation, so
// `'2026-11-25' <= '2026-11-25T13:00:00.000000+00:00' < '2026-11-26'`.
import { nextDay } from '../days';
import type { LogPartitions, SqlExecutor } from '../sql-driver';

/** Held while creating partitions, so two ingests of the same new day do not race. */
const PARTITION_LOCK = 77_210_452;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function partitionName(table: string, day: string): string {
  return `${table}_p${day.replaceAll('-', '')}`;
}

export class PgLogPartitions implements LogPartitions {
  /** Partitions known to exist: ingest checks here before asking the database. */
  private readonly known = new Set<string>();

  constructor(
    private readonly db: SqlExecutor & { transaction<T>(body: (tx: SqlExecutor) => Promise<T>): Promise<T> },
  ) {}

  async ensure(table: string, days: readonly string[]): Promise<void> {
    const missing = [...new Set(days)].filter((day) => !this.known.has(partitionName(table, day)));
    if (missing.length === 0) return;
    for (const day of missing)
      if (!DAY.test(day)) throw new Error(`partition day ${JSON.stringify(day)} is not YYYY-MM-DD`);
    await this.db.transaction(async (tx) => {
      // Creating a partition locks the parent table; a long scan holding it must not make every
      // ingest queue behind this one: give up after a few seconds instead (the caller retries).
      await tx.exec(`SET LOCAL lock_timeout = '5s'`);
      await tx.run(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK})`);
      for (const day of missing) {
        await tx.exec(
          `CREATE TABLE IF NOT EXISTS ${partitionName(table, day)} PARTITION OF ${table}
           FOR VALUES FROM ('${day}') TO ('${nextDay(day)}')`,
        );
      }
    });
    for (const day of missing) this.known.add(partitionName(table, day));
  }

  async list(table: string): Promise<{ name: string; day: string }[]> {
    const rows = await this.db.all<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = $1 ORDER BY c.relname`,
      [table],
    );
    return rows.map(({ name }) => {
      const digits = name.slice(`${table}_p`.length);
      return { name, day: `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}` };
    });
  }

  async drop(table: string, name: string): Promise<void> {
    if (!name.startsWith(`${table}_p`) || !/^[a-z_]+_p\d{8}$/.test(name)) {
      throw new Error(`${JSON.stringify(name)} is not a day partition of ${table}`);
    }
    await this.db.exec(`DROP TABLE IF EXISTS ${name}`);
    this.known.delete(name);
  }
}
