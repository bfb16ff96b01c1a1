// UTC days as `YYYY-MM-DD` text: the unit of PostgreSQL's log partitions and of retention.

/** The day after `day`. */
export function nextDay(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** Yesterday to `days` ahead of the day `now` falls in. */
export function daysAround(days: number, now = Date.now()): string[] {
  const today = now - (now % 86_400_000);
  return Array.from({ length: days + 2 }, (_, i) => new Date(today + (i - 1) * 86_400_000).toISOString().slice(0, 10));
}

/** How many days ahead PostgreSQL's log partitions are kept created, so ingest rarely makes one. */
export const PARTITION_DAYS_AHEAD = 7;
