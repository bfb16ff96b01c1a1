#!/usr/bin/env node
// Installs the project's npm dependencies when they are missing or older than package-lock.json,
// so `npm run demo` / `npm test` work from a fresh clone. Plain Node: it runs before anything is
// installed. (The Python tools of the local stack install themselves on first use.)
const { execSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.log-exporter-install-stamp');

const wanted = createHash('sha256').update(readFileSync(lock)).digest('hex');
const current = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (current !== wanted || !existsSync(join(root, 'node_modules', '.bin', 'tsx'))) {
  process.stderr.write('Installing npm dependencies (npm ci)…\n');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, wanted + '\n');
}
