import { randomBytes } from 'node:crypto';
import type { ExportChange, ExportConfig, NewExport } from '@log-exporter/schemas';
import { now } from '../clock';
import { randomId } from '../ids';
import { type ExportRow, toExport } from '../rows';
import type { SqlDriver } from '../sql-driver';
import type { ExportRepository } from '../store';

/** Column values of the settings an export is created with and changed by. */
function settingColumns(change: ExportChange): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (change.format !== undefined) columns.format = change.format;
  if (change.folder !== undefined) columns.folder = change.folder;
  if (change.repositories !== undefined)
    columns.repositories = change.repositories === null ? null : JSON.stringify(change.repositories);
  if (change.exclude !== undefined) columns.exclude = JSON.stringify(change.exclude);
  if (change.ipHandling !== undefined) columns.ip_handling = change.ipHandling;
  if (change.compression !== undefined) columns.compression = change.compression;
  if (change.parquetCompression !== undefined) columns.parquet_compression = change.parquetCompression;
  if (change.cadence !== undefined) columns.cadence = change.cadence;
  if (change.enabled !== undefined) columns.enabled = change.enabled;
  if (change.notifyUrl !== undefined) columns.notify_url = change.notifyUrl;
  return columns;
}

/** 256 random bits: the HMAC-SHA256 key of an export's IP pseudonyms. */
function newIpHashKey(): string {
  return randomBytes(32).toString('hex');
}

export class Exports implements ExportRepository {
  constructor(private readonly db: SqlDriver) {}

  async create(input: NewExport, organization: string): Promise<ExportConfig> {
    const at = now();
    const id = randomId('exp');
    const columns: Record<string, unknown> = {
      id,
      destination_id: input.destinationId,
      organization,
      log_type: input.logType,
      ...settingColumns(input),
      ip_hash_key: newIpHashKey(),
      created_at: at,
      updated_at: at,
    };
    const b = this.db.binder();
    const names = Object.keys(columns);
    await this.db.run(
      `INSERT INTO exports (${names.join(', ')}) VALUES (${names.map((n) => b.bind(columns[n])).join(', ')})`,
      b.values,
    );
    return (await this.get(id)) as ExportConfig;
  }

  async get(id: string): Promise<ExportConfig | undefined> {
    const b = this.db.binder();
    const [row] = await this.db.all<ExportRow>(
      `SELECT * FROM exports WHERE id = ${b.bind(id)} AND deleted_at IS NULL`,
      b.values,
    );
    return row && toExport(row);
  }

  async list(filter: { organization?: string } = {}): Promise<ExportConfig[]> {
    const b = this.db.binder();
    const where = filter.organization === undefined ? '' : `AND organization = ${b.bind(filter.organization)}`;
    const rows = await this.db.all<ExportRow>(
      `SELECT * FROM exports WHERE deleted_at IS NULL ${where} ORDER BY created_at, id`,
      b.values,
    );
    return rows.map(toExport);
  }

  async update(id: string, change: ExportChange): Promise<ExportConfig | undefined> {
    const columns = { ...settingColumns(change), updated_at: now() };
    const b = this.db.binder();
    const sets = Object.entries(columns).map(([name, value]) => `${name} = ${b.bind(value)}`);
    const changed = await this.db.run(
      `UPDATE exports SET ${sets.join(', ')} WHERE id = ${b.bind(id)} AND deleted_at IS NULL`,
      b.values,
    );
    return changed === 0 ? undefined : this.get(id);
  }

  async ipHashKey(id: string): Promise<Buffer | undefined> {
    const read = async () => {
      const b = this.db.binder();
      const [row] = await this.db.all<Pick<ExportRow, 'ip_hash_key'>>(
        `SELECT ip_hash_key FROM exports WHERE id = ${b.bind(id)}`,
        b.values,
      );
      return row;
    };
    let row = await read();
    if (!row) return undefined;
    if (row.ip_hash_key === null) {
      // An export from before IP handling: the first caller makes its key, and every caller
      // (including one racing this) reads back the one that was stored.
      const b = this.db.binder();
      await this.db.run(
        `UPDATE exports SET ip_hash_key = ${b.bind(newIpHashKey())} WHERE id = ${b.bind(id)} AND ip_hash_key IS NULL`,
        b.values,
      );
      row = await read();
    }
    return row?.ip_hash_key ? Buffer.from(row.ip_hash_key, 'hex') : undefined;
  }

  async notifySecret(id: string): Promise<string | undefined> {
    const b = this.db.binder();
    const [row] = await this.db.all<Pick<ExportRow, 'notify_secret'>>(
      `SELECT notify_secret FROM exports WHERE id = ${b.bind(id)}`,
      b.values,
    );
    return row?.notify_secret ?? undefined;
  }

  async setNotifySecret(id: string, secret: string | null): Promise<void> {
    const b = this.db.binder();
    await this.db.run(`UPDATE exports SET notify_secret = ${b.bind(secret)} WHERE id = ${b.bind(id)}`, b.values);
  }

  async delete(id: string): Promise<boolean> {
    const at = now();
    const b = this.db.binder();
    const changed = await this.db.run(
      `UPDATE exports SET deleted_at = ${b.bind(at)}, enabled = ${b.bind(false)}, updated_at = ${b.bind(at)}
       WHERE id = ${b.bind(id)} AND deleted_at IS NULL`,
      b.values,
    );
    return changed > 0;
  }
}
