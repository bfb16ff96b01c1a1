// Every route of the admin API (README, Admin API) through the whole HTTP stack: success, each
// validation failure naming its field, 401 without or with a wrong token, 404 for unknown IDs.
import { permissionPolicy, trustPolicy } from '@log-exporter/aws';
import { EMULATED_EXPORTER_ACCOUNT_ID, type MotoServer } from '@log-exporter/local-stack';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import { apiRoutes } from '../src';
import { type AdminHarness, AUTH, DESTINATION, TOKEN, createRoleFromHandOver, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let admin: AdminHarness;

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
});

afterAll(async () => {
  await admin?.close();
  await moto?.stop();
});

async function createDestination(overrides: Record<string, unknown> = {}) {
  const response = await admin.api('POST', '/api/destinations', { ...DESTINATION, ...overrides });
  expect([200, 201]).toContain(response.statusCode);
  return response.json() as {
    id: string;
    externalId: string;
    roleArn: string;
    organization: string;
    awsAccountId: string;
    bucket: string;
    roleName: string;
  };
}

async function createExport(body: Record<string, unknown>) {
  const response = await admin.api('POST', '/api/exports', body);
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; status: string; organization: string };
}

function fieldsOf(response: { json(): unknown }): string[] {
  return (response.json() as { error: { details: { path: string }[] } }).error.details.map((d) => d.path).sort();
}

const unknownDestination = 'dst_aaaaaaaaaaaaaaaa';
const unknownExport = 'exp_aaaaaaaaaaaaaaaa';

describe('authentication', () => {
  it('refuses every /api route without a token and with a wrong one', async () => {
    const routes = apiRoutes(admin.deps).filter((r) => r.access !== 'public');
    expect(routes.length).toBeGreaterThanOrEqual(14);
    for (const route of routes) {
      const url = route.path.replace(
        ':id',
        route.path.includes('destinations')
          ? unknownDestination
          : route.path.includes('tokens')
            ? 'tok_aaaaaaaaaaaaaaaa'
            : unknownExport,
      );
      for (const headers of [
        {},
        { authorization: 'Bearer not-the-token-at-all' },
        { authorization: TOKEN_WITHOUT_SCHEME },
      ]) {
        const response = await admin.app.inject({ method: route.method, url, headers });
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
      }
    }
  });

  it('serves /healthz without a token, with the database and Temporal both answering', async () => {
    const response = await admin.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ok: true,
      database: { ok: true, message: 'sqlite answers' },
      temporal: { ok: true, message: 'Temporal answers' },
    });
  });
});

const TOKEN_WITHOUT_SCHEME = TOKEN;

