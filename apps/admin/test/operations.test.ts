// What ops run the admin app with: probes with the Kubernetes contract (the database stopped:
// /readyz 503 and /livez still 200), Prometheus metrics by route, failed-token rate limits, and
// Secure session cookies behind a TLS-terminating proxy (TRUST_PROXY).
import { type MotoServer, freePort, startPostgresServer, type PostgresServer } from '@log-exporter/local-stack';
import { type AdminHarness, TOKEN, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let postgres: PostgresServer;
let admin: AdminHarness;

beforeAll(async () => {
  moto = await startMoto();
  postgres = await startPostgresServer({ port: await freePort() });
  admin = await startAdmin({
    moto,
    databaseUrl: await postgres.createDatabase('probes'),
    settings: { failedAuthPerMinute: 5 },
  });
});

afterAll(async () => {
  await admin?.close();
  await postgres?.stop();
  await moto?.stop();
});

const get = (url: string, headers: Record<string, string> = {}) => admin.app.inject({ method: 'GET', url, headers });

async function until(what: string, done: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not ${what} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('probes', () => {
  it('/readyz answers 503 while the database is stopped and 200 again after; /livez answers 200 throughout', async () => {
    expect((await get('/livez')).json()).toEqual({ ok: true });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      ok: true,
      database: { ok: true, message: 'postgres answers' },
      temporal: { ok: true, message: 'Temporal answers' },
    });
    expect((await get('/healthz')).json()).toEqual(ready.json());

    const outage = postgres.outage(6_000);
    let down: { statusCode: number; json(): unknown } | undefined;
    await until('503 during the outage', async () => {
      const response = await get('/readyz');
      if (response.statusCode === 503) down = response;
      return down !== undefined;
    });
    expect(down!.json()).toMatchObject({ ok: false, database: { ok: false }, temporal: { ok: true } });
    expect((await get('/healthz')).statusCode).toBe(503);
    const live = await get('/livez');
    expect(live.statusCode).toBe(200);
    await outage;
    await until('200 after the outage', async () => (await get('/readyz')).statusCode === 200);
  }, 60_000);
});

describe('metrics', () => {
  it('serves Prometheus text with requests and durations by route pattern, not by URL', async () => {
    await get('/livez');
    await get('/api/exports/exp_aaaaaaaaaaaaaaaa', { authorization: `Bearer ${TOKEN}` });
    const response = await get('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toMatch(
      /^log_exporter_admin_http_requests_total\{method="GET",route="\/livez",status_code="200"\} \d+$/m,
    );
    expect(text).toMatch(
      /^log_exporter_admin_http_requests_total\{method="GET",route="\/api\/exports\/:id",status_code="404"\} 1$/m,
    );
    expect(text).not.toContain('exp_aaaaaaaaaaaaaaaa');
    expect(text).toMatch(
      /^log_exporter_admin_http_request_duration_seconds_count\{method="GET",route="\/livez"\} \d+$/m,
    );
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});

describe('failed authentication', () => {
  it('locks an address out (429 with Retry-After) past the limit of wrong tokens; the right token still works', async () => {
    const from = (authorization: string) =>
      admin.app.inject({
        method: 'GET',
        url: '/api/exports',
        remoteAddress: '203.0.113.9',
        headers: { authorization },
      });
    const wrong = 'Bearer not-the-token-at-all-000';
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await from(wrong)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await from(wrong);
    expect(limited.statusCode).toBe(429);
    // Locked out for the lockout (15 minutes by default), not just the rest of the minute.
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await from(`Bearer ${TOKEN}`)).statusCode).toBe(200);
    // Another address is not affected.
    expect((await get('/api/exports', { authorization: wrong })).statusCode).toBe(401);
  });

  it('limits refused logins on the web form the same way', async () => {
    const login = () =>
      admin.app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: '198.51.100.7',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'token=wrong-wrong-wrong-wrong',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login()).statusCode);
    const limited = await login();
    statuses.push(limited.statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // The login page again, saying why, with when to retry.
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(limited.body).toContain('Too many failed attempts');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('behind a TLS-terminating proxy', () => {
  const login = (target: AdminHarness) =>
    target.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
      payload: `token=${TOKEN}&next=%2F`,
    });

  it('marks the session cookie Secure with TRUST_PROXY, and not without it (the header is not trusted)', async () => {
    const behindProxy = await startAdmin({ moto, settings: { trustProxy: true } });
    try {
      const cookie = String((await login(behindProxy)).headers['set-cookie']);
      expect(cookie).toMatch(/; Secure/);
    } finally {
      await behindProxy.close();
    }
    expect(String((await login(admin)).headers['set-cookie'])).not.toMatch(/Secure/);
  });
});
