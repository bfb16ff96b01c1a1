// One POST of one notification. The host's addresses are resolved here, each checked against the
// address policy, and the connection pinned to the checked one (the `lookup` option), so what was
// checked is what is reached. Redirects are not followed: a redirect could lead anywhere.
// Node's own http/https clients: the request is one small POST, and they take a `lookup` hook;
// fetch does not (without a dispatcher of undici's own).
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { NOTIFICATION_ID_HEADER, NOTIFICATION_SIGNATURE_HEADER } from '@log-exporter/schemas';
import { signBody } from './signature';
import { type WebhookAddressPolicy, addressProblem, hostOf, webhookUrlProblem } from './webhook-address';

/** A POST that did not succeed; `retryable` says whether trying again later can help. */
export class NotificationDeliveryError extends Error {
  override readonly name = 'NotificationDeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly responseStatus: number | null = null,
  ) {
    super(message);
  }
}

/** Resolves a host name to its addresses (Node's resolver by default; tests give their own). */
export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export interface PostOptions extends WebhookAddressPolicy {
  timeoutMs: number;
  resolve?: Resolve;
}

const systemResolve: Resolve = (host) => lookup(host, { all: true });

/** Statuses worth retrying: the receiver is down, busy or slow. Other 4xx will not change. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The first address of the host that the policy allows; refuses if any of them is not allowed. */
async function checkedAddress(
  host: string,
  policy: WebhookAddressPolicy,
  resolve: Resolve,
): Promise<{ address: string; family: 4 | 6 }> {
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      throw new NotificationDeliveryError(`could not resolve ${host}: ${(err as Error).message}`, true);
    }
  }
  for (const { address } of addresses) {
    const problem = addressProblem(address, policy);
    // Every answer must be allowed: a name with one public and one private address is refused.
    if (problem) throw new NotificationDeliveryError(`${host} resolves to ${problem}: not notified`, false);
  }
  const [first] = addresses;
  if (!first) throw new NotificationDeliveryError(`${host} has no address`, true);
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** POSTs the body, signed, to the URL; resolves to the receiver's 2xx status, else throws. */
export async function postNotification(
  target: string,
  body: string,
  secret: string,
  notificationId: string,
  options: PostOptions,
): Promise<{ status: number }> {
  const problem = webhookUrlProblem(target, options);
  if (problem) throw new NotificationDeliveryError(`notify URL refused: ${problem}`, false);
  const url = new URL(target);
  const pinned = await checkedAddress(hostOf(url), options, options.resolve ?? systemResolve);
  const pinnedLookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: pinnedLookup,
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'log-exporter-notifications/1',
          [NOTIFICATION_SIGNATURE_HEADER]: signBody(secret, body),
          [NOTIFICATION_ID_HEADER]: notificationId,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < 300) text += chunk;
        });
        response.on('error', (err) => reject(new NotificationDeliveryError(err.message, true, status)));
        response.on('end', () => {
          if (status >= 200 && status < 300) return resolve({ status });
          const said = text.trim().slice(0, 200);
          const message =
            status >= 300 && status < 400
              ? `the receiver redirected (${status}); redirects are not followed: set the final URL`
              : `the receiver answered ${status}${said ? `: ${said}` : ''}`;
          reject(new NotificationDeliveryError(message, retryableStatus(status), status));
        });
      },
    );
    request.on('error', (err) => {
      const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
      reject(
        new NotificationDeliveryError(
          timedOut ? `no answer within ${options.timeoutMs} ms` : `could not reach the receiver: ${err.message}`,
          true,
        ),
      );
    });
    request.end(body);
  });
}
