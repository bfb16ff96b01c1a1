// Credentials and S3 writes against the moto emulator (real HTTP, real SigV4, real multipart).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { handOver } from '@log-exporter/buffers';
import {
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type EmulatedCustomerAccount,
  type MotoServer,
  createCustomerAccount,
  ensurePythonTools,
  freePort,
  requestIs,
  s3Error,
  startFaultProxy,
  startMotoServer,
} from '@log-exporter/local-stack';
import {
  CustomerCredentials,
  CustomerS3Clients,
  OBJECT_ACL,
  generateExternalId,
  permissionPolicy,
  sessionPolicy,
  trustPolicy,
  writeObjectStream,
  writeSmallObject,
} from '../src';

let moto: MotoServer;
let account: EmulatedCustomerAccount;
const externalId = generateExternalId();
const role = {
  roleArn: 'arn:aws:iam::444455556666:role/Writer',
  externalId,
  sessionName: 'log-exporter-test',
  writeScope: { bucket: 'writer-test', prefix: 'logs' },
};

beforeAll(async () => {
  ensurePythonTools();
  moto = await startMotoServer({ port: await freePort() });
  account = await createCustomerAccount(moto.endpoint, {
    accountId: '444455556666',
    bucket: 'writer-test',
    roleName: 'Writer',
    trustPolicy: trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId }),
    permissionPolicy: permissionPolicy({ bucket: 'writer-test', prefix: 'logs' }),
  });
}, 120_000);

afterAll(async () => {
  account?.s3.destroy();
  await moto?.stop();
});

function newCredentials(now?: () => number) {
  return new CustomerCredentials({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID,
    ownCredentials: EMULATOR_DUMMY_CREDENTIALS,
    ...(now ? { now } : {}),
  });
}

/** Records the headers of every request the client sends, to check what we ask S3 for. */
function recordRequests(
  client: S3Client,
): { method: string; query: Record<string, unknown>; headers: Record<string, string> }[] {
  const seen: { method: string; query: Record<string, unknown>; headers: Record<string, string> }[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as {
        method: string;
        query: Record<string, unknown>;
        headers: Record<string, string>;
      };
      seen.push({ method: request.method, query: { ...request.query }, headers: { ...request.headers } });
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'recordRequests' },
  );
  return seen;
}

async function read(key: string): Promise<Buffer> {
  const response = await account.s3.send(new GetObjectCommand({ Bucket: 'writer-test', Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

describe('customer credentials', () => {
  it('assumes the role once and serves the cached credentials until near expiry', async () => {
    let clock = Date.now();
    const credentials = newCredentials(() => clock);
    try {
      const first = await credentials.get(role);
      expect(first.accessKeyId).toMatch(/^ASIA/);
      expect(first.sessionToken).toBeTruthy();
      const [second, third] = await Promise.all([credentials.get(role), credentials.get(role)]);
      expect(second).toBe(first);
      expect(third).toBe(first);
      clock = first.expiration.getTime() - 60_000; // inside the 5-minute refresh margin
      const refreshed = await credentials.get(role);
      expect(refreshed.accessKeyId).not.toBe(first.accessKeyId);
      credentials.invalidate(role);
      expect((await credentials.get(role)).accessKeyId).not.toBe(refreshed.accessKeyId);
    } finally {
      credentials.destroy();
    }
  });

  it('narrows every AssumeRole with a session policy: writing under the destination prefix, nothing else', async () => {
    // The recording proxy shows the STS request as sent; moto itself ignores the parameter here.
    const proxy = await startFaultProxy(moto.endpoint);
    const bodies: string[] = [];
    proxy.addRule({
      name: 'record AssumeRole',
      match: (request) => {
        if (requestIs.assumeRole(request)) bodies.push(request.body.toString('utf8'));
        return false;
      },
      times: Number.MAX_SAFE_INTEGER, // never fires: match records and declines
      fault: { kind: 'reset' },
    });
    const credentials = new CustomerCredentials({
      region: 'us-east-1',
      endpoint: proxy.endpoint,
      exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID,
      ownCredentials: EMULATOR_DUMMY_CREDENTIALS,
    });
    try {
      await credentials.get(role);
      const other = { ...role, writeScope: { bucket: 'writer-test', prefix: 'elsewhere/deeper/' } };
      await credentials.get(other);
      // A different scope is a different session: two requests, two policies.
      expect(bodies).toHaveLength(2);
      const policies = bodies.map((body) => JSON.parse(new URLSearchParams(body).get('Policy')!));
      expect(policies[0]).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: ['s3:PutObject', 's3:PutObjectAcl'],
            Effect: 'Allow',
            Resource: ['arn:aws:s3:::writer-test/logs/*'],
          },
        ],
      });
      expect(policies[1].Statement[0].Resource).toEqual(['arn:aws:s3:::writer-test/elsewhere/deeper/*']);
      expect(policies[0]).toEqual(sessionPolicy(role.writeScope));
      expect(new URLSearchParams(bodies[0]).get('ExternalId')).toBe(externalId);
    } finally {
      credentials.destroy();
      await proxy.stop();
    }
  });

  it('drops expired credentials from its cache, so it holds recent roles, not every role ever assumed', async () => {
    let clock = Date.now();
    const credentials = newCredentials(() => clock);
    try {
      const first = await credentials.get(role);
      await credentials.get({ ...role, externalId: generateExternalId() });
      expect(credentials.cachedRoles).toBe(2);
      clock = first.expiration.getTime() + 120_000; // both expired, and a sweep is due
      await credentials.get({ ...role, externalId: generateExternalId() });
      expect(credentials.cachedRoles).toBe(1);
    } finally {
      credentials.destroy();
    }
  });
});

