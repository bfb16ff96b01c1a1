// Health probes with the contract Kubernetes expects: liveness says only that the process answers
// (a database outage must not restart it), readiness that its dependencies answer.
export interface Check {
  ok: boolean;
  message: string;
}

/** A check fails by throwing; it may return what to report when it passes. */
export type ReadinessChecks = Record<string, () => Promise<string | void>>;

/** `{ ok, <check>: { ok, message }, … }`: the body of /readyz (and /healthz). */
export type Readiness = { ok: boolean } & Record<string, Check | boolean>;

/** Runs every check at once, each bounded by `timeoutMs`. */
export async function checkReadiness(checks: ReadinessChecks, timeoutMs = 3_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, Check]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const message = await Promise.race([check(), timeout]);
        return [name, { ok: true, message: message || `${name} answers` }];
      } catch (err) {
        return [name, { ok: false, message: `${name}: ${err instanceof Error ? err.message : String(err)}` }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: entries.every(([, check]) => check.ok), ...Object.fromEntries(entries) };
}
