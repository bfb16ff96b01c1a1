import { execFileSync } from 'node:child_process';
import {
  WORKER_ALLOCATOR_ENV,
  WORKER_NODE_FLAGS,
  WORKER_RUNTIME_V8_FLAGS,
  missingWorkerAllocatorEnv,
  missingWorkerNodeFlags,
  withWorkerProcessSettings,
} from '../src';

/** Runs `node -e 1` (this Node) with the given arguments and environment; throws if node refuses them. */
function runNode(args: string[], env: NodeJS.ProcessEnv): void {
  execFileSync(process.execPath, [...args, '-e', '1'], { env, stdio: 'pipe' });
}

describe('worker process settings', () => {
  it('adds the allocator environment and the Node flags, keeping what the caller set', () => {
    const env = withWorkerProcessSettings({ NODE_OPTIONS: '--enable-source-maps', MALLOC_ARENA_MAX: '4', A: 'b' });
    expect(env.NODE_OPTIONS).toBe(['--enable-source-maps', ...WORKER_NODE_FLAGS].join(' '));
    expect(env.MALLOC_ARENA_MAX).toBe('4');
    expect(env.MALLOC_TRIM_THRESHOLD_).toBe(WORKER_ALLOCATOR_ENV.MALLOC_TRIM_THRESHOLD_);
    expect(env.A).toBe('b');
  });

  it('names what a process was started without', () => {
    expect(missingWorkerAllocatorEnv({})).toEqual(
      Object.entries(WORKER_ALLOCATOR_ENV).map(([name, value]) => `${name}=${value}`),
    );
    expect(missingWorkerAllocatorEnv({ ...WORKER_ALLOCATOR_ENV })).toEqual([]);
    expect(missingWorkerNodeFlags([], '')).toEqual([...WORKER_NODE_FLAGS]);
    expect(missingWorkerNodeFlags([], WORKER_NODE_FLAGS.join(' '))).toEqual([]);
  });

  it('uses only flags Node takes where they are given', () => {
    // The start flags travel in NODE_OPTIONS for launchers (tsx), which allows only some V8 flags.
    expect(() => runNode([], withWorkerProcessSettings({ PATH: process.env.PATH }))).not.toThrow();
    // The run-time flags are real V8 flags (node refuses unknown ones) that NODE_OPTIONS refuses,
    // which is why the worker sets them itself.
    for (const flag of WORKER_RUNTIME_V8_FLAGS) {
      expect(() => runNode([flag], {})).not.toThrow();
      expect(() => runNode([], { NODE_OPTIONS: flag })).toThrow(/not allowed in NODE_OPTIONS/);
    }
  });
});
