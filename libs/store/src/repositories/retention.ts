// Deleting log rows past their retention, in bounded batches, never inside a hold (a window with
// records not yet delivered). PostgreSQL first drops whole day partitions that no hold touches.
import { PARTITION_DAYS_AHEAD, daysAround, nextDay } from '../days';
import { AUDIT_TABLE, CLIENT_TABLE } from '../log-tables';
import type { SqlDriver } from '../sql-driver';
import type { RetentionBatch, RetentionRepository } from '../store';

export class Retention implements RetentionRepository {
  constructor(private readonly db: SqlDriver) {}

  async prepareAhead(days = PARTITION_DAYS_AHEAD): Promise<void> {
    if (!this.db.partitions) return;
    for (const table of [CLIENT_TABLE.table, AUDIT_TABLE.table])
      await this.db.partitions.ensure(table, daysAround(days));
  }

  async deleteExpired(input: RetentionBatch): Promise<{ rows: number; partitionsDropped: string[] }> {
    const t = input.logType === 'client' ? CLIENT_TABLE : AUDIT_TABLE;
    const partitionsDropped: string[] = [];
    if (this.db.partitions) {
      for (const partition of await this.db.partitions.list(t.table)) {
        // Text order is time order: a day `2026-11-25` sorts before every timestamp of that day.
        const end = nextDay(partition.day);
        if (end > input.before) continue;
        if (input.holds.some((h) => h.from < end && h.to > partition.day)) continue;
        await this.db.partitions.drop(t.table, partition.name);
        partitionsDropped.push(partition.name);
      }
    }
    const b = this.db.binder();
    const kept = input.holds.map(
      (h) =>
        `NOT (${t.organization} = ${b.bind(h.organization)} AND ${t.time} >= ${b.bind(h.from)} AND ${t.time} < ${b.bind(h.to)})`,
    );
    const where = [`${t.time} < ${b.bind(input.before)}`, ...kept].join(' AND ');
    const rows = await this.db.run(
      `DELETE FROM ${t.table} WHERE (${t.time}, ${t.id}) IN
         (SELECT ${t.time}, ${t.id} FROM ${t.table} WHERE ${where} LIMIT ${b.bind(input.batchSize)})`,
      b.values,
    );
    return { rows, partitionsDropped };
  }
}
