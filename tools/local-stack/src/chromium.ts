// Debian's Chromium for the browser tests, installed by the project itself (apt) when missing:
// browser tools cannot download their own browser here, and a test must not depend on what
// happens to be installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine without a display or outside network. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function run(command: string[], log: (line: string) => void): void {
  log(`$ ${command.join(' ')}`);
  const result = spawnSync(command[0] as string, command.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited with status ${result.status ?? result.signal}`);
}

/** Path of Chromium, installing Debian's `chromium` package first if it is not there. */
export function ensureChromium(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : undefined;
  if (!sudo) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH} and installing it needs root: run "sudo apt-get install chromium"`,
    );
  }
  log('installing Debian chromium for the browser tests (first run only)');
  run([...sudo, 'apt-get', 'update', '-qq'], log);
  run([...sudo, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium'], log);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt installed chromium but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}