describe('destinations', () => {
  it('creates a destination with a fresh External ID and its role ARN', async () => {
    const response = await admin.api('POST', '/api/destinations', {
      ...DESTINATION,
      organization: 'initech',
      region: 'eu-west-1',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      organization: 'initech',
      awsAccountId: '995557609558',
      bucket: 'cloudsmith-acmecorp-logs',
      region: 'eu-west-1',
      prefix: 'cloudsmith-logs',
      roleName: 'CloudsmithLogsWriter',
      roleArn: 'arn:aws:iam::995557609558:role/CloudsmithLogsWriter',
    });
    expect(body.id).toMatch(/^dst_/);
    expect(body.externalId).toHaveLength(48);
  });

  it('reuses the organisation’s identical destination (existing setup) instead of issuing a new External ID', async () => {
    const first = await createDestination({ organization: 'umbrella' });
    const again = await admin.api('POST', '/api/destinations', {
      ...DESTINATION,
      organization: 'umbrella',
      prefix: 'cloudsmith-logs/',
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.id, externalId: first.externalId });
    const other = await admin.api('POST', '/api/destinations', {
      ...DESTINATION,
      organization: 'umbrella',
      awsAccountId: '111122223333',
    });
    expect(other.statusCode).toBe(201);
    expect(other.json().externalId).not.toBe(first.externalId);
  });

  it.each([
    [{ awsAccountId: '12345' }, 'body.awsAccountId'],
    [{ awsAccountId: 995557609558 }, 'body.awsAccountId'],
    [{ bucket: 'Bad_Bucket' }, 'body.bucket'],
    [{ bucket: '192.168.1.1' }, 'body.bucket'],
    [{ prefix: '../escape' }, 'body.prefix'],
    [{ prefix: 'a//b' }, 'body.prefix'],
    [{ prefix: 'logs\u0000' }, 'body.prefix'],
    [{ roleName: 'role/with/path' }, 'body.roleName'],
    [{ region: 'mars-1' }, 'body.region'],
    [{ organization: '' }, 'body.organization'],
    [{ surprise: true }, 'body'],
  ])('refuses %j naming %s', async (change, field) => {
    const response = await admin.api('POST', '/api/destinations', { ...DESTINATION, ...change });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response)).toEqual([field]);
    expect(response.json().error.code).toBe('invalid_request');
  });

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    expect((await admin.api('POST', '/api/destinations', '{"organization": ')).statusCode).toBe(400);
    const asText = await admin.app.inject({
      method: 'POST',
      url: '/api/destinations',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(asText.statusCode).toBe(415);
    expect(asText.json().error.code).toBe('unsupported_media_type');
  });

  it('lists and reads destinations, and answers 404 for unknown ones', async () => {
    const created = await createDestination({ organization: 'globex' });
    const list = await admin.api('GET', '/api/destinations?organization=globex');
    expect(list.statusCode).toBe(200);
    expect(list.json().map((d: { id: string }) => d.id)).toEqual([created.id]);
    expect((await admin.api('GET', `/api/destinations/${created.id}`)).json()).toMatchObject({ id: created.id });
    expect((await admin.api('GET', `/api/destinations/${unknownDestination}`)).statusCode).toBe(404);
    expect((await admin.api('GET', '/api/destinations/not-an-id')).statusCode).toBe(404);
    expect((await admin.api('GET', `/api/destinations/${unknownDestination}/policies`)).statusCode).toBe(404);
    expect((await admin.api('POST', `/api/destinations/${unknownDestination}/verify`)).statusCode).toBe(404);
    expect(fieldsOf(await admin.api('GET', '/api/destinations?organization=bad%20slug'))).toEqual([
      'query.organization',
    ]);
  });

  it('hands over the seed’s two policies, filled in field by field', async () => {
    const d = await createDestination({ organization: 'acmecorp' });
    const response = await admin.api('GET', `/api/destinations/${d.id}/policies`);
    expect(response.statusCode).toBe(200);
    const { externalId, roleArn, permissionPolicy: permission, trustPolicy: trust } = response.json();
    expect(externalId).toBe(d.externalId);
    expect(roleArn).toBe('arn:aws:iam::995557609558:role/CloudsmithLogsWriter');
    expect(permission.Version).toBe('2012-10-17');
    expect(permission.Statement).toHaveLength(1);
    expect(permission.Statement[0].Action).toEqual(['s3:PutObject', 's3:PutObjectAcl']);
    expect(permission.Statement[0].Effect).toBe('Allow');
    expect(permission.Statement[0].Resource).toEqual(['arn:aws:s3:::cloudsmith-acmecorp-logs/cloudsmith-logs/*']);
    expect(trust.Version).toBe('2012-10-17');
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Effect).toBe('Allow');
    expect(trust.Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
    expect(trust.Statement[0].Action).toBe('sts:AssumeRole');
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { 'sts:ExternalId': d.externalId } });
  });

  it('verifies a setup made with those policies, writing a check object under the prefix', async () => {
    const d = await createDestination({
      organization: 'verified',
      bucket: 'verified-logs',
      awsAccountId: '313131313131',
    });
    const account = await createRoleFromHandOver(admin, moto, d);
    const response = await admin.api('POST', `/api/destinations/${d.id}/verify`);
    expect(response.statusCode).toBe(200);
    const result = response.json();
    expect(result.ok).toBe(true);
    expect(result.steps.map((s: { name: string; ok: boolean }) => [s.name, s.ok])).toEqual([
      ['assume-role', true],
      ['external-id-required', true],
      ['write-object', true],
    ]);
    expect(result.steps[2].message).toMatch(
      /^wrote s3:\/\/verified-logs\/cloudsmith-logs\/_log-exporter-verification_/,
    );
    account.s3.destroy();
  });

  // The STS stand-in of the harness enforces trust policies (moto does not): see harness.ts.
  it('fails verify when the role can be assumed with a wrong External ID, saying what to add', async () => {
    const d = await createDestination({
      organization: 'nocondition',
      bucket: 'nocondition-logs',
      awsAccountId: '343434343434',
    });
    const account = await createRoleFromHandOver(admin, moto, d, {
      trustPolicy: (given) => {
        const { Condition: _dropped, ...withoutCondition } = given.Statement[0];
        return { ...given, Statement: [withoutCondition] };
      },
    });
    account.s3.destroy();
    const result = (await admin.api('POST', `/api/destinations/${d.id}/verify`)).json();
    expect(result.ok).toBe(false);
    expect(result.steps.map((s: { name: string; ok: boolean }) => [s.name, s.ok])).toEqual([
      ['assume-role', true],
      ['external-id-required', false],
      ['write-object', true],
    ]);
    expect(result.steps[1].message).toContain('could be assumed with a wrong External ID');
    expect(result.steps[1].message).toContain(`"sts:ExternalId": "${d.externalId}"`);
  });

  it('says the role could not be assumed when its trust policy names another External ID', async () => {
    const d = await createDestination({
      organization: 'wrongid',
      bucket: 'wrongid-logs',
      awsAccountId: '353535353535',
    });
    const account = await createRoleFromHandOver(admin, moto, d, {
      trustPolicy: () =>
        trustPolicy({ exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID, externalId: 'someone-elses-id' }),
    });
    account.s3.destroy();
    const result = (await admin.api('POST', `/api/destinations/${d.id}/verify`)).json();
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ name: 'assume-role', ok: false });
    expect(result.steps[0].message).toContain('sts:ExternalId condition equals the External ID');
  });

  it('explains a missing bucket in the verify step that failed', async () => {
    const d = await createDestination({
      organization: 'nobucket',
      bucket: 'never-created-bucket',
      awsAccountId: '323232323232',
    });
    const account = await createRoleFromHandOver(admin, moto, d, { createBucket: false });
    account.s3.destroy();
    const result = (await admin.api('POST', `/api/destinations/${d.id}/verify`)).json();
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ name: 'assume-role', ok: true });
    expect(result.steps[2]).toMatchObject({ name: 'write-object', ok: false });
    expect(result.steps[2].message).toContain('bucket "never-created-bucket" does not exist');
    // Same permission policy, and the sanity of the policy docs for this bucket
    expect(
      permissionPolicy({ bucket: 'never-created-bucket', prefix: 'cloudsmith-logs' }).Statement[0].Resource[0],
    ).toBe('arn:aws:s3:::never-created-bucket/cloudsmith-logs/*');
    expect(
      trustPolicy({ exporterAccountId: '123456789012', externalId: d.externalId }).Statement[0].Condition.StringEquals[
        'sts:ExternalId'
      ],
    ).toBe(d.externalId);
  });
});

