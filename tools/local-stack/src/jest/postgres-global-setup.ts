// Jest globalSetup for projects whose tests run on PostgreSQL too: reuses the server that
// TEST_POSTGRES_URL points at (as under `npm test`), or starts one for this run.
import { freePort } from '../ports';
import { type PostgresServer, startPostgresServer } from '../postgres-server';

const KEY = '__logExporterPostgresServer';

export async function startPostgresForJest(): Promise<void> {
  if (process.env.TEST_POSTGRES_URL) return;
  const server = await startPostgresServer({ port: await freePort() });
  process.env.TEST_POSTGRES_URL = server.url();
  (globalThis as Record<string, unknown>)[KEY] = server;
}

export async function stopPostgresForJest(): Promise<void> {
  const server = (globalThis as Record<string, unknown>)[KEY] as PostgresServer | undefined;
  if (server) await server.stop();
}

export default startPostgresForJest;
