// The tools of the scripted baseline, installed by the project: Debian's sqlite3 and zstd CLIs
// (apt, when missing) and the AWS CLI from PyPI, pinned, in a venv of its own (its botocore pin would fight
// moto's in the local-stack venv).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@log-exporter/local-stack';

const AWSCLI_VERSION = '1.44.8';
const VENV = join(REPO_ROOT, '.tools', 'bench-venv');

function run(command: string[], log: (l: string) => void): void {
  log(`$ ${command.join(' ')}`);
  const result = spawnSync(command[0] as string, command.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited with status ${result.status}`);
}

/** A Debian package's command, installed with apt when missing. */
function ensureDebianCommand(path: string, pkg: string, log: (l: string) => void): void {
  if (existsSync(path)) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  run([...sudo, 'apt-get', 'update', '-qq'], log);
  run([...sudo, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', pkg], log);
  if (!existsSync(path)) throw new Error(`apt installed ${pkg} but ${path} is missing`);
}

export function ensureBaselineTools(log: (l: string) => void): { sqlite3: string; aws: string; zstd: string } {
  const sqlite3 = '/usr/bin/sqlite3';
  const zstd = '/usr/bin/zstd';
  ensureDebianCommand(sqlite3, 'sqlite3', log);
  ensureDebianCommand(zstd, 'zstd', log);
  const aws = join(VENV, 'bin', 'aws');
  const stamp = join(VENV, `.awscli-${AWSCLI_VERSION}`);
  if (!existsSync(aws) || !existsSync(stamp)) {
    log(`installing awscli ${AWSCLI_VERSION} into .tools/bench-venv (first run only)`);
    if (!existsSync(join(VENV, 'bin', 'python'))) run(['python3', '-m', 'venv', VENV], log);
    run(
      [
        join(VENV, 'bin', 'python'),
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        `awscli==${AWSCLI_VERSION}`,
      ],
      log,
    );
    spawnSync('touch', [stamp]);
  }
  return { sqlite3, aws, zstd };
}
