import { setFlagsFromString } from 'node:v8';

// How the worker's process is meant to run, defined once: the worker's documented start command,
// `npm run dev`, the demo, the bench and the tests all pass these Node flags and this environment,
// the worker warns at start about any it was started without, and sets the V8 flags that can be
// set at run time itself.
//
// --max-semi-space-size=2: V8 sizes its young generation from the machine's memory, and on a
// large machine lets it grow far past what an export needs. A window's rows are garbage the moment
// their line is written, so a big young generation holds only dead rows. A small one promotes
// rows that live a little longer to the old generation, which the next flag keeps collected.
// History: 16 MiB until 2026-12-02, 4 MiB until 2026-12-04 (1,000,000 records, json-ts + gzip:
// 4 MiB peaked at 259-270 MB, 16 MiB at 292-308 MB, no flag ~90 MB higher still; 1 MiB then
// peaked at ~400 MB, before the heap-growing flag below). Measured 2026-12-04 with that flag and
// the allocator settings, 1,000,000 records, two runs each, two rounds: json-ts + gzip peaked at
// 232-235 MB in 7.2-7.7 s with 2 MiB against 245-251 MB in 7.1-7.2 s with 4 MiB; Parquet at
// 274-277 MB in 12.7-13.2 s against 285-301 MB in 10.3-11.4 s (1 MiB: 261-265 MB in 15.6 s).
// 2 MiB keeps a 5,000,000-record Parquet export under 300 MB (284 MB) for ~5% of JSON speed and
// ~18% of Parquet speed.
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

// --heap-growing-percent=20 (set by the worker itself at start: Node refuses it in NODE_OPTIONS):
// after each full collection V8 lets the old generation grow to up to ~4× what survived before
// collecting again, and a worker streaming rows promotes some garbage however small the young
// generation: a Parquet export's worker heap went from ~50 MB to ~170 MB between full
// collections. 20 lets it grow 1.2× instead (a soft bound, not a limit: a heap that needs more
// still gets it). Measured 2026-12-04 (1,000,000 records, semi-space 4 MiB, two runs each):
// Parquet peaked at 415-450 MB without it and 336-344 MB with it (~10% slower), json-ts + gzip at
// 275-291 MB without and 263-264 MB with (~4% slower).
export const WORKER_RUNTIME_V8_FLAGS: readonly string[] = ['--heap-growing-percent=20'];

// MALLOC_ARENA_MAX=2, MALLOC_TRIM_THRESHOLD_=1 MiB (glibc's allocator; ignored elsewhere): glibc
// gives each thread that allocates (the SDK's Rust core, libuv's pool compressing pieces, the
// Parquet encoding thread) an arena of its own, up to 8 per core, and keeps what is freed in each
// for reuse instead of returning it; setting the trim threshold also stops glibc from raising its
// mmap threshold as large blocks are freed, so large blocks keep mappings of their own and are
// returned when freed. Measured 2026-12-04 (1,000,000 records, Parquet, with the heap flag above,
// two runs each): 313-323 MB without, 295-298 MB with the arena limit alone, 294-301 MB with the
// trim threshold alone, 291-298 MB with both; idle ~185 MB → ~176 MB.
export const WORKER_ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: String(1024 * 1024),
};

/** The flags of WORKER_NODE_FLAGS this process was started without (command line or NODE_OPTIONS). */
export function missingWorkerNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter(Boolean));
  return WORKER_NODE_FLAGS.filter((flag) => !given.has(flag));
}

/** The variables of WORKER_ALLOCATOR_ENV this process was started without, as `NAME=value`. */
export function missingWorkerAllocatorEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(WORKER_ALLOCATOR_ENV)
    .filter(([name]) => env[name] === undefined)
    .map(([name, value]) => `${name}=${value}`);
}

/** The environment with WORKER_ALLOCATOR_ENV and WORKER_NODE_FLAGS (in NODE_OPTIONS): for starting the worker through a launcher (tsx). */
export function withWorkerProcessSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...WORKER_ALLOCATOR_ENV,
    ...env,
    NODE_OPTIONS: [env.NODE_OPTIONS, ...WORKER_NODE_FLAGS].filter(Boolean).join(' '),
  };
}

/** Sets WORKER_RUNTIME_V8_FLAGS in this process (V8 reads them at each collection). */
export function applyWorkerRuntimeV8Flags(): void {
  for (const flag of WORKER_RUNTIME_V8_FLAGS) setFlagsFromString(flag);
}
