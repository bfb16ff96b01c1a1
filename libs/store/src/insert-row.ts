// One row into a table, every column of the row object bound (the same SQL on both databases).
import type { SqlExecutor } from './sql-driver';

export async function insertRow<T extends object>(db: SqlExecutor, table: string, row: T): Promise<void> {
  const b = db.binder();
  const columns = Object.keys(row) as (keyof T & string)[];
  await db.run(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => b.bind(row[c])).join(', ')})`,
    b.values,
  );
}
