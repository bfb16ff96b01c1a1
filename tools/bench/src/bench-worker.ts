// The production worker as the benchmarks run it: the built bundle in its own process, on a task
// queue of its own, with its memory read from the kernel.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { WORKER_ALLOCATOR_ENV, WORKER_NODE_FLAGS } from '@log-exporter/config';
import { DATA_DIR, REPO_ROOT, type Service, startService, waitUntil } from '@log-exporter/local-stack';

/** Builds the worker exactly as `nx build worker` does and returns its entry point. */
export function buildWorker(print: (l: string) => void): string {
  print('building the production worker bundle (nx build worker)…');
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'tools', 'build', 'bundle-app.mjs'), 'apps/worker', '--workflows', 'libs/workflows/src/index.ts'],
    { cwd: REPO_ROOT, stdio: 'ignore' },
  );
  return join(REPO_ROOT, 'apps', 'worker', 'dist', 'main.js');
}

export interface BenchWorker {
  service: Service;
  taskQueue: string;
  /** Highest resident set size of the process so far (the kernel's VmHWM), in MB. */
  peakRssMb(): number;
  /** Resident set size now, in MB. */
  rssMb(): number;
}

function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

/** Starts the worker bundle and waits until it polls its task queue. */
export async function startBenchWorker(options: {
  workerMain: string;
  client: Client;
  taskQueue: string;
  logName: string;
  env: NodeJS.ProcessEnv;
}): Promise<BenchWorker> {
  // BENCH_WORKER_NODE_ARGS: extra node arguments for the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const service = startService('worker', process.execPath, [...WORKER_NODE_FLAGS, ...nodeArgs, options.workerMain], {
    logFile: join(DATA_DIR, 'bench', options.logName),
    cwd: REPO_ROOT,
    env: {
      ...WORKER_ALLOCATOR_ENV,
      ...process.env,
      ...options.env,
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      WORKER_METRICS_PORT: '0', // beside a running `npm run dev`, whose worker has 9464
      LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn',
    },
  });
  await waitUntil(service, 'polling its task queue', () => isPolling(options.client, options.taskQueue), 60_000);
  const pid = service.process.pid as number;
  return {
    service,
    taskQueue: options.taskQueue,
    peakRssMb: () => procStatusMb(pid, 'VmHWM'),
    rssMb: () => procStatusMb(pid, 'VmRSS'),
  };
}

/** True once a worker polls the task queue (Temporal lists it as a poller). */
async function isPolling(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: 2, // activity task queue: the worker polls it once it is ready for work
  });
  return (response.pollers ?? []).length > 0;
}
