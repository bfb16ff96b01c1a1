import type { Destination } from '@log-exporter/schemas';
import { now } from '../clock';
import { randomId } from '../ids';
import { insertRow } from '../insert-row';
import { type DestinationRow, toDestination } from '../rows';
import type { SqlDriver } from '../sql-driver';
import type { DestinationRepository, NewDestination } from '../store';

export class Destinations implements DestinationRepository {
  constructor(private readonly db: SqlDriver) {}

  async create(input: NewDestination): Promise<Destination> {
    const row: DestinationRow = {
      id: randomId('dst'),
      organization: input.organization,
      aws_account_id: input.awsAccountId,
      bucket: input.bucket,
      region: input.region,
      prefix: input.prefix,
      role_name: input.roleName,
      external_id: input.externalId,
      created_at: now(),
    };
    await insertRow(this.db, 'destinations', row);
    return toDestination(row);
  }

  async get(id: string): Promise<Destination | undefined> {
    const b = this.db.binder();
    const [row] = await this.db.all<DestinationRow>(`SELECT * FROM destinations WHERE id = ${b.bind(id)}`, b.values);
    return row && toDestination(row);
  }

  async list(organization?: string): Promise<Destination[]> {
    const b = this.db.binder();
    const where = organization === undefined ? '' : `WHERE organization = ${b.bind(organization)}`;
    const rows = await this.db.all<DestinationRow>(
      `SELECT * FROM destinations ${where} ORDER BY created_at, id`,
      b.values,
    );
    return rows.map(toDestination);
  }
}
