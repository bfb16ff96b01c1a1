// A customer sets itself up through the API with its own token, as the README's self-service
// section describes: destination, policies, the role (made in moto from those policies), verify,
// a client-log export, a run, its history and the objects in the bucket. The same token cannot
// see another organisation (404) or use ops routes (403). Tokens are stored as digests only, and
// a revoked token stops working at once.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { type MotoServer, createCustomerAccount, listKeys } from '@log-exporter/local-stack';
import { previousWindow, windowContaining } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { startAdminWorker } from './admin-worker';
import { AUTH, type AdminHarness, DESTINATION, issueAccessToken, startAdmin, startMoto } from './harness';

const WINDOW = previousWindow('daily', windowContaining('daily', Date.now()));

let moto: MotoServer;
let admin: AdminHarness;
let worker: { stop(): Promise<void> };

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
  worker = await startAdminWorker(admin, moto);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await admin?.close();
  await moto?.stop();
});

it('lets a customer onboard, export and read its runs with its own token, and nothing of another organisation', async () => {
  const { token } = await issueAccessToken(admin, {
    kind: 'customer',
    name: 'selfco-terraform',
    organization: 'selfco',
  });
  const as = (method: string, url: string, body?: unknown) =>
    admin.api(method, url, body, { authorization: `Bearer ${token}` });

  // Organisation B, set up by ops.
  const otherDestination = (
    await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'otherco', bucket: 'otherco-logs' })
  ).json();
  const otherExport = (
    await admin.api('POST', '/api/exports', {
      destinationId: otherDestination.id,
      logType: 'client',
      format: 'csv',
      folder: 'client',
    })
  ).json();

  // The customer's own setup, through the API only.
  const created = await as('POST', '/api/destinations', {
    organization: 'selfco',
    awsAccountId: '616161616161',
    bucket: 'selfco-logs',
    prefix: 'exports',
    roleName: 'LogWriter',
  });
  expect(created.statusCode).toBe(201);
  const destination = created.json();
  const policies = await as('GET', `/api/destinations/${destination.id}/policies`);
  expect(policies.statusCode).toBe(200);
  const account = await createCustomerAccount(moto.endpoint, {
    accountId: '616161616161',
    bucket: 'selfco-logs',
    roleName: 'LogWriter',
    trustPolicy: policies.json().trustPolicy,
    permissionPolicy: policies.json().permissionPolicy,
  });
  try {
    const verified = await as('POST', `/api/destinations/${destination.id}/verify`);
    expect(verified.json()).toMatchObject({ ok: true });
    const exported = await as('POST', '/api/exports', {
      destinationId: destination.id,
      logType: 'client',
      format: 'json-ts',
      folder: 'client-logs',
    });
    expect(exported.statusCode).toBe(201);
    const exportId = exported.json().id as string;

    // Records arrive through ops' ingest (the customer may not write logs).
    const records = [...generateClientLogs({ seed: 61, organization: 'selfco', window: WINDOW, count: 120 })];
    const ndjson = records.map((r) => JSON.stringify(r)).join('\n');
    const refused = await admin.app.inject({
      method: 'POST',
      url: '/api/logs/client',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: ndjson,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(
      (
        await admin.app.inject({
          method: 'POST',
          url: '/api/logs/client',
          headers: { ...AUTH, 'content-type': 'application/x-ndjson' },
          payload: ndjson,
        })
      ).json(),
    ).toMatchObject({ inserted: 120 });

    expect((await as('POST', `/api/exports/${exportId}/runs`, { window: WINDOW.start })).statusCode).toBe(202);
    let runs: { status: string; records: number; objects: { key: string }[]; manifestKey: string }[] = [];
    const deadline = Date.now() + 60_000;
    while (!(runs[0]?.status === 'succeeded') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      runs = (await as('GET', `/api/exports/${exportId}/runs`)).json();
    }
    expect(runs[0]).toMatchObject({ status: 'succeeded', records: 120 });
    const keys = await listKeys(account.s3, 'selfco-logs');
    for (const object of runs[0]!.objects) expect(keys).toContain(object.key);
    expect(keys).toContain(runs[0]!.manifestKey);
    expect(runs[0]!.objects.every((o) => o.key.startsWith('exports/client-logs/'))).toBe(true);

    // Organisation B's IDs do not exist for this token; ops routes are closed.
    for (const [method, url] of [
      ['GET', `/api/destinations/${otherDestination.id}`],
      ['GET', `/api/destinations/${otherDestination.id}/policies`],
      ['POST', `/api/destinations/${otherDestination.id}/verify`],
      ['GET', `/api/exports/${otherExport.id}`],
      ['GET', `/api/exports/${otherExport.id}/runs`],
      ['DELETE', `/api/exports/${otherExport.id}`],
    ] as const) {
      const response = await as(method, url);
      expect([url, response.statusCode]).toEqual([url, 404]);
    }
    expect((await as('PATCH', `/api/exports/${otherExport.id}`, { enabled: false })).statusCode).toBe(404);
    expect((await as('POST', `/api/exports/${otherExport.id}/runs`, { window: WINDOW.start })).statusCode).toBe(404);
    expect((await as('POST', '/api/destinations', { ...DESTINATION, organization: 'otherco' })).json()).toMatchObject({
      error: { code: 'forbidden', details: [{ path: 'body.organization' }] },
    });
    expect((await as('GET', '/api/tokens')).statusCode).toBe(403);
    expect((await admin.store.exports.get(otherExport.id))?.enabled).toBe(true);
  } finally {
    account.s3.destroy();
  }
}, 120_000);

