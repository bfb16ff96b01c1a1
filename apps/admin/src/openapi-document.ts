// The committed OpenAPI document (docs/openapi.json): the admin server built with inert
// dependencies (registering routes calls none of them), asked for its document.
import pino from 'pino';
import type { AdminDeps } from './admin-deps';
import { ADMIN_VERSION, buildAdminServer } from './admin-server';
import { openApiText } from './http/openapi';

function unused(what: string): never {
  throw new Error(`${what} is not available while generating the OpenAPI document`);
}

export async function renderOpenApiDocument(): Promise<string> {
  const inert = new Proxy({}, { get: (_target, name) => () => unused(String(name)) });
  const deps = {
    store: inert,
    temporal: inert,
    credentials: inert,
    logger: pino({ level: 'silent' }),
    settings: {
      adminToken: 'openapi-document-generation',
      exporterAccountId: '000000000000',
      failingAfter: 3,
      maxBackfillWindows: 1,
      ingestBodyLimit: 1,
      manifestPublicKeys: [],
      version: ADMIN_VERSION,
      lateHorizonMs: 1,
      settleDelayMs: 0,
      logRetentionMs: 1,
    },
  } as unknown as AdminDeps;
  const app = await buildAdminServer(deps);
  try {
    return openApiText(app);
  } finally {
    await app.close();
  }
}