describe('exports', () => {
  let destinationId: string;

  beforeAll(async () => {
    destinationId = (await createDestination({ organization: 'acmecorp' })).id;
  });

  it('creates an export with defaults, and lists and reads it with its health', async () => {
    const created = await createExport({ destinationId, logType: 'client', format: 'json-ts', folder: 'client-logs' });
    expect(created).toMatchObject({
      organization: 'acmecorp',
      format: 'json-ts',
      compression: 'gzip',
      cadence: 'daily',
      enabled: true,
      repositories: null,
      exclude: [],
      status: 'never-run',
      health: { consecutiveFailures: 0, lastSuccessAt: null, lastError: null },
    });
    const list = (await admin.api('GET', '/api/exports?organization=acmecorp')).json();
    expect(list.map((e: { id: string }) => e.id)).toContain(created.id);
    expect((await admin.api('GET', `/api/exports/${created.id}`)).json()).toMatchObject({
      id: created.id,
      status: 'never-run',
    });
    expect((await admin.api('GET', `/api/exports/${unknownExport}`)).statusCode).toBe(404);
  });

  it.each([
    [{ logType: 'audit', format: 'apache' }, 'body.format'],
    [{ logType: 'audit', repositories: ['prod-rpm'] }, 'body.repositories'],
    [{ format: 'xml' }, 'body.format'],
    [{ logType: 'metrics' }, 'body.logType'],
    [{ exclude: ['secrets'] }, 'body.exclude.0'],
    [{ compression: 'brotli' }, 'body.compression'],
    [{ format: 'parquet', compression: 'gzip' }, 'body.compression'],
    [{ format: 'parquet', parquetCompression: 'lz4' }, 'body.parquetCompression'],
    [{ cadence: 'weekly' }, 'body.cadence'],
    [{ ipHandling: 'mask' }, 'body.ipHandling'],
    [{ ipHandling: 'hash', exclude: ['ip'] }, 'body.ipHandling'],
    [{ folder: '/abs' }, 'body.folder'],
    [{ folder: 'a/../b' }, 'body.folder'],
    [{ repositories: [] }, 'body.repositories'],
    [{ repositories: ['has space'] }, 'body.repositories.0'],
    [{ enabled: 'yes' }, 'body.enabled'],
    [{ destinationId: 'nope' }, 'body.destinationId'],
    [{ destinationId: unknownDestination }, 'body.destinationId'],
  ])('refuses %j naming %s', async (change, field) => {
    const response = await admin.api('POST', '/api/exports', {
      destinationId,
      logType: 'client',
      format: 'csv',
      folder: 'x',
      ...change,
    });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response)).toEqual([field]);
  });

  it('makes Parquet exports with no object compression (zstd pages, snappy on request), also on a change', async () => {
    const created = await createExport({ destinationId, logType: 'audit', format: 'parquet', folder: 'audit-parquet' });
    expect(created).toMatchObject({ format: 'parquet', compression: 'none', parquetCompression: 'zstd' });
    const json = await createExport({ destinationId, logType: 'client', format: 'json', folder: 'to-parquet' });
    expect(json).toMatchObject({ compression: 'gzip', parquetCompression: 'zstd' });
    const moved = await admin.api('PATCH', `/api/exports/${json.id}`, {
      format: 'parquet',
      parquetCompression: 'snappy',
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ format: 'parquet', compression: 'none', parquetCompression: 'snappy' });
    const gzipped = await admin.api('PATCH', `/api/exports/${json.id}`, { compression: 'gzip' });
    expect(fieldsOf(gzipped)).toEqual(['body.compression']);
    expect(gzipped.json().error.message).toMatch(/compression must be "none", not "gzip"/);
    const back = await admin.api('PATCH', `/api/exports/${json.id}`, { format: 'csv', compression: 'zstd' });
    expect(back.json()).toMatchObject({ format: 'csv', compression: 'zstd' });
  });

  it('changes an export, refusing an invalid combination or an empty change', async () => {
    const created = await createExport({ destinationId, logType: 'audit', format: 'json', folder: 'audit-logs' });
    const changed = await admin.api('PATCH', `/api/exports/${created.id}`, {
      folder: 'audit',
      exclude: ['ip'],
      cadence: 'hourly',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ folder: 'audit', exclude: ['ip'], cadence: 'hourly', format: 'json' });
    expect(fieldsOf(await admin.api('PATCH', `/api/exports/${created.id}`, { format: 'apache' }))).toEqual([
      'body.format',
    ]);
    expect(fieldsOf(await admin.api('PATCH', `/api/exports/${created.id}`, {}))).toEqual(['body']);
    expect(fieldsOf(await admin.api('PATCH', `/api/exports/${created.id}`, { logType: 'client' }))).toEqual(['body']);
    expect((await admin.api('PATCH', `/api/exports/${unknownExport}`, { folder: 'x' })).statusCode).toBe(404);
  });

  it('keeps ipHandling "drop" and exclude "ip" as one setting, whichever spelling a change uses', async () => {
    const created = await createExport({ destinationId, logType: 'client', format: 'json', folder: 'ips' });
    expect(created).toMatchObject({ ipHandling: 'keep', exclude: [] });
    const patch = async (change: Record<string, unknown>) => {
      const response = await admin.api('PATCH', `/api/exports/${created.id}`, change);
      expect(response.statusCode).toBe(200);
      return response.json() as { ipHandling: string; exclude: string[] };
    };
    expect(await patch({ ipHandling: 'drop' })).toMatchObject({ ipHandling: 'drop', exclude: ['ip'] });
    expect(await patch({ exclude: ['geo'] })).toMatchObject({ ipHandling: 'keep', exclude: ['geo'] });
    expect(await patch({ ipHandling: 'hash' })).toMatchObject({ ipHandling: 'hash', exclude: ['geo'] });
    // Changing other exclusions leaves the hash alone; excluding ip turns it into drop.
    expect(await patch({ exclude: ['eula', 'geo'] })).toMatchObject({ ipHandling: 'hash', exclude: ['eula', 'geo'] });
    expect(await patch({ exclude: ['ip'] })).toMatchObject({ ipHandling: 'drop', exclude: ['ip'] });
    expect(await patch({ ipHandling: 'truncate', exclude: [] })).toMatchObject({ ipHandling: 'truncate', exclude: [] });
    const contradiction = await admin.api('PATCH', `/api/exports/${created.id}`, {
      ipHandling: 'keep',
      exclude: ['ip'],
    });
    expect(fieldsOf(contradiction)).toEqual(['body.ipHandling']);
    expect(contradiction.json().error.message).toMatch(/contradicts exclude "ip"/);
    expect((await admin.api('GET', `/api/exports/${created.id}`)).json()).toMatchObject({ ipHandling: 'truncate' });
    const viaExclude = await createExport({
      destinationId,
      logType: 'client',
      format: 'csv',
      folder: 'ips-2',
      exclude: ['ip'],
    });
    expect(viaExclude).toMatchObject({ ipHandling: 'drop', exclude: ['ip'] });
    // The pseudonym key is a secret of the worker: nowhere in what the API returns.
    expect(JSON.stringify(created)).not.toMatch(/key/i);
  });

  it('gives the Athena table of an export: its folder, its columns after exclusions, projected days', async () => {
    const created = await createExport({
      destinationId,
      logType: 'client',
      format: 'json',
      folder: 'tables',
      exclude: ['geo'],
    });
    const response = await admin.api('GET', `/api/exports/${created.id}/table-ddl`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    const ddl = response.body;
    const destination = (await admin.api('GET', `/api/destinations/${destinationId}`)).json();
    const folder = `s3://${destination.bucket}/${destination.prefix ? `${destination.prefix}/` : ''}tables/`;
    expect(ddl).toContain(`LOCATION '${folder}'`);
    expect(ddl).toContain(`'storage.location.template' = '${folder}dt=\${dt}/'`);
    expect(ddl).toContain("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'");
    expect(ddl).toContain('`bytes` bigint');
    expect(ddl).not.toMatch(/`(city|country|continent)`/);
    expect((await admin.api('GET', `/api/exports/${unknownExport}/table-ddl`)).statusCode).toBe(404);
  });

  it('deletes an export; afterwards it is unknown', async () => {
    const created = await createExport({ destinationId, logType: 'client', format: 'csv', folder: 'gone' });
    expect((await admin.api('DELETE', `/api/exports/${created.id}`)).statusCode).toBe(204);
    expect((await admin.api('GET', `/api/exports/${created.id}`)).statusCode).toBe(404);
    expect((await admin.api('DELETE', `/api/exports/${created.id}`)).statusCode).toBe(404);
  });
});