it('stores only a digest of each token, and a revoked token stops working at once', async () => {
  const issued = await issueAccessToken(admin, { kind: 'customer', name: 'digest-check', organization: 'digestco' });
  const secret = issued.token.split('.')[1]!;
  expect(secret).toHaveLength(43);
  const db = new Database(admin.databaseFile!, { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM access_tokens').all() as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(issued.token);
    const row = rows.find((r) => r.id === issued.id)!;
    expect(row.secret_sha256).toBe(createHash('sha256').update(secret).digest('hex'));
  } finally {
    db.close();
  }
  expect((await admin.api('GET', '/api/tokens')).body).not.toContain(secret);

  const as = () => admin.api('GET', '/api/exports', undefined, { authorization: `Bearer ${issued.token}` });
  expect((await as()).statusCode).toBe(200);
  const revoked = await admin.api('DELETE', `/api/tokens/${issued.id}`);
  expect(revoked.json()).toMatchObject({ id: issued.id, status: 'revoked' });
  expect((await as()).statusCode).toBe(401);
  // A wrong secret for a real token ID is refused like any wrong token.
  const other = await issueAccessToken(admin, { kind: 'ops', name: 'second' });
  const forged = `${other.id}.${'A'.repeat(43)}`;
  expect((await admin.api('GET', '/api/exports', undefined, { authorization: `Bearer ${forged}` })).statusCode).toBe(
    401,
  );
});

it('refuses a token request that names no organisation, an ops token with one, and a past expiry, naming the field', async () => {
  const fields = async (body: unknown) =>
    (
      (await admin.api('POST', '/api/tokens', body)).json() as { error: { details: { path: string }[] } }
    ).error.details.map((d) => d.path);
  expect(await fields({ kind: 'customer', name: 'x' })).toEqual(['body.organization']);
  expect(await fields({ kind: 'ops', name: 'x', organization: 'acme' })).toEqual(['body.organization']);
  expect(await fields({ kind: 'ops', name: 'x', expiresAt: '2020-01-01T00:00:00Z' })).toEqual(['body.expiresAt']);
  expect(await fields({ kind: 'root', name: '' })).toEqual(expect.arrayContaining(['body.kind', 'body.name']));
  expect((await admin.api('GET', '/api/tokens')).json().map((t: { name: string }) => t.name)).not.toContain('x');
});
