import { AUDIT_LOG_FIELDS, auditLogIngestSchema } from '../src/audit-log';
import { CLIENT_LOG_CSV_FIELDS, CLIENT_LOG_FIELDS, clientLogRecordSchema } from '../src/client-log';
import { createExportInputSchema } from '../src/export-config';
import { describeZodError } from '../src/primitives';

const seedRecord = {
  datetime: '2021-04-01T19:40:55+00:00',
  repository: 'cloudsmith/testing-private',
  status: 200,
  method: 'GET',
  uri: '/rpm/fedora/29/x86_64/cloudsmith-redhat-example-1.0.16173057145-1.x86_64.rpm',
  host: 'dl.cloudsmith.io',
  ip_address: '82.1.4.8',
  bytes: 10421,
  city: 'Newmarket',
  country: 'GB',
  edge: 'LHR61-C2',
  format: 'RedHat',
  package: 'vmN1OlMDi3Iy',
  recorded: '2021-04-01T19:46:23.817658+00:00',
  request_id: 'dZ3DmJ8yHU36FyH9uHoyWH4LocmlkzdKXSEuOBmnvLhA4ZF7exa5Qw==',
  token: 'wKSkBFHpsNWB',
  user: 'eP1B3YCtTlJX',
  user_agent: 'libdnf',
};

describe('client log records', () => {
  it('lists the seed CSV header in order, then the richer JSON fields', () => {
    expect(CLIENT_LOG_CSV_FIELDS.join(',')).toBe(
      'datetime,repository,status,method,uri,host,ip_address,bytes,city,country,edge,eula,format,package,recorded,referer,request_id,token,user,user_agent',
    );
    expect(CLIENT_LOG_FIELDS.slice(0, 20)).toEqual([...CLIENT_LOG_CSV_FIELDS]);
    expect(CLIENT_LOG_FIELDS.slice(20)).toEqual([
      'continent',
      'eula_number',
      'package_name',
      'package_version',
      'protocol',
      'time_taken',
      'token_name',
      'user_name',
    ]);
  });

  it('accepts the seed example, filling absent optional fields with null, keys in output order', () => {
    const record = clientLogRecordSchema.parse(seedRecord);
    expect(Object.keys(record)).toEqual(CLIENT_LOG_FIELDS);
    expect(record).toMatchObject({ eula: null, referer: null, continent: null, time_taken: null });
  });

  it('normalises timestamps to UTC with the contract precision', () => {
    const record = clientLogRecordSchema.parse({
      ...seedRecord,
      datetime: '2021-04-01T21:40:55.9+02:00',
      recorded: '2021-04-01T19:46:23Z',
    });
    expect(record.datetime).toBe('2021-04-01T19:40:55+00:00');
    expect(record.recorded).toBe('2021-04-01T19:46:23.000000+00:00');
  });

  it('names each bad field', () => {
    const result = clientLogRecordSchema.safeParse({
      ...seedRecord,
      status: 99,
      repository: 'no-namespace',
      recorded: 'later',
      surprise: 1,
    });
    expect(result.success).toBe(false);
    const issues = describeZodError(result.error!);
    expect(issues.map((i) => i.path).sort()).toEqual(['(root)', 'recorded', 'repository', 'status']);
    expect(issues.find((i) => i.path === 'recorded')!.message).toContain('"later"');
    expect(issues.find((i) => i.path === '(root)')!.message).toContain('surprise');
  });
});

describe('audit log records', () => {
  it('has the 16 contract fields in order, plus organization at ingest', () => {
    expect(AUDIT_LOG_FIELDS).toEqual([
      'actor',
      'actor_ip_address',
      'actor_kind',
      'actor_location',
      'actor_slug_perm',
      'actor_url',
      'context',
      'event',
      'event_at',
      'object',
      'object_kind',
      'object_slug_perm',
      'target',
      'target_kind',
      'target_slug_perm',
      'uuid',
    ]);
    const parsed = auditLogIngestSchema.parse({
      organization: 'acme',
      actor: 'alice',
      actor_kind: 'user',
      event: 'package.uploaded',
      event_at: '2026-11-25T10:00:00+01:00',
      uuid: '0b0e2a9c-6f7d-4c1e-9a55-2f1d9f0c3b11',
    });
    expect(parsed.event_at).toBe('2026-11-25T09:00:00.000000+00:00');
    expect(parsed.target).toBeNull();
  });
});

describe('export settings', () => {
  const base = { destinationId: 'dst_aaaaaaaaaaaaaaaa', folder: 'audit-logs' };

  it('refuses Apache lines for audit logs, naming the format field', () => {
    const result = createExportInputSchema.safeParse({ ...base, logType: 'audit', format: 'apache' });
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toEqual([
      {
        path: 'format',
        message: 'format "apache" cannot carry audit logs (Apache lines describe downloads: client logs only)',
      },
    ]);
  });

  it('refuses an unknown format and an unknown field group', () => {
    const result = createExportInputSchema.safeParse({
      ...base,
      logType: 'client',
      format: 'xml',
      exclude: ['secrets'],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['exclude.0', 'format']);
  });

  it('applies defaults and de-duplicates lists', () => {
    expect(
      createExportInputSchema.parse({
        ...base,
        logType: 'client',
        format: 'csv',
        repositories: ['b', 'a', 'b'],
        exclude: ['ip', 'geo', 'ip'],
      }),
    ).toMatchObject({
      compression: 'gzip',
      cadence: 'daily',
      enabled: true,
      repositories: ['a', 'b'],
      exclude: ['geo', 'ip'],
    });
  });

  it('refuses a repository scope on audit logs, naming the field', () => {
    const result = createExportInputSchema.safeParse({
      ...base,
      logType: 'audit',
      format: 'json',
      repositories: ['prod-rpm'],
    });
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toEqual([
      {
        path: 'repositories',
        message:
          'audit logs are exported for the whole organisation: leave repositories out (they scope client logs only)',
      },
    ]);
  });

  it('refuses text that is not valid Unicode, naming the field', () => {
    const result = clientLogRecordSchema.safeParse({ ...seedRecord, user_agent: 'broken \ud800 surrogate' });
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toEqual([
      { path: 'user_agent', message: 'contains a lone UTF-16 surrogate: not valid Unicode text' },
    ]);
  });

  it('treats an empty repository list as a mistake, not as "no repositories"', () => {
    const result = createExportInputSchema.safeParse({ ...base, logType: 'client', format: 'csv', repositories: [] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['repositories']);
  });
});
