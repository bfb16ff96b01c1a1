// Background services started by the stack: their output goes to a log file, and they are killed
// when the stack stops, when this process exits, or on Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fchownSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Service {
  readonly name: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
  /** Last lines of the service's log, for error messages. */
  tail(lines?: number): string;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export function startService(
  name: string,
  command: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number },
): Service {
  installExitHook();
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  if (options.uid !== undefined) fchownSync(fd, options.uid, options.gid ?? options.uid);
  const child = spawn(command, args, {
    stdio: ['ignore', fd, fd],
    env: options.env ?? process.env,
    cwd: options.cwd,
    // Its own process group, so stopping it also stops whatever it started.
    detached: true,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  closeSync(fd);
  running.add(child);
  child.on('exit', () => running.delete(child));
  const tail = (lines = 20) => {
    try {
      return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    name,
    logFile: options.logFile,
    process: child,
    tail,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolveStop();
        });
        killGroup(child, 'SIGTERM');
      }),
  };
}

/** Polls `check` until it returns true; fails with the service's log tail when time runs out. */
export async function waitUntil(
  service: Service,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.process.exitCode !== null) {
      throw new Error(`${service.name} exited (code ${service.process.exitCode}) before ${what}:\n${service.tail()}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(
        `${service.name} not ${what} after ${timeoutMs / 1000}s (log ${service.logFile}):\n${service.tail()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
