// Tenant isolation, route by route: every registered route (API, pages, assets) is called with
// six credentials, and the expected status of each cell is in one table below. A route the server
// registers but the table lacks fails the test, and so does a route of docs/openapi.json the
// table lacks. Resources of organisation A are addressed; "own" is a customer token of A, "other"
// a customer token of B, which must not learn that A's resources exist (404, never 403).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MotoServer } from '@log-exporter/local-stack';
import { generateClientLogs } from '@log-exporter/testing';
import { SESSION_COOKIE, csrfToken, newSession } from '../src/web/web-session';
import { type AdminHarness, DESTINATION, TOKEN, issueAccessToken, startAdmin, startMoto } from './harness';

const CREDENTIALS = ['none', 'revoked', 'expired', 'ops', 'own', 'other'] as const;
type Credential = (typeof CREDENTIALS)[number];

/** A status per credential, in CREDENTIALS order. `login`: a page's redirect to the login form. */
type Expected = readonly [number | 'login', number | 'login', number | 'login', number, number, number];

// API under /api: 401 without a valid token; ops-only routes 403 for customers.
const ORG = [401, 401, 401, 200, 200, 200] as const;
const ORG_ITEM = [401, 401, 401, 200, 200, 404] as const;
const OPS_ONLY = (status: number) => [401, 401, 401, status, 403, 403] as const;
// Pages: GET without a session redirects to the login form, POST answers 401.
const PAGE = ['login', 'login', 'login', 200, 200, 200] as const;
const PAGE_ITEM = ['login', 'login', 'login', 200, 200, 404] as const;
const PAGE_POST_ITEM = [401, 401, 401, 303, 303, 404] as const;
const PUBLIC = (status: number) => [status, status, status, status, status, status] as const;

const TABLE: Record<string, Expected> = {
  // probes, metrics, assets, login
  'GET /healthz': PUBLIC(200),
  'GET /livez': PUBLIC(200),
  'GET /readyz': PUBLIC(200),
  'GET /metrics': PUBLIC(200),
  'GET /static/admin.js': PUBLIC(200),
  'GET /static/admin.css': PUBLIC(200),
  'GET /login': PUBLIC(200),
  'POST /login': PUBLIC(401), // the body carries no token: refused for everyone
  'POST /logout': [401, 401, 401, 303, 303, 303],
  // API
  'GET /api/openapi.json': ORG,
  'GET /api/manifest-keys': ORG,
  'POST /api/destinations': [401, 401, 401, 200, 200, 403], // A's destination again: reused (200); B may not name A
  'GET /api/destinations': ORG,
  'GET /api/destinations/:id': ORG_ITEM,
  'GET /api/destinations/:id/policies': ORG_ITEM,
  'GET /api/destinations/:id/cloudformation': ORG_ITEM,
  'GET /api/destinations/:id/terraform': ORG_ITEM,
  'POST /api/destinations/:id/verify': ORG_ITEM,
  'POST /api/exports': [401, 401, 401, 201, 201, 400], // B: A's destination is "unknown"
  'GET /api/exports': ORG,
  'GET /api/exports/:id': ORG_ITEM,
  'PATCH /api/exports/:id': ORG_ITEM,
  'DELETE /api/exports/:id': [401, 401, 401, 204, 204, 404],
  'POST /api/exports/:id/runs': [401, 401, 401, 202, 202, 404],
  'POST /api/exports/:id/preview': ORG_ITEM,
  'GET /api/exports/:id/runs': ORG_ITEM,
  'GET /api/exports/:id/schedule': ORG_ITEM,
  'POST /api/exports/:id/notify-secret': [401, 401, 401, 201, 201, 404],
  'GET /api/exports/:id/notifications': ORG_ITEM,
  'POST /api/exports/:id/notifications/test': ORG_ITEM,
  'GET /api/exports/:id/table-ddl': ORG_ITEM,
  'POST /api/schedules/reconcile': OPS_ONLY(200),
  'POST /api/logs/client': OPS_ONLY(200),
  'POST /api/logs/audit': OPS_ONLY(200),
  'POST /api/tokens': OPS_ONLY(201),
  'GET /api/tokens': OPS_ONLY(200),
  'DELETE /api/tokens/:id': OPS_ONLY(200),
  // pages
  'GET /': PAGE,
  'GET /destinations/new': PAGE,
  'POST /destinations': [401, 401, 401, 303, 303, 303], // a customer's form is fixed to its own organisation
  'GET /destinations/:id': PAGE_ITEM,
  'GET /destinations/:id/cloudformation': PAGE_ITEM,
  'GET /destinations/:id/terraform': PAGE_ITEM,
  'POST /destinations/:id/verify': [401, 401, 401, 200, 200, 404],
  'GET /exports/new': PAGE,
  'GET /downloads/verify.mjs': PAGE,
  'GET /tokens': ['login', 'login', 'login', 200, 403, 403],
  'POST /tokens': [401, 401, 401, 201, 403, 403],
  'POST /tokens/:id/revoke': [401, 401, 401, 303, 403, 403],
  'POST /exports': [401, 401, 401, 303, 303, 400], // B: A's destination is "unknown"
  'GET /exports/:id': PAGE_ITEM,
  'POST /exports/:id/run': PAGE_POST_ITEM,
  'POST /exports/:id/backfill': PAGE_POST_ITEM,
  'POST /exports/:id/edit': PAGE_POST_ITEM,
  'POST /exports/:id/preview': [401, 401, 401, 200, 200, 404],
  'POST /exports/:id/delete': PAGE_POST_ITEM,
  'POST /exports/:id/notify-secret': PAGE_POST_ITEM,
  'POST /exports/:id/notifications/test': [401, 401, 401, 200, 200, 404],
  'GET /exports/:id/table-ddl': PAGE_ITEM,
};

