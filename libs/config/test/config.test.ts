import { Writable } from 'node:stream';
import { EnvError, adminEnvSchema, createLogger, parseEnv, workerEnvSchema } from '../src';

describe('environment', () => {
  it('fills in defaults for an empty environment', () => {
    expect(parseEnv(workerEnvSchema, {})).toEqual({
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'log-exports',
      DATABASE_URL: 'sqlite:.data/log-exporter.db',
      EXPORTER_AWS_ACCOUNT_ID: '884446598447',
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'info',
      EXPORT_SETTLE_DELAY: 30 * 60_000,
      EXPORT_LATE_HORIZON: 7 * 86_400_000,
      LOG_RETENTION: 30 * 86_400_000,
      EXPORT_PART_MAX_RECORDS: 1_000_000,
      EXPORT_RETRY_FAILED_FOR: 7 * 86_400_000,
      EXPORT_PART_CONCURRENCY: 1,
      EXPORT_HEARTBEAT_TIMEOUT: 120_000,
      WORKER_METRICS_PORT: 9464,
      WORKER_METRICS_HOST: '0.0.0.0',
      WORKER_MAX_CACHED_WORKFLOWS: 250,
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 20,
      WORKER_MAX_CONCURRENT_ACTIVITIES: 8,
      WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: 20,
      ALLOW_LOOPBACK_WEBHOOKS: false,
      ADMIN_PUBLIC_URL: 'http://localhost:8080',
    });
  });

  it('reads ALLOW_LOOPBACK_WEBHOOKS as true or false only, and ADMIN_PUBLIC_URL as a URL', () => {
    const base = { ADMIN_TOKEN: 'x'.repeat(32) };
    expect(parseEnv(adminEnvSchema, { ...base, ALLOW_LOOPBACK_WEBHOOKS: 'true' }).ALLOW_LOOPBACK_WEBHOOKS).toBe(true);
    expect(parseEnv(workerEnvSchema, { ALLOW_LOOPBACK_WEBHOOKS: 'false' }).ALLOW_LOOPBACK_WEBHOOKS).toBe(false);
    expect(() => parseEnv(workerEnvSchema, { ALLOW_LOOPBACK_WEBHOOKS: 'yes' })).toThrow(
      'ALLOW_LOOPBACK_WEBHOOKS="yes": expected true or false',
    );
    expect(parseEnv(workerEnvSchema, { ADMIN_PUBLIC_URL: 'https://exports.example.com' }).ADMIN_PUBLIC_URL).toBe(
      'https://exports.example.com',
    );
    expect(() => parseEnv(workerEnvSchema, { ADMIN_PUBLIC_URL: 'exports' })).toThrow(/ADMIN_PUBLIC_URL="exports"/);
  });

  it('reads the worker limits, and refuses a workflow task slot count the SDK cannot run with', () => {
    expect(
      parseEnv(workerEnvSchema, { WORKER_MAX_CACHED_WORKFLOWS: '40', WORKER_MAX_CONCURRENT_ACTIVITIES: '2' }),
    ).toMatchObject({ WORKER_MAX_CACHED_WORKFLOWS: 40, WORKER_MAX_CONCURRENT_ACTIVITIES: 2 });
    expect(() => parseEnv(workerEnvSchema, { WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toThrow(
      'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS="1": expected at least 2',
    );
    expect(() => parseEnv(workerEnvSchema, { WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(
      'WORKER_MAX_CACHED_WORKFLOWS="lots"',
    );
  });

  it('takes WORKER_METRICS_PORT=0 as any free port, and refuses what is not a port', () => {
    expect(parseEnv(workerEnvSchema, { WORKER_METRICS_PORT: '0' }).WORKER_METRICS_PORT).toBe(0);
    expect(() => parseEnv(workerEnvSchema, { WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
  });

  it('reads TRUST_PROXY as Fastify takes it: a boolean, a hop count, or addresses', () => {
    const admin = (value?: string) =>
      parseEnv(adminEnvSchema, { ADMIN_TOKEN: 'x'.repeat(32), ...(value === undefined ? {} : { TRUST_PROXY: value }) })
        .TRUST_PROXY;
    expect(admin()).toBe(false);
    expect(admin('true')).toBe(true);
    expect(admin('false')).toBe(false);
    expect(admin('2')).toBe(2);
    expect(admin('10.0.0.0/8,127.0.0.1')).toBe('10.0.0.0/8,127.0.0.1');
  });

  it('reads the failed-authentication limits and the verify.mjs path, with their defaults', () => {
    const base = { ADMIN_TOKEN: 'x'.repeat(32) };
    expect(parseEnv(adminEnvSchema, base)).toMatchObject({
      FAILED_AUTH_PER_MINUTE: 10,
      FAILED_AUTH_LOCKOUT: 900_000,
      VERIFY_BUNDLE_PATH: 'dist/verify/verify.mjs',
    });
    expect(parseEnv(adminEnvSchema, { ...base, FAILED_AUTH_PER_MINUTE: '3', FAILED_AUTH_LOCKOUT: '1h' })).toMatchObject(
      { FAILED_AUTH_PER_MINUTE: 3, FAILED_AUTH_LOCKOUT: 3_600_000 },
    );
    expect(() => parseEnv(adminEnvSchema, { ...base, FAILED_AUTH_LOCKOUT: 'forever' })).toThrow(/FAILED_AUTH_LOCKOUT/);
  });

  it('reads the schedule settings of the admin app', () => {
    const env = parseEnv(adminEnvSchema, {
      ADMIN_TOKEN: 'x'.repeat(32),
      EXPORT_SCHEDULE_AT: '01:30',
      EXPORT_SCHEDULE_CATCHUP: '2d',
      BACKFILL_CONCURRENCY: '8',
    });
    expect(env).toMatchObject({
      EXPORT_SCHEDULE_AT: { hour: 1, minute: 30 },
      EXPORT_SCHEDULE_CATCHUP: 2 * 86_400_000,
      BACKFILL_CONCURRENCY: 8,
    });
    expect(() => parseEnv(adminEnvSchema, { ADMIN_TOKEN: 'x'.repeat(32), EXPORT_SCHEDULE_AT: '25:00' })).toThrow(
      'EXPORT_SCHEDULE_AT="25:00"',
    );
    expect(() => parseEnv(adminEnvSchema, { ADMIN_TOKEN: 'x'.repeat(32), BACKFILL_CONCURRENCY: '100' })).toThrow(
      'BACKFILL_CONCURRENCY="100"',
    );
  });

  it('spreads schedules by EXPORT_SCHEDULE_SPREAD (10m), never past the hour of EXPORT_SCHEDULE_AT', () => {
    const admin = (env: Record<string, string>) => parseEnv(adminEnvSchema, { ADMIN_TOKEN: 'x'.repeat(32), ...env });
    expect(admin({}).EXPORT_SCHEDULE_SPREAD).toBe(10 * 60_000);
    expect(admin({ EXPORT_SCHEDULE_SPREAD: '0s' }).EXPORT_SCHEDULE_SPREAD).toBe(0);
    expect(admin({ EXPORT_SCHEDULE_AT: '00:50', EXPORT_SCHEDULE_SPREAD: '10m' }).EXPORT_SCHEDULE_SPREAD).toBe(600_000);
    expect(() => admin({ EXPORT_SCHEDULE_AT: '00:55', EXPORT_SCHEDULE_SPREAD: '10m' })).toThrow(
      'EXPORT_SCHEDULE_SPREAD="10m": runs past the hour',
    );
  });

  it('reads durations and numbers', () => {
    const env = parseEnv(workerEnvSchema, {
      EXPORT_SETTLE_DELAY: '90s',
      EXPORT_PART_MAX_RECORDS: '5000',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    });
    expect(env).toMatchObject({
      EXPORT_SETTLE_DELAY: 90_000,
      EXPORT_PART_MAX_RECORDS: 5_000,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    });
  });

  it('names every bad variable and its value', () => {
    let error: unknown;
    try {
      parseEnv(workerEnvSchema, {
        TEMPORAL_ADDRESS: 'no-port',
        EXPORTER_AWS_ACCOUNT_ID: '123',
        DATABASE_URL: 'mysql://db',
        LOG_LEVEL: 'loud',
        EXPORT_SETTLE_DELAY: 'soon',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toContain('TEMPORAL_ADDRESS="no-port": expected host:port');
    expect(message).toContain('EXPORTER_AWS_ACCOUNT_ID="123": expected a 12-digit AWS account ID');
    expect(message).toContain('DATABASE_URL="mysql://db"');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('EXPORT_SETTLE_DELAY="soon": expected a duration');
  });

  it('requires an admin token and never prints it', () => {
    expect(() => parseEnv(adminEnvSchema, {})).toThrow('ADMIN_TOKEN=unset');
    expect(() => parseEnv(adminEnvSchema, { ADMIN_TOKEN: 'short-secret' })).toThrow(
      'ADMIN_TOKEN=(hidden): expected at least 16 characters',
    );
    expect(() => parseEnv(adminEnvSchema, { ADMIN_TOKEN: 'short-secret' })).not.toThrow('short-secret');
    expect(() => parseEnv(adminEnvSchema, { ADMIN_TOKEN: 'x'.repeat(32), ADMIN_PORT: '99999' })).toThrow(
      'ADMIN_PORT="99999"',
    );
  });
});

describe('logger', () => {
  it('writes JSON lines and redacts credential-shaped fields wherever they appear', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ name: 'test', destination });
    logger.info(
      {
        exportId: 'exp_x',
        credentials: { accessKeyId: 'ASIAXXXX', secretAccessKey: 'very-secret', sessionToken: 'token-secret' },
        role: { roleArn: 'arn:aws:iam::1:role/x', externalId: 'external-secret' },
        request: { headers: { authorization: 'Bearer admin-secret' } },
      },
      'assumed role',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    for (const secret of ['ASIAXXXX', 'very-secret', 'token-secret', 'external-secret', 'admin-secret']) {
      expect(line).not.toContain(secret);
    }
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      msg: 'assumed role',
      exportId: 'exp_x',
      service: 'test',
      credentials: '[redacted]',
    });
    expect((parsed.role as Record<string, unknown>).roleArn).toBe('arn:aws:iam::1:role/x');
  });
});
