// A loopback HTTP proxy in front of the S3/STS emulator that injects the faults AWS produces in
// production: error statuses (503 SlowDown, 500, STS throttling), connection resets, and latency.
// Requests pass through unchanged (Host header included, so SigV4 signatures still verify).
import { type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  /** The request body (STS and IAM put their action there). */
  body: Buffer;
}

export type Fault =
  { kind: 'status'; status: number; body: string } | { kind: 'reset' } | { kind: 'delay'; ms: number };

export interface FaultRule {
  name: string;
  match: (request: ProxiedRequest) => boolean;
  /** How many matching requests get the fault; later ones pass through. */
  times: number;
  fault: Fault;
}

export interface FaultProxy {
  endpoint: string;
  addRule(rule: FaultRule): void;
  clearRules(): void;
  /** Requests seen, with the fault each got (if any). */
  log: { method: string; url: string; headers: IncomingMessage['headers']; fault?: string }[];
  /** How many times each rule has fired. */
  fired(name: string): number;
  stop(): Promise<void>;
}

/** S3's error document. */
export function s3Error(status: number, code: string, message: string): Fault {
  return {
    kind: 'status',
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULT</RequestId></Error>`,
  };
}

/** STS's (query protocol) error document. */
export function stsError(status: number, code: string, message: string): Fault {
  return {
    kind: 'status',
    status,
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>FAULT</RequestId></ErrorResponse>`,
  };
}

/** Matchers for the requests a window makes. */
export const requestIs = {
  uploadPart: (r: ProxiedRequest) => r.method === 'PUT' && /[?&]partNumber=/.test(r.url),
  putObject: (r: ProxiedRequest) => r.method === 'PUT' && !/[?&]partNumber=/.test(r.url),
  putManifest: (r: ProxiedRequest) => r.method === 'PUT' && /_manifest_/.test(r.url),
  completeMultipart: (r: ProxiedRequest) => r.method === 'POST' && /[?&]uploadId=/.test(r.url),
  createMultipart: (r: ProxiedRequest) => r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.url),
  assumeRole: (r: ProxiedRequest) => r.method === 'POST' && r.body.toString('utf8').includes('Action=AssumeRole'),
};

export interface FaultProxyOptions {
  /**
   * Decides about a request before the rules, asynchronously: a fault to answer with, or
   * undefined to go on (rules, then upstream). The STS stand-in uses it to enforce trust policies.
   */
  intercept?: (request: ProxiedRequest) => Promise<Fault | undefined>;
}

export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: (FaultRule & { count: number })[] = [];
  const counts = new Map<string, number>();
  const log: FaultProxy['log'] = [];

  const forward = (request: ProxiedRequest, response: ServerResponse) => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    outgoing.on('error', () => response.destroy());
    outgoing.end(request.body);
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const request: ProxiedRequest = {
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      const intercepted = options.intercept
        ? await options
            .intercept(request)
            .catch((err: unknown): Fault => ({ kind: 'status', status: 502, body: `intercept failed: ${String(err)}` }))
        : undefined;
      if (intercepted?.kind === 'status') {
        log.push({ method: request.method, url: request.url, headers: request.headers, fault: 'intercepted' });
        response.writeHead(intercepted.status, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(intercepted.body),
        });
        response.end(intercepted.body);
        return;
      }
      const rule = rules.find((r) => r.count < r.times && r.match(request));
      log.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(rule ? { fault: rule.name } : {}),
      });
      if (!rule) return forward(request, response);
      rule.count++;
      counts.set(rule.name, (counts.get(rule.name) ?? 0) + 1);
      const fault = rule.fault;
      switch (fault.kind) {
        case 'status':
          response.writeHead(fault.status, {
            'content-type': 'application/xml',
            'content-length': Buffer.byteLength(fault.body),
          });
          response.end(fault.body);
          return;
        case 'reset':
          incoming.socket.destroy();
          return;
        case 'delay':
          setTimeout(() => {
            if (!incoming.socket.destroyed) forward(request, response);
          }, fault.ms);
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    addRule: (rule) => rules.push({ ...rule, count: 0 }),
    clearRules: () => void rules.splice(0),
    log,
    fired: (name) => counts.get(name) ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