let moto: MotoServer;
let admin: AdminHarness;
const bearer = {} as Record<Credential, string | undefined>;
const sessions = {} as Record<Credential, string | undefined>;
let destinationA: string;
let externalIdA: string;
let exportA: string;

async function newExportOfA(): Promise<string> {
  const created = await admin.api('POST', '/api/exports', {
    destinationId: destinationA,
    logType: 'audit',
    format: 'csv',
    folder: `audit-${randomBytes(4).toString('hex')}`,
  });
  return created.json().id as string;
}

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
  const a = (await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'org-a' })).json();
  destinationA = a.id;
  externalIdA = a.externalId;
  await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'org-b', bucket: 'org-b-logs' });
  exportA = (
    await admin.api('POST', '/api/exports', {
      destinationId: destinationA,
      logType: 'client',
      format: 'json',
      folder: 'c',
      // Nothing listens there: test notifications are refused at once, and nothing leaves the machine.
      notifyUrl: 'http://127.0.0.1:9/hook',
    })
  ).json().id;

  const ops = await issueAccessToken(admin, { kind: 'ops', name: 'oncall' });
  const own = await issueAccessToken(admin, { kind: 'customer', name: 'a-ci', organization: 'org-a' });
  const other = await issueAccessToken(admin, { kind: 'customer', name: 'b-ci', organization: 'org-b' });
  const revoked = await issueAccessToken(admin, { kind: 'ops', name: 'gone' });
  expect((await admin.api('DELETE', `/api/tokens/${revoked.id}`)).statusCode).toBe(200);
  // An expired token: written to the store directly (the API refuses an expiry in the past).
  const secret = randomBytes(32).toString('base64url');
  const expired = await admin.store.accessTokens.create({
    kind: 'ops',
    name: 'old',
    organization: null,
    secretSha256: createHash('sha256').update(secret).digest('hex'),
    createdBy: 'test',
    expiresAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const tokens = { ops, own, other, revoked, expired: { token: `${expired.id}.${secret}`, id: expired.id } };
  bearer.none = undefined;
  sessions.none = undefined;
  for (const name of ['ops', 'own', 'other', 'revoked', 'expired'] as const) {
    bearer[name] = tokens[name].token;
    sessions[name] = newSession(TOKEN, tokens[name].id);
  }
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await moto?.stop();
});

const routes = () =>
  admin.app.registeredRoutes
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
    .map((r) => `${r.method} ${r.url}`);

