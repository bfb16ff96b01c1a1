/** Timestamps the stores write (created, updated, started, finished): ISO 8601 UTC. */
export function now(): string {
  return new Date().toISOString();
}
