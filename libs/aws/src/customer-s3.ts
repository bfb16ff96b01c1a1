// S3 clients that act as a customer's role, one per (role, region), reused across activities.
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsEndpointSettings } from './aws-endpoint';
import { type CustomerCredentials, type CustomerRole, roleKey } from './customer-credentials';

/**
 * Idle clients kept for reuse. Each holds its configuration and a pool of keep-alive sockets: a
 * worker exporting for thousands of destinations in the midnight burst would otherwise keep a
 * client per destination for good (hundreds of MB).
 */
export const MAX_IDLE_S3_CLIENTS = 64;

interface ClientEntry {
  client: S3Client;
  /** Calls of `use` running with it. */
  users: number;
  /** Handed out by `forRole`: kept until `destroy`. */
  pinned: boolean;
}

/**
 * One S3 client per (customer role, region), reused while in use and for a while after: the
 * least recently used idle ones beyond MAX_IDLE_S3_CLIENTS are destroyed. A client in use is never
 * destroyed under its caller.
 */
export class CustomerS3Clients {
  /** In order of last use, oldest first. */
  private readonly clients = new Map<string, ClientEntry>();

  constructor(
    private readonly credentials: CustomerCredentials,
    private readonly endpoint: Pick<AwsEndpointSettings, 'endpoint'>,
    /** A request whose socket stays silent this long is abandoned and retried (a stalled S3). */
    private readonly requestTimeoutMs = 60_000,
    private readonly maxIdle = MAX_IDLE_S3_CLIENTS,
  ) {}

  /** Runs `body` with the role's client; the client stays alive until `body` settles. */
  async use<T>(role: CustomerRole, region: string, body: (s3: S3Client) => Promise<T>): Promise<T> {
    const entry = this.entry(role, region);
    entry.users++;
    try {
      return await body(entry.client);
    } finally {
      entry.users--;
      this.trim();
    }
  }

  /** The role's client, kept until `destroy` (for callers that hold one for their whole life). */
  forRole(role: CustomerRole, region: string): S3Client {
    const entry = this.entry(role, region);
    entry.pinned = true;
    return entry.client;
  }

  /** Clients alive now (in use, pinned or idle). */
  get size(): number {
    return this.clients.size;
  }

  private entry(role: CustomerRole, region: string): ClientEntry {
    const key = `${roleKey(role)}\n${region}`;
    let entry = this.clients.get(key);
    if (entry) {
      this.clients.delete(key); // moved to the end: most recently used
    } else {
      entry = { client: this.createClient(role, region), users: 0, pinned: false };
    }
    this.clients.set(key, entry);
    return entry;
  }

  private trim(): void {
    let idle = 0;
    for (const entry of this.clients.values()) if (entry.users === 0 && !entry.pinned) idle++;
    for (const [key, entry] of this.clients) {
      if (idle <= this.maxIdle) return;
      if (entry.users > 0 || entry.pinned) continue;
      entry.client.destroy();
      this.clients.delete(key);
      idle--;
    }
  }

  private createClient(role: CustomerRole, region: string): S3Client {
    return new S3Client({
      region,
      credentials: this.credentials.provider(role),
      ...(this.endpoint.endpoint ? { endpoint: this.endpoint.endpoint, forcePathStyle: true } : {}),
      maxAttempts: 3,
      // throwOnRequestTimeout: without it the SDK only logs a warning and keeps waiting.
      requestHandler: {
        connectionTimeout: 10_000,
        requestTimeout: this.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
  }

  destroy(): void {
    for (const { client } of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
