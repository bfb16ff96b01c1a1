// Jest globalSetup for projects whose tests need Temporal: reuses the dev server TEMPORAL_ADDRESS
// points at (as under `npm test`), or starts a headless one for this run (`npx nx test <project>`).
import { ensurePythonTools } from '../python-tools';
import { freePort } from '../ports';
import { type TemporalDevServer, startTemporalDevServer } from '../temporal-dev-server';

const KEY = '__logExporterTemporalDevServer';

export async function startTemporalForJest(): Promise<void> {
  ensurePythonTools();
  if (process.env.TEMPORAL_ADDRESS) return;
  const server = await startTemporalDevServer({ port: await freePort() });
  process.env.TEMPORAL_ADDRESS = server.address;
  (globalThis as Record<string, unknown>)[KEY] = server;
}

export async function stopTemporalForJest(): Promise<void> {
  const server = (globalThis as Record<string, unknown>)[KEY] as TemporalDevServer | undefined;
  if (server) await server.stop();
}

export default startTemporalForJest;
