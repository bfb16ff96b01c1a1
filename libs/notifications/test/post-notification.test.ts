// One POST against a real HTTP server on loopback: signed, pinned to the checked address, and
// each kind of failure classified as worth retrying or not. Names are resolved by a stand-in
// resolver (there is no DNS server here); the policy check on its answers is what is tested.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotificationDeliveryError, postNotification, signBody, verifySignature } from '../src';

const SECRET = 'whsec_test-secret';
let server: Server;
let port: number;
const seen: { url: string; headers: Record<string, unknown>; body: string }[] = [];
let answer: { status: number; delayMs?: number; location?: string } = { status: 200 };
const delayed = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ url: request.url ?? '', headers: request.headers, body });
      const { status, location, delayMs = 0 } = answer;
      const timer = setTimeout(() => {
        delayed.delete(timer);
        response.statusCode = status;
        if (location) response.setHeader('location', location);
        response.end(`answer ${status}`);
      }, delayMs);
      delayed.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const timer of delayed) clearTimeout(timer);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const local = { allowLoopback: true, timeoutMs: 2_000 };

async function failure(promise: Promise<unknown>): Promise<NotificationDeliveryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(NotificationDeliveryError);
    return err as NotificationDeliveryError;
  }
  throw new Error('the POST succeeded');
}

it('POSTs the body with its signature and ID, and resolves to the 2xx status', async () => {
  answer = { status: 204 };
  const body = JSON.stringify({ text: 'hello' });
  expect(await postNotification(`http://127.0.0.1:${port}/hook?x=1`, body, SECRET, 'ntf_1', local)).toEqual({
    status: 204,
  });
  const last = seen.at(-1)!;
  expect(last).toMatchObject({ url: '/hook?x=1', body });
  expect(last.headers['x-log-exporter-notification']).toBe('ntf_1');
  expect(last.headers['x-log-exporter-signature']).toBe(signBody(SECRET, body));
  expect(verifySignature(SECRET, body, last.headers['x-log-exporter-signature'] as string)).toBe(true);
  expect(verifySignature('whsec_other', body, last.headers['x-log-exporter-signature'] as string)).toBe(false);
  expect(verifySignature(SECRET, body, undefined)).toBe(false);
});

it('connects to the address it checked, not to what the name resolves to later', async () => {
  answer = { status: 200 };
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    return [{ address: '127.0.0.1', family: 4 }];
  };
  await postNotification(`http://localhost:${port}/pinned`, '{}', SECRET, 'ntf_2', { ...local, resolve });
  expect(asked).toEqual(['localhost']);
  expect(seen.at(-1)!.url).toBe('/pinned');
  expect(seen.at(-1)!.headers.host).toBe(`localhost:${port}`);
});

it('refuses, without retrying, a name any of whose addresses is private or link-local', async () => {
  for (const addresses of [['10.0.0.5'], ['93.184.216.34', '169.254.169.254'], ['127.0.0.1']]) {
    const resolve = async () => addresses.map((address) => ({ address, family: 4 }));
    const err = await failure(
      postNotification('https://hooks.example.com/x', '{}', SECRET, 'ntf_3', {
        allowLoopback: false,
        timeoutMs: 1_000,
        resolve,
      }),
    );
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/hooks\.example\.com resolves to .* not notified/);
  }
});

it.each([
  [500, true],
  [503, true],
  [429, true],
  [408, true],
  [404, false],
  [401, false],
  [400, false],
])('classifies an answer of %i as retryable: %s', async (status, retryable) => {
  answer = { status };
  const err = await failure(postNotification(`http://127.0.0.1:${port}/`, '{}', SECRET, 'ntf_4', local));
  expect(err).toMatchObject({ retryable, responseStatus: status });
  expect(err.message).toContain(`answered ${status}: answer ${status}`);
});

it('does not follow a redirect', async () => {
  answer = { status: 302, location: 'http://169.254.169.254/' };
  const before = seen.length;
  const err = await failure(postNotification(`http://127.0.0.1:${port}/`, '{}', SECRET, 'ntf_5', local));
  expect(err).toMatchObject({ retryable: false, responseStatus: 302 });
  expect(err.message).toMatch(/redirects are not followed/);
  expect(seen.length).toBe(before + 1);
});

it('gives up on a receiver that does not answer in time, to retry later', async () => {
  answer = { status: 200, delayMs: 1_500 };
  const err = await failure(
    postNotification(`http://127.0.0.1:${port}/`, '{}', SECRET, 'ntf_6', { ...local, timeoutMs: 300 }),
  );
  expect(err.retryable).toBe(true);
  expect(err.message).toMatch(/no answer within 300 ms/);
});

it('retries a receiver that is not listening', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const gone = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const err = await failure(postNotification(`http://127.0.0.1:${gone}/`, '{}', SECRET, 'ntf_7', local));
  expect(err.retryable).toBe(true);
  expect(err.message).toMatch(/could not reach the receiver/);
});
