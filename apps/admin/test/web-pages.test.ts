// The web pages' guards and forms through the HTTP stack: login with the admin token, an HttpOnly
// SameSite cookie, CSRF tokens on every form, escaping of everything shown, field errors.
import type { MotoServer } from '@log-exporter/local-stack';
import { generateClientLogs } from '@log-exporter/testing';
import { rmSync } from 'node:fs';
import { type AdminHarness, DESTINATION, TOKEN, VERIFY_BUNDLE_TEXT, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let admin: AdminHarness;
let cookie: string;

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
  const login = await admin.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${TOKEN}&next=%2F`,
  });
  cookie = String(login.headers['set-cookie']).split(';')[0] as string;
});

afterAll(async () => {
  await admin?.close();
  await moto?.stop();
});

const get = (url: string, headers: Record<string, string> = { cookie }) =>
  admin.app.inject({ method: 'GET', url, headers });
const post = (url: string, form: Record<string, string | string[]>, headers: Record<string, string> = { cookie }) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return admin.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
};

async function csrfOf(url: string): Promise<string> {
  const match = /name="_csrf" value="([^"]+)"/.exec((await get(url)).body);
  expect(match).not.toBeNull();
  return match![1]!;
}

describe('login', () => {
  it('sends visitors without a session to the login page', async () => {
    const response = await get('/exports/new', {});
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fexports%2Fnew');
    expect((await get('/login', {})).body).toContain('Access token');
  });

  it('refuses a wrong token and sets an HttpOnly, SameSite=Strict session cookie for the right one', async () => {
    const wrong = await post('/login', { token: 'wrong-token-wrong-token' }, {});
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That token is not valid');
    const right = await post('/login', { token: TOKEN, next: '/destinations/new' }, {});
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/destinations/new');
    const setCookie = String(right.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(TOKEN);
  });

  it('does not redirect off-site after login, and refuses a forged session cookie', async () => {
    const offsite = await post('/login', { token: TOKEN, next: '//evil.example.com/' }, {});
    expect(offsite.headers.location).toBe('/');
    const forged = await get('/', {
      cookie: 'log_exporter_session=1700000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(forged.statusCode).toBe(303);
  });

  it('sends a strict content security policy', async () => {
    const response = await get('/');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-frame-options']).toBe('DENY');
  });
});

describe('forms', () => {
  it('refuses a form without the CSRF token', async () => {
    const response = await post('/destinations', { ...DESTINATION });
    expect(response.statusCode).toBe(403);
    expect(await admin.store.destinations.list()).toHaveLength(0);
  });

  it('shows each invalid field next to its input, keeping what was typed', async () => {
    const _csrf = await csrfOf('/destinations/new');
    const response = await post('/destinations', { ...DESTINATION, bucket: 'Not_A_Bucket', awsAccountId: '12', _csrf });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('bucket name &quot;Not_A_Bucket&quot; may contain only lowercase letters');
    expect(response.body).toContain('expected a 12-digit AWS account ID');
    expect(response.body).toContain('value="Not_A_Bucket"');
  });

  it('creates a destination and shows the hand-over: External ID, role ARN, both policies, steps, verify', async () => {
    const _csrf = await csrfOf('/destinations/new');
    const created = await post('/destinations', { ...DESTINATION, _csrf });
    expect(created.statusCode).toBe(303);
    const [destination] = await admin.store.destinations.list();
    expect(created.headers.location).toBe(`/destinations/${destination!.id}`);
    const page = (await get(created.headers.location as string)).body;
    expect(page).toContain(destination!.externalId);
    expect(page).toContain('arn:aws:iam::995557609558:role/CloudsmithLogsWriter');
    expect(page).toContain('&quot;arn:aws:s3:::cloudsmith-acmecorp-logs/cloudsmith-logs/*&quot;');
    expect(page).toContain('&quot;arn:aws:iam::123456789012:root&quot;');
    expect(page).toContain('data-copy="trust-policy"');
    expect(page).toContain('Require external ID');
    expect(page).toContain(`action="/destinations/${destination!.id}/verify"`);
  });

  it('creates an export from the form and escapes whatever it shows', async () => {
    const [destination] = await admin.store.destinations.list();
    const _csrf = await csrfOf(`/exports/new?destinationId=${destination!.id}`);
    const created = await post('/exports', {
      destinationId: destination!.id,
      logType: 'client',
      format: 'csv',
      folder: 'client-logs',
      repositories: 'prod-rpm, npm-internal',
      exclude: ['ip', 'geo'],
      compression: 'gzip',
      cadence: 'daily',
      _csrf,
    });
    expect(created.statusCode).toBe(303);
    const id = (created.headers.location as string).split('/').pop()!;
    expect(await admin.store.exports.get(id)).toMatchObject({
      repositories: ['npm-internal', 'prod-rpm'],
      exclude: ['geo', 'ip'],
    });
    const window = { start: '2026-11-19T00:00:00Z', end: '2026-11-20T00:00:00Z' };
    await admin.store.runs.markFinished({
      exportId: id,
      window,
      workflowId: 'wf',
      status: 'failed',
      objects: [],
      manifestKey: null,
      error: { type: 'WriteDenied', message: '<script>alert("x")</script>' },
    });
    const page = (await get(`/exports/${id}`)).body;
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('answers 404 pages for unknown destinations and exports', async () => {
    expect((await get('/destinations/dst_aaaaaaaaaaaaaaaa')).statusCode).toBe(404);
    expect((await get('/exports/exp_aaaaaaaaaaaaaaaa')).statusCode).toBe(404);
    expect((await get('/exports/../../etc/passwd')).statusCode).toBe(404);
  });
});

describe('downloads', () => {
  it('serves verify.mjs to a logged-in user as an attachment, and says how to build it when it is missing', async () => {
    const destination = (
      await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'downloads' })
    ).json();
    const page = (await get(`/destinations/${destination.id}`)).body;
    expect(page).toContain('href="/downloads/verify.mjs"');
    const file = await get('/downloads/verify.mjs');
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe(VERIFY_BUNDLE_TEXT);
    expect(file.headers['content-disposition']).toBe('attachment; filename="verify.mjs"');
    expect(file.headers['content-type']).toMatch(/^text\/javascript/);
    rmSync(admin.deps.settings.verifyBundlePath!);
    const missing = await get('/downloads/verify.mjs');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('npm run build');
  });
});

describe('access tokens page', () => {
  it('issues a customer token shown once, which then logs in to its organisation only, until revoked', async () => {
    const _csrf = await csrfOf('/tokens');
    const issued = await post('/tokens', { kind: 'customer', name: 'pages-co-ci', organization: 'pagesco', _csrf });
    expect(issued.statusCode).toBe(201);
    const token = /<pre id="issued-token">([^<]+)<\/pre>/.exec(issued.body)?.[1];
    expect(token).toMatch(/^tok_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/);
    const listing = (await get('/tokens')).body;
    expect(listing).toContain('pages-co-ci');
    expect(listing).not.toContain(token!.split('.')[1]);

    const login = await post('/login', { token: token!, next: '/' }, {});
    expect(login.statusCode).toBe(303);
    const customerCookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const home = await get('/', { cookie: customerCookie });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Exports of pagesco');
    expect(home.body).not.toContain('href="/tokens"');
    expect((await get('/tokens', { cookie: customerCookie })).statusCode).toBe(403);

    const id = token!.split('.')[0]!;
    const revoke = await post(`/tokens/${id}/revoke`, { _csrf: await csrfOf('/tokens') });
    expect(revoke.statusCode).toBe(303);
    const after = await get('/', { cookie: customerCookie });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2F');
  });

  it('names the bad field of a token request and issues nothing', async () => {
    const before = (await admin.store.accessTokens.list()).length;
    const refused = await post('/tokens', { kind: 'customer', name: 'no-org', _csrf: await csrfOf('/tokens') });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('a customer token needs its organisation');
    expect(refused.body).toContain('value="no-org"');
    expect((await admin.store.accessTokens.list()).length).toBe(before);
  });
});

describe('preview on the pages', () => {
  it('shows the first lines on the export page and in the new-export form, creating and writing nothing', async () => {
    const destination = (
      await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'pagepreview' })
    ).json();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const window = {
      start: `${yesterday}T00:00:00Z`,
      end: new Date(Date.parse(`${yesterday}T00:00:00Z`) + 86_400_000).toISOString(),
    };
    const records = [...generateClientLogs({ seed: 5, organization: 'pagepreview', window, count: 20 })];
    await admin.store.logs.insertClientLogs(records);
    const created = (
      await admin.api('POST', '/api/exports', {
        destinationId: destination.id,
        logType: 'client',
        format: 'csv',
        folder: 'pp',
      })
    ).json();

    const onPage = await post(`/exports/${created.id}/preview`, {
      window: '',
      _csrf: await csrfOf(`/exports/${created.id}`),
    });
    expect(onPage.statusCode).toBe(200);
    const shown = /<pre id="preview-lines">([\s\S]*?)<\/pre>/.exec(onPage.body)?.[1] ?? '';
    expect(shown.split('\n')[0]).toMatch(/^datetime,/);
    expect(shown.split('\n')).toHaveLength(11);

    const before = (await admin.store.exports.list()).length;
    const inForm = await post('/exports', {
      destinationId: destination.id,
      logType: 'client',
      format: 'json',
      folder: 'not-created',
      preview: '1',
      _csrf: await csrfOf('/exports/new'),
    });
    expect(inForm.statusCode).toBe(200);
    expect(inForm.body).toContain('id="preview-lines"');
    expect(inForm.body).toContain('value="not-created"');
    expect((await admin.store.exports.list()).length).toBe(before);
  });
});
