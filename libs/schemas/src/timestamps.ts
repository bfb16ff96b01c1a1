// Timestamps travel as microseconds since the Unix epoch (a JS number holds them exactly until
// year 2255) and are written as RFC 3339 in UTC with a `+00:00` offset, like the seed's example row.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_HOUR = 3_600 * MICROS_PER_SECOND;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** Parses an RFC 3339 timestamp with an explicit offset; returns undefined when it is not one. */
export function parseRfc3339Micros(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (sign) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const epochSeconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
  const micros = frac ? Number((frac + '00000').slice(0, 6)) : 0;
  return epochSeconds * MICROS_PER_SECOND + micros;
}

/** Parses `2026-11-25` or an RFC 3339 time to microseconds; undefined when it is neither. */
export function parseInstantMicros(value: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return parseRfc3339Micros(`${value}T00:00:00Z`);
  return parseRfc3339Micros(value);
}

/**
 * A parser equal to parseRfc3339Micros, faster on runs of timestamps in the form the store writes
 * (`YYYY-MM-DDTHH:MM:SS[.fraction]` then `+00:00` or `Z`): it parses a date and hour once, while
 * the timestamps that follow stay in that hour, and their minutes, seconds and fraction from
 * character codes. Anything else goes to parseRfc3339Micros. For the hot path of typed output
 * (Parquet): the regular expression's match array and substrings were ~10% of the worker's time
 * and much of its garbage, measured with --cpu-prof on 1,000,000 records. One parser per column.
 */
export function rfc3339MicrosParser(): (text: string) => number | undefined {
  let hour = ''; // `YYYY-MM-DDTHH` of the last timestamp parsed the fast way
  let hourMicros = 0;
  return (text) => {
    const n = text.length;
    const end = text.charCodeAt(n - 1) === Z ? n - 1 : text.endsWith('+00:00') ? n - 6 : -1;
    if (end < 19 || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return parseRfc3339Micros(text);
    if (hour === '' || !text.startsWith(hour)) {
      const start = text.slice(0, 13);
      const micros = parseRfc3339Micros(`${start}:00:00Z`);
      if (micros === undefined) return parseRfc3339Micros(text);
      hour = start;
      hourMicros = micros;
    }
    const minute = twoDigits(text, 14);
    const second = twoDigits(text, 17);
    if (!(minute <= 59 && second <= 59)) return parseRfc3339Micros(text); // NaN too
    let fraction = 0;
    if (end > 19) {
      const digits = end - 20;
      if (text.charCodeAt(19) !== DOT || digits < 1 || digits > 9) return parseRfc3339Micros(text);
      for (let i = 20; i < end; i++) {
        const digit = text.charCodeAt(i) - ZERO;
        if (!(digit >= 0 && digit <= 9)) return parseRfc3339Micros(text);
        if (i < 26) fraction = fraction * 10 + digit; // microseconds: the first six digits
      }
      for (let i = digits; i < 6; i++) fraction *= 10;
    }
    return hourMicros + (minute * 60 + second) * MICROS_PER_SECOND + fraction;
  };
}

const ZERO = 48;
const COLON = 58;
const DOT = 46;
const Z = 90;

/** The two-digit number at `at`, or NaN when either is not a digit. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - ZERO;
  const ones = text.charCodeAt(at + 1) - ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : NaN;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `2021-04-01T19:40:55+00:00` (seconds) or `2021-04-01T19:46:23.817658+00:00` (microseconds). */
export function formatMicrosRfc3339(micros: number, precision: 'seconds' | 'micros'): string {
  const seconds = Math.floor(micros / MICROS_PER_SECOND);
  const d = new Date(seconds * 1000);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (precision === 'seconds') return `${base}+00:00`;
  return `${base}.${pad(micros - seconds * MICROS_PER_SECOND, 6)}+00:00`;
}

/** ISO 8601 with `Z`, millisecond precision dropped when zero: the form used in IDs and APIs. */
export function formatMicrosIso(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString().replace('.000Z', 'Z');
}
