// Small measuring helpers shared by the benchmarks: wall time, medians, peak RSS.
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