describe('runs', () => {
  let exportId: string;

  beforeAll(async () => {
    const destinationId = (await createDestination({ organization: 'runner' })).id;
    exportId = (await createExport({ destinationId, logType: 'client', format: 'json', folder: 'client' })).id;
  });

  it('starts one window with an idempotent workflow ID and a Temporal UI link', async () => {
    const response = await admin.api('POST', `/api/exports/${exportId}/runs`, { window: '2026-11-20' });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.workflowIds).toEqual([`export-window/${exportId}/2026-11-20T00:00:00Z`]);
    expect(body.windows[0]).toMatchObject({ status: 'running', windowStart: '2026-11-20T00:00:00Z' });
    expect(body.windows[0].temporalUrl).toBe(
      `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(body.workflowIds[0])}`,
    );
    const again = (await admin.api('POST', `/api/exports/${exportId}/runs`, { window: '2026-11-20T00:00:00Z' })).json();
    expect(again.workflowIds).toEqual(body.workflowIds);
  });

  it('backfills every window whose start lies in [from, to]', async () => {
    const response = await admin.api('POST', `/api/exports/${exportId}/runs`, { from: '2026-11-01', to: '2026-11-07' });
    expect(response.statusCode).toBe(202);
    expect(response.json().workflowIds).toHaveLength(7);
    expect(response.json().workflowIds[6]).toBe(`export-window/${exportId}/2026-11-07T00:00:00Z`);
  });

  it.each([
    [{ window: '2026-11-20T05:00:00Z' }, 'body.window'],
    [{ window: 'yesterday' }, 'body.window'],
    [{ from: '2026-11-07', to: '2026-11-01' }, 'body.to'],
    [{ from: 'soon', to: '2026-11-01' }, 'body.from'],
    [{ from: '2025-01-01', to: '2026-01-01' }, 'body.to'],
  ])('refuses %j naming %s', async (body, field) => {
    const response = await admin.api('POST', `/api/exports/${exportId}/runs`, body);
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response)).toEqual([field]);
  });

  it('refuses a body that is neither a window nor a range', async () => {
    const response = await admin.api('POST', `/api/exports/${exportId}/runs`, { when: 'now' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    expect((await admin.api('POST', `/api/exports/${unknownExport}/runs`, { window: '2026-11-20' })).statusCode).toBe(
      404,
    );
  });

  it('lists the run history with objects, checksums, errors and workflow links', async () => {
    const window = { start: '2026-11-19T00:00:00Z', end: '2026-11-20T00:00:00Z' };
    await admin.store.runs.markStarted({ exportId, window, workflowId: 'wf-1', workflowRunId: 'r1' });
    await admin.store.runs.markFinished({
      exportId,
      window,
      workflowId: 'wf-1',
      status: 'succeeded',
      objects: [{ key: 'k', records: 3, bytes: 10, sha256: 'a'.repeat(64) }],
      manifestKey: 'm',
      error: null,
    });
    const response = await admin.api('GET', `/api/exports/${exportId}/runs?limit=10`);
    expect(response.statusCode).toBe(200);
    expect(response.json()[0]).toMatchObject({
      window,
      status: 'succeeded',
      records: 3,
      bytes: 10,
      objects: [{ key: 'k', records: 3, bytes: 10, sha256: 'a'.repeat(64) }],
      manifestKey: 'm',
      error: null,
      workflowId: 'wf-1',
      temporalUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/wf-1',
    });
    expect(fieldsOf(await admin.api('GET', `/api/exports/${exportId}/runs?limit=0`))).toEqual(['query.limit']);
    expect((await admin.api('GET', `/api/exports/${unknownExport}/runs`)).statusCode).toBe(404);
  });
});

