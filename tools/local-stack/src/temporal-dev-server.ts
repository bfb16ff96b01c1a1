// A Temporal dev server (`temporal server start-dev`): SQLite-backed, with the Web UI, and our
// search attributes registered at start.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTES } from '@log-exporter/schemas';
import { type Service, startService, waitUntil } from './child-process';
import { DATA_DIR, TEMPORAL_BIN } from './paths';

export interface TemporalDevServerOptions {
  port: number;
  /** Web UI port; no UI when omitted. */
  uiPort?: number;
  /** SQLite file for the server's state; in memory when omitted. */
  dbFile?: string;
  logFile?: string;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  service: Service;
  stop(): Promise<void>;
}

function clusterHealthy(address: string): Promise<boolean> {
  return new Promise((resolveHealth) => {
    execFile(TEMPORAL_BIN, ['operator', 'cluster', 'health', '--address', address], { timeout: 5_000 }, (err, stdout) =>
      resolveHealth(!err && stdout.includes('SERVING')),
    );
  });
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const address = `127.0.0.1:${options.port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort !== undefined) {
    args.push('--ui-port', String(options.uiPort), '--ui-ip', '127.0.0.1', '--ui-disable-news-fetch');
  } else {
    args.push('--headless');
  }
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const attribute of Object.values(SEARCH_ATTRIBUTES)) {
    args.push('--search-attribute', `${attribute.name}=${attribute.type}`);
  }
  const service = startService('temporal dev server', TEMPORAL_BIN, args, {
    logFile: options.logFile ?? join(DATA_DIR, 'logs', `temporal-${options.port}.log`),
  });
  await waitUntil(service, `serving on ${address}`, () => clusterHealthy(address), 90_000);
  return {
    address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    service,
    stop: () => service.stop(),
  };
}
