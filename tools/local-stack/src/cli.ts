// Command line of the local stack:
//   bootstrap             install the pinned temporal CLI and moto into .tools/venv
//   chromium              install Debian's Chromium for the browser tests (apt, needs root)
//   up                    start Temporal (+ UI) and the S3/STS emulator until Ctrl-C
//   dev                   `up`, plus the worker and the admin app, until Ctrl-C
//   with-stack -- CMD …   run CMD with a fresh headless Temporal dev server and PostgreSQL, then stop them
// Ports come from TEMPORAL_PORT, TEMPORAL_UI_PORT and S3_EMULATOR_PORT when set.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Service, startService, waitUntil } from './child-process';
import { DATA_DIR, REPO_ROOT } from './paths';
import { freePort } from './ports';
import { devSigningKeyEnv } from './dev-signing-key';
import { trustPrincipalLine } from './stack';
import { startPostgresServer } from './postgres-server';
import { ensureChromium } from './chromium';
import { ensurePythonTools } from './python-tools';
import { type LocalStack, portsFromEnv, startLocalStack } from './stack';

import { withWorkerProcessSettings } from '@log-exporter/config';
const DEFAULT_PORTS = { temporalPort: 7233, temporalUiPort: 8233, s3EmulatorPort: 5000 };

function say(line: string): void {
  process.stdout.write(line + '\n');
}

function printEndpoints(stack: LocalStack): void {
  say(`Temporal gRPC:        ${stack.temporal.address}`);
  if (stack.temporal.uiUrl) say(`Temporal UI:          ${stack.temporal.uiUrl}`);
  if (stack.moto) say(`S3/STS/IAM emulator:  ${stack.moto.endpoint}`);
}

function untilSignal(onStop: () => Promise<void>): Promise<never> {
  return new Promise(() => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      say(`\n${signal}: stopping…`);
      onStop().finally(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function up(): Promise<void> {
  const stack = await startLocalStack({
    ...portsFromEnv(process.env, DEFAULT_PORTS),
    temporalDbFile: join(DATA_DIR, 'temporal.db'),
  });
  printEndpoints(stack);
  say('Environment for the apps:');
  for (const [name, value] of Object.entries(stack.env)) say(`  export ${name}=${value}`);
  say('Ctrl-C stops everything.');
  await untilSignal(() => stack.stop());
}

/** Polls the admin app's /healthz until it answers (any status: it is up). */
async function waitForHttp(url: string, service: Service, timeoutMs: number): Promise<void> {
  await waitUntil(
    service,
    `answering on ${url}`,
    async () => {
      await fetch(url);
      return true;
    },
    timeoutMs,
  );
}

async function dev(): Promise<void> {
  const stack = await startLocalStack({
    ...portsFromEnv(process.env, DEFAULT_PORTS),
    temporalDbFile: join(DATA_DIR, 'temporal.db'),
  });
  const adminPort = process.env.ADMIN_PORT || '8080';
  const adminToken = process.env.ADMIN_TOKEN || randomBytes(24).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...stack.env,
    DATABASE_URL: process.env.DATABASE_URL || `sqlite:${join(DATA_DIR, 'log-exporter.db')}`,
    ADMIN_PORT: adminPort,
    ADMIN_TOKEN: adminToken,
    WORKER_METRICS_PORT: process.env.WORKER_METRICS_PORT || '9464',
    WORKER_METRICS_HOST: process.env.WORKER_METRICS_HOST || '127.0.0.1',
    ...(process.env.MANIFEST_SIGNING_KEY ? {} : devSigningKeyEnv()),
  };
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const worker = startService('worker', tsx, [join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts')], {
    logFile: join(DATA_DIR, 'logs', 'worker.log'),
    env: withWorkerProcessSettings(env),
    cwd: REPO_ROOT,
  });
  const admin = startService('admin app', tsx, [join(REPO_ROOT, 'apps', 'admin', 'src', 'main.ts')], {
    logFile: join(DATA_DIR, 'logs', 'admin.log'),
    env,
    cwd: REPO_ROOT,
  });
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  try {
    await waitForHttp(`${adminUrl}/healthz`, admin, 90_000);
  } catch (err) {
    await worker.stop();
    await stack.stop();
    throw err;
  }
  say(`Admin app:            ${adminUrl}  (log ${admin.logFile})`);
  say(`Admin token:          ${process.env.ADMIN_TOKEN ? '(from ADMIN_TOKEN)' : adminToken}`);
  printEndpoints(stack);
  say(`Worker:               task queue ${env.TEMPORAL_TASK_QUEUE ?? 'log-exports'}, log ${worker.logFile}`);
  say(
    `Worker metrics:       http://${env.WORKER_METRICS_HOST}:${env.WORKER_METRICS_PORT}/metrics  (probes /livez, /readyz)`,
  );
  say(`Admin metrics:        ${adminUrl}/metrics  (probes /livez, /readyz)`);
  say(trustPrincipalLine(env));
  say(`Database:             ${env.DATABASE_URL}`);
  say('Ctrl-C stops everything.');
  await untilSignal(async () => {
    await Promise.all([worker.stop(), admin.stop()]);
    await stack.stop();
  });
}

async function withStack(command: string[]): Promise<void> {
  if (command.length === 0) throw new Error('with-stack: give the command after --, e.g. with-stack -- npm test');
  // Shared by every test project: one Temporal dev server, one PostgreSQL server (each test file
  // creates databases of its own on it). Each test file starts its own S3 emulator.
  const [stack, postgres] = await Promise.all([
    startLocalStack({ headless: true, withS3Emulator: false }),
    freePort().then((port) => startPostgresServer({ port })),
  ]);
  process.stderr.write(
    `with-stack: Temporal dev server on ${stack.temporal.address}, PostgreSQL on port ${postgres.port}\n`,
  );
  const child = spawn(command[0] as string, command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ...stack.env, TEST_POSTGRES_URL: postgres.url() },
    shell: false,
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolveCode) =>
    child.on('exit', (exitCode, signal) => resolveCode(exitCode ?? (signal ? 1 : 0))),
  );
  await Promise.all([stack.stop(), postgres.stop()]);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'bootstrap':
      say(ensurePythonTools() ? 'local stack tools installed' : 'local stack tools already installed');
      return;
    case 'chromium':
      say(`Chromium for browser tests: ${ensureChromium()}`);
      return;
    case 'up':
      return up();
    case 'dev':
      return dev();
    case 'with-stack':
      return withStack(rest[0] === '--' ? rest.slice(1) : rest);
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}: use bootstrap, up, dev or with-stack -- CMD`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`local-stack: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
