// Apache combined log format (client logs only):
//   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
//   82.1.4.8 - example-user [01/Apr/2021:19:40:55 +0000] "GET /rpm/x.rpm HTTP/1.1" 200 10421 "-" "libdnf"
// %u is the user's name, or their identifier when the name is unknown. Every value is escaped the
// way Apache escapes: `"` and `\` with a backslash, control characters as \n, \r, \t or \xhh (each
// \xhh is one byte of the UTF-8 encoding). Unquoted values (%h, %u) and the three parts of the
// request line also escape every whitespace character, Unicode ones included, so each line splits
// unambiguously on spaces whatever the parser's idea of whitespace. `-` means absent; a value that is literally `-` is written `\x2d`.
// An empty value is written `""` inside quotes and `-` (like an absent one) outside them: the
// escaping can be undone exactly except for that one case (docs/formats.md).
import type { LineEncoder } from './encoder';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/* eslint-disable no-control-regex */
const CONTROL_ALL = /[\x00-\x1f\x7f]/g;
const CONTROL_OR_SPACE_ALL = /[\x00-\x20\x7f\s]/g;
/* eslint-enable no-control-regex */
const BACKSLASH_ALL = /\\/g;
const QUOTE_ALL = /"/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      let out = '';
      for (const byte of Buffer.from(c, 'utf8')) out += '\\x' + byte.toString(16).padStart(2, '0');
      return out;
    }
  }
}

/** Backslashes and quotes by plain replacement (fast), then control characters (rare) one by one. */
function escape(text: string, others: RegExp): string {
  let out = text.includes('\\') ? text.replace(BACKSLASH_ALL, '\\\\') : text;
  if (out.includes('"')) out = out.replace(QUOTE_ALL, '\\"');
  others.lastIndex = 0;
  return others.test(out) ? out.replace(others, escapeChar) : out;
}

// Fast paths: printable ASCII without `"` or `\` (and, outside quotes, without space) needs no
// escaping, and that is nearly every value. Anything else takes the precise path below.
const NOT_PLAIN_BARE = /[^\x21\x23-\x5b\x5d-\x7e]/;
const NOT_PLAIN_QUOTED = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/* eslint-disable no-control-regex */
// \s also matches Unicode whitespace (all in the BMP, so no `u` flag is needed).
const ESCAPE_OUTSIDE_QUOTES = /["\\\x00-\x20\x7f\s]/;
const ESCAPE_IN_QUOTES = /["\\\x00-\x1f\x7f]/;
/* eslint-enable no-control-regex */

/** A value outside quotes: `-` if absent, never containing whitespace or a quote. */
function bare(value: unknown): string {
  if (typeof value === 'string' && value.length > 1 && !NOT_PLAIN_BARE.test(value)) return value;
  if (value === null || value === undefined) return '-';
  const text = String(value);
  if (text === '') return '-';
  if (text === '-') return '\\x2d';
  return ESCAPE_OUTSIDE_QUOTES.test(text) ? escape(text, CONTROL_OR_SPACE_ALL) : text;
}

/** A value inside quotes: `"-"` if absent. */
function quoted(value: unknown): string {
  if (typeof value === 'string' && value.length > 1 && !NOT_PLAIN_QUOTED.test(value)) return `"${value}"`;
  if (value === null || value === undefined) return '"-"';
  const text = String(value);
  if (text === '-') return '"\\x2d"';
  return ESCAPE_IN_QUOTES.test(text) ? `"${escape(text, CONTROL_ALL)}"` : `"${text}"`;
}

/** `2021-04-01T19:40:55+00:00` → `[01/Apr/2021:19:40:55 +0000]`. */
export function apacheTime(datetime: string): string {
  const month = MONTHS[Number(datetime.slice(5, 7)) - 1];
  return `[${datetime.slice(8, 10)}/${month}/${datetime.slice(0, 4)}:${datetime.slice(11, 19)} +0000]`;
}

export function createApacheEncoder(fields: readonly string[]): LineEncoder {
  const has = new Set(fields);
  const withIp = has.has('ip_address');
  const withReferer = has.has('referer');
  const withUserAgent = has.has('user_agent');
  return {
    header: null,
    line: (record) =>
      `${withIp ? bare(record.ip_address) : '-'} - ${bare(record.user_name ?? record.user)} ${apacheTime(record.datetime as string)} ` +
      `"${bare(record.method)} ${bare(record.uri)} ${bare(record.protocol)}" ${record.status as number} ${record.bytes as number} ` +
      `${withReferer ? quoted(record.referer) : '"-"'} ${withUserAgent ? quoted(record.user_agent) : '"-"'}`,
  };
}
