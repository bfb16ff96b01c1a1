// Walks every route the server registered (API, pages, static files, whatever is added later) and
// asserts that each one refuses a request without a valid token or session, except the few that
// must be public, which are named here: a new public route fails this test until it is added.
import type { MotoServer } from '@log-exporter/local-stack';
import { SESSION_COOKIE } from '../src/web/web-session';
import { type AdminHarness, startAdmin, startMoto } from './harness';

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

/** Public on purpose: probes, metrics, the login form (and its refusal), logging out, the page assets. */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /livez',
  'GET /readyz',
  'GET /metrics',
  'GET /login',
  'POST /login',
  'POST /logout',
  'GET /static/admin.js',
  'GET /static/admin.css',
]);

function concrete(url: string): string {
  return url
    .replace(/\/destinations\/:id/, '/destinations/dst_aaaaaaaaaaaaaaaa')
    .replace(/\/exports\/:id/, '/exports/exp_aaaaaaaaaaaaaaaa')
    .replace(/:[A-Za-z]+/g, 'x');
}

const NO_CREDENTIALS: Record<string, string>[] = [
  {},
  { authorization: 'Bearer wrong-token-wrong-token-1234' },
  { cookie: `${SESSION_COOKIE}=${Date.now()}.forged-signature` },
];

describe('every registered route', () => {
  const routes = () => admin.app.registeredRoutes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');

  it('finds the whole surface: API routes, pages and assets', () => {
    const seen = routes().map((r) => `${r.method} ${r.url}`);
    expect(seen.length).toBeGreaterThanOrEqual(30);
    for (const expected of [
      'GET /api/exports',
      'POST /api/logs/client',
      'GET /api/manifest-keys',
      'GET /',
      'POST /exports/:id/run',
    ])
      expect(seen).toContain(expected);
  });

  it('refuses each non-public route without a valid token or session', async () => {
    const checked: string[] = [];
    for (const route of routes()) {
      const name = `${route.method} ${route.url}`;
      if (PUBLIC.has(name)) continue;
      for (const headers of NO_CREDENTIALS) {
        const response = await admin.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: { ...headers, ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
          ...(route.method === 'POST' || route.method === 'PATCH' ? { payload: '{}' } : {}),
        });
        const refused =
          response.statusCode === 401 ||
          (route.method === 'GET' &&
            !route.url.startsWith('/api') &&
            response.statusCode === 303 &&
            String(response.headers.location).startsWith('/login?next='));
        if (!refused) throw new Error(`${name} answered ${response.statusCode} to ${JSON.stringify(headers)}`);
        // nothing of the data leaks in a refusal
        expect(response.body).not.toMatch(/exp_|dst_|externalId/);
      }
      checked.push(name);
    }
    expect(checked.length).toBe(routes().length - routes().filter((r) => PUBLIC.has(`${r.method} ${r.url}`)).length);
    expect(checked.length).toBeGreaterThanOrEqual(24);
  });

  it('keeps the public routes harmless: login refuses a wrong token, assets carry no data', async () => {
    const wrong = await admin.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=not-the-token-at-all&next=%2F',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    for (const url of ['/static/admin.js', '/static/admin.css', '/login']) {
      const response = await admin.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toMatch(/exp_|dst_|test-admin-token/);
    }
    // every public route is still registered (the allow-list does not hide a typo)
    const registered = new Set(routes().map((r) => `${r.method} ${r.url}`));
    for (const name of PUBLIC) expect(registered).toContain(name);
  });
});
