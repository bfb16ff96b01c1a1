// Small measuring helpers shared by the benchmarks: wall time, medians, peak RSS, the machine's CPU.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

export async function timeMs(run: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Cores the machine's CPU time is shared among. */
export const MACHINE_CORES = availableParallelism();

let clockTicks: number | undefined;

/**
 * CPU time the whole machine has spent busy so far (every process, every core; user, system,
 * interrupts and steal), in seconds, from Linux's /proc/stat. The difference over a run says
 * how much CPU the run took from everything involved (worker, moto, Temporal, the baseline's
 * tools), and against the wall time, whether the machine had any to spare.
 */
export function machineBusySeconds(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu as [number, ...number[]];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / clockTicks;
}

/** `12.3 s of CPU (96% of 2 cores)` for a run of `wallSeconds`. */
export function describeCpu(cpuSeconds: number, wallSeconds: number): string {
  const busy = Math.round((cpuSeconds / (wallSeconds * MACHINE_CORES)) * 100);
  return `${cpuSeconds.toFixed(1)} s of CPU (${busy}% of ${MACHINE_CORES} cores)`;
}

export function parseRecordsFlag(argv: readonly string[], fallback: number): number {
  const index = argv.indexOf('--records');
  if (index === -1) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--records ${JSON.stringify(argv[index + 1])}: expected a whole number of records, at least 1`);
  }
  return value;
}

/** The whole number (at least 1) after `flag` in argv, or `fallback` without the flag. */
export function wholeFlag(argv: readonly string[], flag: string, fallback: number): number {
  const index = argv.indexOf(flag);
  if (index === -1) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${flag} ${JSON.stringify(argv[index + 1])}: expected a whole number, at least 1`);
  return value;
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}
