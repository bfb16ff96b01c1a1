// The Node flags the worker is meant to run with, defined once: the worker's documented start
// command, `npm run dev`, the demo, the bench and the tests all pass these.
//
// --max-semi-space-size=4: V8 sizes its young generation from the machine's memory, and on a
// large machine lets it grow far past what an export needs. A window's rows are garbage the moment
// their line is written, so a big young generation holds only dead rows. Measured side by side
// with `npm run bench` (1,000,000 records, json-ts + gzip, 2026-12-02): 4 MiB peaked at 259-270 MB
// in 8.2-10.5 s, 16 MiB at 292-308 MB in 9.2-9.7 s, no flag ~90 MB higher still; 1 MiB peaked
// higher (~400 MB: rows that live a little longer are promoted to the old generation).
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** The flags of WORKER_NODE_FLAGS this process was started without (command line or NODE_OPTIONS). */
export function missingWorkerNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter(Boolean));
  return WORKER_NODE_FLAGS.filter((flag) => !given.has(flag));
}

/** The environment with WORKER_NODE_FLAGS added to NODE_OPTIONS: for starting the worker through a launcher (tsx). */
export function withWorkerNodeFlags(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, ...WORKER_NODE_FLAGS].filter(Boolean).join(' ') };
}
