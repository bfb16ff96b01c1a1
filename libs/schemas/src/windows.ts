// Export windows: half-open UTC intervals [start, end) of one day or one hour.
import { z } from 'zod';
import type { Cadence } from './export-options';
import {
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  formatMicrosIso,
  formatMicrosRfc3339,
  parseInstantMicros,
  parseRfc3339Micros,
} from './timestamps';

export const windowSchema = z.object({
  /** ISO 8601 UTC, e.g. `2026-11-25T00:00:00Z`; inclusive. */
  start: z.string(),
  /** ISO 8601 UTC; exclusive. */
  end: z.string(),
});
export type ExportWindow = z.infer<typeof windowSchema>;

export function windowLengthMicros(cadence: Cadence): number {
  return cadence === 'daily' ? MICROS_PER_DAY : MICROS_PER_HOUR;
}

/** The window of this cadence starting exactly at `start`; throws naming the value if misaligned. */
export function windowStartingAt(cadence: Cadence, start: string): ExportWindow {
  const micros = parseInstantMicros(start);
  if (micros === undefined) {
    throw new Error(`window start ${JSON.stringify(start)} is not a date (2026-11-25) or an RFC 3339 time`);
  }
  const length = windowLengthMicros(cadence);
  if (micros % length !== 0) {
    const unit = cadence === 'daily' ? 'midnight UTC' : 'the start of a UTC hour';
    throw new Error(`window start ${JSON.stringify(start)} is not aligned to ${unit} (cadence ${cadence})`);
  }
  return windowFromMicros(micros, length);
}

/** The window of this cadence that contains the instant (ms since epoch). */
export function windowContaining(cadence: Cadence, epochMillis: number): ExportWindow {
  const length = windowLengthMicros(cadence);
  const micros = epochMillis * 1000;
  return windowFromMicros(micros - (((micros % length) + length) % length), length);
}

/** The window just before `window`, of the same cadence. */
export function previousWindow(cadence: Cadence, window: ExportWindow): ExportWindow {
  const length = windowLengthMicros(cadence);
  return windowFromMicros(windowStartMicros(window) - length, length);
}

/** Every window of this cadence whose start lies in [from, to], both inclusive. */
export function windowsStartingBetween(cadence: Cadence, from: string, to: string): ExportWindow[] {
  const length = windowLengthMicros(cadence);
  const fromMicros = parseInstantMicros(from);
  const toMicros = parseInstantMicros(to);
  if (fromMicros === undefined) throw new Error(`from ${JSON.stringify(from)} is not a date or an RFC 3339 time`);
  if (toMicros === undefined) throw new Error(`to ${JSON.stringify(to)} is not a date or an RFC 3339 time`);
  const windows: ExportWindow[] = [];
  const first = Math.ceil(fromMicros / length) * length;
  for (let start = first; start <= toMicros; start += length) windows.push(windowFromMicros(start, length));
  return windows;
}

export function windowStartMicros(window: ExportWindow): number {
  const micros = parseRfc3339Micros(window.start);
  if (micros === undefined) throw new Error(`window start ${JSON.stringify(window.start)} is not an RFC 3339 time`);
  return micros;
}

export function windowEndMicros(window: ExportWindow): number {
  const micros = parseRfc3339Micros(window.end);
  if (micros === undefined) throw new Error(`window end ${JSON.stringify(window.end)} is not an RFC 3339 time`);
  return micros;
}

/** Window bounds as canonical record timestamps, for comparing against stored `recorded`/`event_at`. */
export function windowRecordBounds(window: ExportWindow): { from: string; to: string } {
  return {
    from: formatMicrosRfc3339(windowStartMicros(window), 'micros'),
    to: formatMicrosRfc3339(windowEndMicros(window), 'micros'),
  };
}

function windowFromMicros(startMicros: number, length: number): ExportWindow {
  return { start: formatMicrosIso(startMicros), end: formatMicrosIso(startMicros + length) };
}