/** The request of one cell: a concrete URL and a body that succeeds for a caller allowed to do it. */
async function requestFor(route: string, credential: Credential) {
  const [method, pattern] = route.split(' ') as [string, string];
  const isApi = pattern.startsWith('/api');
  const deleting = route.endsWith('/delete') || (method === 'DELETE' && pattern.includes('/exports/'));
  let url = pattern
    .replace('/destinations/:id', `/destinations/${destinationA}`)
    .replace('/exports/:id', `/exports/${deleting ? await newExportOfA() : exportA}`);
  if (pattern.includes('/tokens/:id'))
    url = pattern.replace(':id', (await issueAccessToken(admin, { kind: 'ops', name: 'x' })).id);
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (isApi) {
    const token = bearer[credential];
    if (token) headers.authorization = `Bearer ${token}`;
    const json = (body: unknown) => {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    };
    if (route === 'POST /api/destinations') json({ ...DESTINATION, organization: 'org-a' });
    if (route === 'POST /api/exports')
      json({
        destinationId: destinationA,
        logType: 'audit',
        format: 'json',
        folder: `x-${randomBytes(4).toString('hex')}`,
      });
    if (route === 'PATCH /api/exports/:id') json({ enabled: true });
    if (route === 'POST /api/exports/:id/preview') json({ limit: 3 });
    if (route === 'POST /api/exports/:id/runs') json({ window: '2026-01-01' });
    if (route === 'POST /api/tokens') json({ kind: 'ops', name: 'made-in-matrix' });
    if (route === 'POST /api/logs/client' || route === 'POST /api/logs/audit') {
      headers['content-type'] = 'application/x-ndjson';
      const window = { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' };
      const [record] = [...generateClientLogs({ seed: 1, organization: 'org-a', window, count: 1 })];
      payload = route.endsWith('client')
        ? JSON.stringify(record)
        : JSON.stringify({
            organization: 'org-a',
            actor: 'someone',
            actor_kind: 'user',
            event: 'matrix.test',
            event_at: '2026-01-01T10:00:00.000000+00:00',
            uuid: randomBytes(16)
              .toString('hex')
              .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
          });
    }
  } else {
    const session = sessions[credential];
    if (session) headers.cookie = `${SESSION_COOKIE}=${session}`;
    if (method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const form = new URLSearchParams({ _csrf: session ? csrfToken(TOKEN, session) : '' });
      if (route === 'POST /destinations')
        for (const [k, v] of Object.entries({ ...DESTINATION, organization: 'org-a' })) form.set(k, v);
      if (route === 'POST /exports') {
        form.set('destinationId', destinationA);
        form.set('logType', 'audit');
        form.set('format', 'csv');
        form.set('folder', `p-${randomBytes(4).toString('hex')}`);
      }
      if (route === 'POST /exports/:id/run') form.set('window', '2026-01-01');
      if (route === 'POST /tokens') {
        form.set('kind', 'customer');
        form.set('name', 'page-made');
        form.set('organization', 'org-a');
      }
      if (route === 'POST /exports/:id/backfill') {
        form.set('from', '2026-01-01');
        form.set('to', '2026-01-02');
      }
      if (route === 'POST /exports/:id/edit') {
        form.set('format', 'json');
        form.set('folder', 'c');
        form.set('enabled', '1');
      }
      payload = form.toString();
    }
  }
  return { method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) };
}

function observed(response: { statusCode: number; headers: Record<string, unknown> }): number | 'login' {
  const location = String(response.headers.location ?? '');
  return response.statusCode === 303 && location.startsWith('/login?next=') ? 'login' : response.statusCode;
}

describe('route × credential', () => {
  it('has a row for every registered route and every route of the OpenAPI document, and no row for a route that is gone', () => {
    const registered = routes();
    expect(registered.filter((r) => !(r in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((r) => !registered.includes(r))).toEqual([]);
    const document = JSON.parse(readFileSync(join(__dirname, '../../../docs/openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThanOrEqual(20);
    expect(documented.filter((r) => !(r in TABLE))).toEqual([]);
  });

  it('answers each cell as the table says', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const route of routes()) {
      const expected = TABLE[route]!;
      for (const [i, credential] of CREDENTIALS.entries()) {
        const response = await admin.app.inject(await requestFor(route, credential));
        const got = observed(response);
        cells++;
        if (got !== expected[i])
          mismatches.push(
            `${route} as ${credential}: ${got}, expected ${expected[i]} (${response.body.slice(0, 160)})`,
          );
        // A refusal shows nothing of A's resources; B gets no representation of them (errors echo only what B sent).
        if (got === 401 || got === 'login')
          expect(response.body).not.toMatch(new RegExp(`${destinationA}|${exportA}|externalId|org-a`));
        if (credential === 'other' && (got === 404 || got === 403 || got === 400))
          expect(response.body).not.toMatch(new RegExp(`${externalIdA}|"organization":"org-a"|<td>org-a</td>`));
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(routes().length * CREDENTIALS.length);
  }, 120_000);

  it('lists only the caller organisation for a customer, and everything for ops', async () => {
    const as = (credential: Credential, url: string) =>
      admin.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer[credential]}` } });
    const organizations = async (credential: Credential, url: string) =>
      [
        ...new Set(((await as(credential, url)).json() as { organization: string }[]).map((r) => r.organization)),
      ].sort();
    expect(await organizations('ops', '/api/destinations')).toEqual(['org-a', 'org-b']);
    expect(await organizations('own', '/api/destinations')).toEqual(['org-a']);
    expect(await organizations('other', '/api/destinations')).toEqual(['org-b']);
    expect(await organizations('own', '/api/exports')).toEqual(['org-a']);
    expect(await organizations('other', '/api/exports')).toEqual([]);
    // naming the other organisation in the query returns nothing rather than an error
    expect((await as('other', '/api/destinations?organization=org-a')).json()).toEqual([]);
    const page = await admin.app.inject({
      method: 'GET',
      url: '/',
      headers: { cookie: `${SESSION_COOKIE}=${sessions.other}` },
    });
    expect(page.body).not.toContain(destinationA);
    expect(page.body).toContain('org-b');
  });
});
