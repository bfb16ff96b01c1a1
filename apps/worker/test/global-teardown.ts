import { rmSync } from 'node:fs';
import type { TemporalDevServer } from '@log-exporter/local-stack';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __temporalDevServer?: TemporalDevServer }).__temporalDevServer;
  if (server) await server.stop();
  if (process.env.TEST_WORKFLOW_BUNDLE) rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
}
