// Temporary credentials for customers' roles, obtained with STS AssumeRole + External ID (and a
// session policy that narrows them to writing under the destination's prefix), and kept
// in this process's memory only, until shortly before they expire. They are never returned from an
// activity, logged, or stored: callers get an S3 client, not the keys.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { type Destination, ExportFailure, PermanentErrorType, roleArnFor } from '@log-exporter/schemas';
import type { AwsEndpointSettings } from './aws-endpoint';
import { mapAssumeRoleError } from './error-mapping';
import { objectResourceArn, sessionPolicy } from './policies';

export interface CustomerRole {
  roleArn: string;
  externalId: string;
  /** Shows in the customer's CloudTrail; [\w+=,.@-], at most 64 characters. */
  sessionName: string;
  /** Where the credentials may write: AssumeRole narrows them to this with a session policy. */
  writeScope: { bucket: string; prefix: string };
}

/** The role of a destination, as the exporter assumes it (`sessionName` shows who: export, verify). */
export function customerRoleFor(
  destination: Pick<Destination, 'awsAccountId' | 'roleName' | 'externalId' | 'bucket' | 'prefix'>,
  sessionName: string,
): CustomerRole {
  return {
    roleArn: roleArnFor(destination.awsAccountId, destination.roleName),
    externalId: destination.externalId,
    sessionName,
    writeScope: { bucket: destination.bucket, prefix: destination.prefix },
  };
}

/** Credentials differ per role, External ID and write scope (the session policy). */
export function roleKey(role: Pick<CustomerRole, 'roleArn' | 'externalId' | 'writeScope'>): string {
  return `${role.roleArn}\n${role.externalId}\n${objectResourceArn(role.writeScope.bucket, role.writeScope.prefix)}`;
}

export interface TemporaryCredentials extends AwsCredentialIdentity {
  expiration: Date;
}

export interface CustomerCredentialsOptions extends AwsEndpointSettings {
  exporterAccountId: string;
  /** Our own credentials for STS; the SDK's default chain when omitted. */
  ownCredentials?: AwsCredentialIdentity;
  sessionSeconds?: number;
  /** Refresh this long before expiry. */
  refreshMarginMs?: number;
  now?: () => number;
}

/** How often the credential cache drops expired entries. */
const EXPIRED_SWEEP_INTERVAL_MS = 60_000;

export class CustomerCredentials {
  private readonly sts: STSClient;
  private readonly cache = new Map<string, TemporaryCredentials>();
  private readonly inFlight = new Map<string, Promise<TemporaryCredentials>>();
  private readonly sessionSeconds: number;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(private readonly options: CustomerCredentialsOptions) {
    this.sts = new STSClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.ownCredentials ? { credentials: options.ownCredentials } : {}),
      maxAttempts: 3,
    });
    this.sessionSeconds = options.sessionSeconds ?? 3600;
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Cached credentials for the role, assuming it again when they are near expiry. */
  async get(role: CustomerRole): Promise<TemporaryCredentials> {
    const key = roleKey(role);
    const cached = this.cache.get(key);
    if (cached && cached.expiration.getTime() - this.refreshMarginMs > this.now()) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.assume(role).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const fresh = await pending;
    this.sweepExpired();
    this.cache.set(key, fresh);
    return fresh;
  }

  /** Roles whose credentials are held now (expired ones are dropped at most a minute late). */
  get cachedRoles(): number {
    return this.cache.size;
  }

  /**
   * Drops expired credentials, so the cache holds the roles of the last hour, not of every
   * export ever run. At most once a minute: a sweep walks the whole cache.
   */
  private sweepExpired(): void {
    const now = this.now();
    if (now - this.lastSweep < EXPIRED_SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, credentials] of this.cache) {
      if (credentials.expiration.getTime() <= now) this.cache.delete(key);
    }
  }

  /** Forgets the role's credentials (after AWS rejected them), so the next call assumes again. */
  invalidate(role: Pick<CustomerRole, 'roleArn' | 'externalId' | 'writeScope'>): void {
    this.cache.delete(roleKey(role));
  }

  /**
   * Whether STS lets us assume the role as given, without caching anything: verify asks it with
   * a wrong External ID, which must be refused. Errors other than a refusal are thrown.
   */
  async canAssume(role: CustomerRole): Promise<boolean> {
    try {
      await this.assume(role);
      return true;
    } catch (err) {
      if (err instanceof ExportFailure && !err.retryable) return false;
      throw err;
    }
  }

  /** A provider for SDK clients: the SDK calls it whenever its copy nears expiry. */
  provider(role: CustomerRole): () => Promise<TemporaryCredentials> {
    return () => this.get(role);
  }

  destroy(): void {
    this.cache.clear();
    this.sts.destroy();
  }

  private async assume(role: CustomerRole): Promise<TemporaryCredentials> {
    let response;
    try {
      response = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: role.roleArn,
          ExternalId: role.externalId,
          RoleSessionName: role.sessionName.slice(0, 64),
          DurationSeconds: this.sessionSeconds,
          Policy: JSON.stringify(sessionPolicy(role.writeScope)),
        }),
      );
    } catch (err) {
      throw mapAssumeRoleError(err, role.roleArn, this.options.exporterAccountId);
    }
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw ExportFailure.permanent(
        PermanentErrorType.RoleNotAssumable,
        `AssumeRole on ${role.roleArn} returned no credentials`,
      );
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }
}
