// The worker's HTTP endpoint: Prometheus text at /metrics (ours, plus the Temporal SDK's own,
// which its Rust core serves on a loopback port of its own and we append), /livez, /readyz and
// /healthz (an alias of /readyz). Plain node:http: four routes do not need a framework.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { type ReadinessChecks, checkReadiness } from './probes';

export interface TelemetryServerOptions {
  host: string;
  port: number;
  registry: Registry;
  readiness: ReadinessChecks;
  /** Another Prometheus endpoint whose text is appended (the Temporal SDK's). */
  appendMetricsFrom?: string;
}

export interface TelemetryServer {
  url: string;
  close(): Promise<void>;
}

export async function startTelemetryServer(options: TelemetryServerOptions): Promise<TelemetryServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'GET only\n');
    if (path === '/livez') return send(200, 'application/json', JSON.stringify({ ok: true }));
    if (path === '/readyz' || path === '/healthz') {
      void checkReadiness(options.readiness).then((readiness) =>
        send(readiness.ok ? 200 : 503, 'application/json', JSON.stringify(readiness)),
      );
      return;
    }
    if (path === '/metrics') {
      void metricsText(options).then(
        (text) => send(200, options.registry.contentType, text),
        (err: unknown) => send(500, 'text/plain', `metrics: ${(err as Error).message}\n`),
      );
      return;
    }
    send(404, 'text/plain', 'not found: /metrics, /livez, /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function metricsText(options: TelemetryServerOptions): Promise<string> {
  const ours = await options.registry.metrics();
  if (!options.appendMetricsFrom) return ours;
  try {
    const response = await fetch(options.appendMetricsFrom, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`status ${response.status}`);
    return `${ours}\n${await response.text()}`;
  } catch (err) {
    // Ours stay scrapeable when the SDK's endpoint does not answer; the gap is visible.
    return `${ours}\n# Temporal SDK metrics unavailable: ${(err as Error).message}\n`;
  }
}
