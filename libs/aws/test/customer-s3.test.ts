// The customer S3 client cache: bounded however many destinations a worker serves, and never
// destroying a client while a caller still uses it. No requests are made: clients are only built.
import type { S3Client } from '@aws-sdk/client-s3';
import { CustomerCredentials, CustomerS3Clients } from '../src';

const role = (n: number) => ({
  roleArn: `arn:aws:iam::${String(100_000_000_000 + n)}:role/log-export`,
  externalId: `ext-${n}`,
  sessionName: 'log-exporter',
  writeScope: { bucket: `bucket-${n}`, prefix: 'logs' },
});

describe('customer S3 clients', () => {
  const credentials = new CustomerCredentials({ region: 'us-east-1', exporterAccountId: '884446598447' });
  afterAll(() => credentials.destroy());

  it('keeps at most maxIdle idle clients, reusing the most recent ones', async () => {
    const clients = new CustomerS3Clients(credentials, {}, 60_000, 2);
    const seen: S3Client[] = [];
    for (let n = 0; n < 10; n++) await clients.use(role(n), 'us-east-1', async (s3) => void seen.push(s3));
    expect(clients.size).toBe(2);
    // The two most recent are reused; an evicted one is built anew.
    await clients.use(role(9), 'us-east-1', async (s3) => expect(s3).toBe(seen[9]));
    await clients.use(role(0), 'us-east-1', async (s3) => expect(s3).not.toBe(seen[0]));
    expect(clients.size).toBe(2);
    clients.destroy();
    expect(clients.size).toBe(0);
  });

  it('never destroys a client in use, and trims it once its caller is done', async () => {
    const clients = new CustomerS3Clients(credentials, {}, 60_000, 1);
    let finish!: () => void;
    let held: S3Client | undefined;
    const long = clients.use(role(1), 'us-east-1', async (s3) => {
      held = s3;
      await new Promise<void>((resolve) => (finish = resolve));
      return s3;
    });
    for (let n = 2; n < 8; n++) await clients.use(role(n), 'us-east-1', async () => undefined);
    expect(clients.size).toBe(2); // the one in use, and one idle
    await clients.use(role(1), 'us-east-1', async (s3) => expect(s3).toBe(held));
    finish();
    expect(await long).toBe(held);
    expect(clients.size).toBe(1);
    clients.destroy();
  });
});
