// The S3/STS/IAM emulator: moto in server mode on loopback. One endpoint serves every service.
import { join } from 'node:path';
import { type Service, startService, waitUntil } from './child-process';
import { DATA_DIR, MOTO_BIN } from './paths';

export interface MotoServer {
  endpoint: string;
  port: number;
  service: Service;
  /** Forgets every bucket, role and user. */
  reset(): Promise<void>;
  /** Makes moto check credentials and IAM policies on every request from now on. */
  enforceIam(): Promise<void>;
  /** Stops checking credentials and policies. */
  relaxIam(): Promise<void>;
  stop(): Promise<void>;
}

async function post(url: string, body?: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'text/plain' } }),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}

export async function startMotoServer(options: { port: number; logFile?: string }): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const service = startService('moto S3/STS/IAM emulator', MOTO_BIN, ['-H', '127.0.0.1', '-p', String(options.port)], {
    logFile: options.logFile ?? join(DATA_DIR, 'logs', `moto-${options.port}.log`),
    env: { ...process.env, MOTO_PORT: String(options.port) },
  });
  await waitUntil(
    service,
    `answering on ${endpoint}`,
    async () => (await fetch(`${endpoint}/moto-api/data.json`)).ok,
    60_000,
  );
  return {
    endpoint,
    port: options.port,
    service,
    reset: () => post(`${endpoint}/moto-api/reset`),
    // The body is how many more requests may pass unauthenticated: 0 enforces at once, inf never.
    enforceIam: () => post(`${endpoint}/moto-api/reset-auth`, '0'),
    relaxIam: () => post(`${endpoint}/moto-api/reset-auth`, 'inf'),
    stop: () => service.stop(),
  };
}