describe('S3 writer', () => {
  it('writes a small object in one PUT with an SHA-256 checksum and the bucket-owner ACL', async () => {
    const credentials = newCredentials();
    const clients = new CustomerS3Clients(credentials, { endpoint: moto.endpoint });
    const s3 = clients.forRole(role, 'us-east-1');
    const requests = recordRequests(s3);
    try {
      const target = { bucket: 'writer-test', key: 'logs/small.txt', region: 'us-east-1', roleArn: role.roleArn };
      const written = await writeSmallObject(s3, target, 'hello manifest\n', 'text/plain');
      expect(written).toEqual({
        key: 'logs/small.txt',
        bytes: 15,
        sha256: createHash('sha256').update('hello manifest\n').digest('hex'),
      });
      expect((await read('logs/small.txt')).toString()).toBe('hello manifest\n');
      const put = requests.find((r) => r.method === 'PUT')!;
      expect(put.headers['x-amz-acl']).toBe(OBJECT_ACL);
      expect(put.headers['x-amz-checksum-sha256']).toBe(
        createHash('sha256').update('hello manifest\n').digest('base64'),
      );
    } finally {
      clients.destroy();
      credentials.destroy();
    }
  });

  it('streams a large body as a multipart upload, every part with an SHA-256 checksum', async () => {
    const credentials = newCredentials();
    const clients = new CustomerS3Clients(credentials, { endpoint: moto.endpoint });
    const s3 = clients.forRole(role, 'us-east-1');
    const requests = recordRequests(s3);
    try {
      const body = randomBytes(12 * 1024 * 1024 + 123);
      const chunks = Array.from({ length: Math.ceil(body.length / 65_536) }, (_, i) =>
        body.subarray(i * 65_536, (i + 1) * 65_536),
      );
      let progress = 0;
      const written = await writeObjectStream(
        s3,
        { bucket: 'writer-test', key: 'logs/big.bin', region: 'us-east-1', roleArn: role.roleArn },
        Readable.from(chunks),
        { contentType: 'application/gzip', partSize: 5 * 1024 * 1024, queueSize: 2, onProgress: (n) => (progress = n) },
      );
      expect(written.bytes).toBe(body.length);
      expect(written.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect((await read('logs/big.bin')).equals(body)).toBe(true);
      expect(progress).toBe(body.length);
      const parts = requests.filter((r) => r.method === 'PUT' && 'partNumber' in r.query);
      expect(parts).toHaveLength(3);
      for (const part of parts) expect(part.headers['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      const create = requests.find((r) => r.method === 'POST' && 'uploads' in r.query)!;
      expect(create.headers['x-amz-acl']).toBe(OBJECT_ACL);
      expect(create.headers['x-amz-checksum-algorithm']).toBe('SHA256');
    } finally {
      clients.destroy();
      credentials.destroy();
    }
  });

  it('frees each handed-over chunk once copied into a part, and leaves chunks nobody handed over alone', async () => {
    const credentials = newCredentials();
    const clients = new CustomerS3Clients(credentials, { endpoint: moto.endpoint });
    const s3 = clients.forRole(role, 'us-east-1');
    try {
      const body = randomBytes(7 * 1024 * 1024);
      // Chunks of memory of their own (as deflate output is), every other one handed over.
      const chunks = Array.from({ length: 7 }, (_, i) =>
        Buffer.from(body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024)),
      );
      chunks.forEach((chunk, i) => i % 2 === 0 && handOver(chunk));
      const written = await writeObjectStream(
        s3,
        { bucket: 'writer-test', key: 'logs/handed-over.bin', region: 'us-east-1', roleArn: role.roleArn },
        Readable.from(chunks),
        { contentType: 'application/octet-stream', partSize: 5 * 1024 * 1024, queueSize: 2 },
      );
      expect(written.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect((await read('logs/handed-over.bin')).equals(body)).toBe(true);
      expect(chunks.map((chunk) => chunk.length)).toEqual([0, 1, 0, 1, 0, 1, 0].map((kept) => kept * 1024 * 1024));
    } finally {
      clients.destroy();
      credentials.destroy();
    }
  });

  it('fails with BucketNotFound, leaving nothing behind, when the bucket is missing', async () => {
    const credentials = newCredentials();
    const clients = new CustomerS3Clients(credentials, { endpoint: moto.endpoint });
    try {
      const s3 = clients.forRole(role, 'us-east-1');
      await expect(
        writeObjectStream(
          s3,
          { bucket: 'no-such-bucket-here', key: 'logs/x', region: 'us-east-1', roleArn: role.roleArn },
          Readable.from([Buffer.from('data')]),
          { contentType: 'text/plain' },
        ),
      ).rejects.toMatchObject({
        type: 'BucketNotFound',
        retryable: false,
        message: expect.stringContaining('"no-such-bucket-here"'),
      });
    } finally {
      clients.destroy();
      credentials.destroy();
    }
  });

  it("fails with the body's own error when the body fails mid-upload (the database, not S3), aborting the upload", async () => {
    const credentials = newCredentials();
    const clients = new CustomerS3Clients(credentials, { endpoint: moto.endpoint });
    try {
      const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
      async function* failingBody() {
        yield randomBytes(6 * 1024 * 1024); // one multipart part is under way
        throw lost;
      }
      await expect(
        writeObjectStream(
          clients.forRole(role, 'us-east-1'),
          { bucket: 'writer-test', key: 'logs/source-failed.bin', region: 'us-east-1', roleArn: role.roleArn },
          Readable.from(failingBody()),
          { contentType: 'application/gzip', partSize: 5 * 1024 * 1024, queueSize: 2 },
        ),
      ).rejects.toBe(lost);
      const open = await account.s3.send(new ListMultipartUploadsCommand({ Bucket: 'writer-test' }));
      expect((open.Uploads ?? []).filter((u) => u.Key === 'logs/source-failed.bin')).toEqual([]);
    } finally {
      clients.destroy();
      credentials.destroy();
    }
  });

  it("refuses an object that would need more chunks than S3's limit, before completing, and aborts the upload", async () => {
    const credentials = newCredentials();
    const clients = new CustomerS3Clients(credentials, { endpoint: moto.endpoint });
    try {
      // Three 5 MiB chunks against a limit of two: the same check as 10,001 chunks against 10,000.
      const body = randomBytes(11 * 1024 * 1024);
      await expect(
        writeObjectStream(
          clients.forRole(role, 'us-east-1'),
          { bucket: 'writer-test', key: 'logs/too-large.bin', region: 'us-east-1', roleArn: role.roleArn },
          Readable.from([body]),
          { contentType: 'application/gzip', partSize: 5 * 1024 * 1024, queueSize: 2, maxChunks: 2 },
        ),
      ).rejects.toMatchObject({
        type: 'InvalidConfiguration',
        retryable: false,
        message: expect.stringContaining('would need more than 2 multipart chunks of 5 MiB'),
      });
      const open = await account.s3.send(new ListMultipartUploadsCommand({ Bucket: 'writer-test' }));
      expect((open.Uploads ?? []).filter((u) => u.Key === 'logs/too-large.bin')).toEqual([]);
      await expect(read('logs/too-large.bin')).rejects.toThrow();
    } finally {
      clients.destroy();
      credentials.destroy();
    }
  });

  it('aborts the multipart upload when it fails for good, leaving no parts behind', async () => {
    const proxy = await startFaultProxy(moto.endpoint);
    const credentials = newCredentials();
    const clients = new CustomerS3Clients(credentials, { endpoint: proxy.endpoint });
    try {
      proxy.addRule({
        name: 'deny-complete',
        match: requestIs.completeMultipart,
        times: 10,
        fault: s3Error(403, 'AccessDenied', 'Access Denied'),
      });
      const body = randomBytes(11 * 1024 * 1024);
      await expect(
        writeObjectStream(
          clients.forRole(role, 'us-east-1'),
          { bucket: 'writer-test', key: 'logs/aborted.bin', region: 'us-east-1', roleArn: role.roleArn },
          Readable.from([body]),
          { contentType: 'application/gzip', partSize: 5 * 1024 * 1024, queueSize: 2 },
        ),
      ).rejects.toMatchObject({ type: 'WriteDenied', retryable: false });
      expect(proxy.fired('deny-complete')).toBe(1);
      const aborts = proxy.log.filter((r) => r.method === 'DELETE' && /[?&]uploadId=/.test(r.url));
      expect(aborts).toHaveLength(1);
      const open = await account.s3.send(new ListMultipartUploadsCommand({ Bucket: 'writer-test' }));
      expect(open.Uploads ?? []).toEqual([]);
      await expect(
        account.s3.send(new GetObjectCommand({ Bucket: 'writer-test', Key: 'logs/aborted.bin' })),
      ).rejects.toMatchObject({
        name: 'NoSuchKey',
      });
    } finally {
      clients.destroy();
      credentials.destroy();
      await proxy.stop();
    }
  });
});
