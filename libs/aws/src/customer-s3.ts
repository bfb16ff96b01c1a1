// S3 clients that act as a customer's role, one per (role, region), reused across activities.
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsEndpointSettings } from './aws-endpoint';
import type { CustomerCredentials, CustomerRole } from './customer-credentials';

export class CustomerS3Clients {
  private readonly clients = new Map<string, S3Client>();

  constructor(
    private readonly credentials: CustomerCredentials,
    private readonly endpoint: Pick<AwsEndpointSettings, 'endpoint'>,
    /** A request whose socket stays silent this long is abandoned and retried (a stalled S3). */
    private readonly requestTimeoutMs = 60_000,
  ) {}

  forRole(role: CustomerRole, region: string): S3Client {
    const key = `${role.roleArn}\n${role.externalId}\n${region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new S3Client({
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
      this.clients.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