describe('log ingest', () => {
  const window = { start: '2026-11-10T00:00:00Z', end: '2026-11-11T00:00:00Z' };
  const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const post = (path: string, payload: string, type = 'application/x-ndjson') =>
    admin.app.inject({ method: 'POST', url: path, headers: { ...AUTH, 'content-type': type }, payload });

  it('stores client records, counting duplicates of earlier requests', async () => {
    const records = [...generateClientLogs({ seed: 9, organization: 'ingest', window, count: 50 })];
    const first = await post('/api/logs/client', ndjson(records));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: 50, inserted: 50, duplicates: 0 });
    expect((await post('/api/logs/client', ndjson(records.slice(0, 10)))).json()).toEqual({
      received: 10,
      inserted: 0,
      duplicates: 10,
    });
  });

  it('stores audit records with their organisation', async () => {
    const records = [...generateAuditLogs({ seed: 9, organization: 'ingest', window, count: 20 })];
    expect((await post('/api/logs/audit', ndjson(records))).json()).toEqual({
      received: 20,
      inserted: 20,
      duplicates: 0,
    });
  });

  it('refuses the whole request when one line is bad, listing lines and fields, storing nothing', async () => {
    const records = [...generateClientLogs({ seed: 10, organization: 'ingest-bad', window, count: 5 })];
    const lines = records.map((r) => JSON.stringify(r));
    lines[1] = JSON.stringify({ ...records[1], status: 'ok', recorded: 'later' });
    lines[3] = '{not json';
    const response = await post('/api/logs/client', lines.join('\n'));
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('invalid_records');
    expect(error.details).toEqual([
      { line: 2, path: 'status', message: expect.any(String) },
      { line: 2, path: 'recorded', message: expect.stringContaining('"later"') },
      { line: 4, path: '(line)', message: expect.stringContaining('not JSON') },
    ]);
    const scope = { logType: 'client' as const, organization: 'ingest-bad', repositories: null, window };
    expect(await admin.store.logs.countInWindow(scope)).toBe(0);
  });

  it('refuses audit records without an organisation, an empty body, JSON instead of NDJSON, and oversized bodies', async () => {
    const [record] = [...generateAuditLogs({ seed: 11, organization: 'x', window, count: 1 })];
    const { organization: _o, ...withoutOrg } = record!;
    const missing = await post('/api/logs/audit', ndjson([withoutOrg]));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toEqual([{ line: 1, path: 'organization', message: expect.any(String) }]);
    expect((await post('/api/logs/client', '\n\n')).statusCode).toBe(400);
    expect((await post('/api/logs/client', '[]', 'application/json')).statusCode).toBe(415);
    const huge = await post('/api/logs/client', 'x'.repeat(1024 * 1024 + 1));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
  });
});

describe('OpenAPI', () => {
  it('documents every route, generated from the same schemas', async () => {
    const response = await admin.api('GET', '/api/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    for (const route of apiRoutes(admin.deps)) {
      const path = route.path.replace(/:([a-z]+)/g, '{$1}');
      expect(document.paths[path]?.[route.method.toLowerCase()]).toBeDefined();
    }
    const create = document.paths['/api/destinations'].post;
    expect(create.requestBody.content['application/json'].schema.properties.awsAccountId.pattern).toBe('^\\d{12}$');
    expect(create.responses['201'].content['application/json'].schema.properties.externalId).toBeDefined();
  });
});
