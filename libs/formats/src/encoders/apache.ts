// Apache combined log format (client logs only):
//   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
//   82.1.4.8 - eP1B3YCtTlJX [01/Apr/2021:19:40:55 +0000] "GET /rpm/x.rpm HTTP/1.1" 200 10421 "-" "libdnf"
// Missing or excluded values are `-`. Like Apache, we escape `"` and `\` with a backslash and
// control characters as \n, \r, \t or \xhh; unquoted fields (%h, %u) also escape spaces as \x20,
// so every line splits unambiguously and the escaping can be undone.
import type { LogRecord } from '../projection';
import type { LineEncoder } from './encoder';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// eslint-disable-next-line no-control-regex
const QUOTED_ESCAPES = /["\\\x00-\x1f\x7f]/g;
// eslint-disable-next-line no-control-regex
const BARE_ESCAPES = /["\\\x00-\x20\x7f]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  }
}

function quoted(value: unknown): string {
  if (value === null || value === undefined) return '"-"';
  return `"${String(value).replace(QUOTED_ESCAPES, escapeChar)}"`;
}

function bare(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(BARE_ESCAPES, escapeChar);
}

/** `2021-04-01T19:40:55+00:00` → `[01/Apr/2021:19:40:55 +0000]`. */
export function apacheTime(datetime: string): string {
  const month = MONTHS[Number(datetime.slice(5, 7)) - 1];
  return `[${datetime.slice(8, 10)}/${month}/${datetime.slice(0, 4)}:${datetime.slice(11, 19)} +0000]`;
}

export function createApacheEncoder(fields: readonly string[]): LineEncoder {
  const has = new Set(fields);
  const field = (record: LogRecord, name: string) => (has.has(name) ? record[name] : null);
  return {
    header: null,
    line: (record) => {
      const user = field(record, 'user_name') ?? field(record, 'user');
      const request = `${String(record.method)} ${String(record.uri)} ${String(record.protocol ?? '-')}`;
      return (
        `${bare(field(record, 'ip_address'))} - ${bare(user)} ${apacheTime(String(record.datetime))} ` +
        `${quoted(request)} ${String(record.status)} ${String(record.bytes)} ` +
        `${quoted(field(record, 'referer'))} ${quoted(field(record, 'user_agent'))}`
      );
    },
  };
}
