import { now } from '../clock';
import { randomId } from '../ids';
import { insertRow } from '../insert-row';
import type { SqlDriver } from '../sql-driver';
import type { AccessToken, AccessTokenRepository, NewAccessToken, StoredAccessToken } from '../store';

interface AccessTokenRow {
  id: string;
  kind: 'ops' | 'customer';
  name: string;
  organization: string | null;
  secret_sha256: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

function toAccessToken(row: AccessTokenRow): AccessToken {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    organization: row.organization,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export class AccessTokens implements AccessTokenRepository {
  constructor(private readonly db: SqlDriver) {}

  async create(input: NewAccessToken): Promise<AccessToken> {
    const row: AccessTokenRow = {
      id: randomId('tok'),
      kind: input.kind,
      name: input.name,
      organization: input.organization,
      secret_sha256: input.secretSha256,
      created_by: input.createdBy,
      created_at: now(),
      expires_at: input.expiresAt,
      revoked_at: null,
    };
    await insertRow(this.db, 'access_tokens', row);
    return toAccessToken(row);
  }

  async get(id: string): Promise<StoredAccessToken | undefined> {
    const b = this.db.binder();
    const [row] = await this.db.all<AccessTokenRow>(`SELECT * FROM access_tokens WHERE id = ${b.bind(id)}`, b.values);
    return row && { ...toAccessToken(row), secretSha256: row.secret_sha256 };
  }

  async list(): Promise<AccessToken[]> {
    const rows = await this.db.all<AccessTokenRow>('SELECT * FROM access_tokens ORDER BY created_at, id');
    return rows.map(toAccessToken);
  }

  async revoke(id: string): Promise<AccessToken | undefined> {
    const b = this.db.binder();
    await this.db.run(
      `UPDATE access_tokens SET revoked_at = ${b.bind(now())} WHERE id = ${b.bind(id)} AND revoked_at IS NULL`,
      b.values,
    );
    const token = await this.get(id);
    if (!token) return undefined;
    const { secretSha256: _secret, ...rest } = token;
    return rest;
  }
}
