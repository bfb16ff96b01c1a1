// IP handling: what an export writes in place of `ip_address` and `actor_ip_address`.
//   truncate  the network only: IPv4 to /24 (82.1.4.8 → 82.1.4.0), IPv6 to /48
//             (2a01:4b00:9:1::8 → 2a01:4b00:9::), in RFC 5952 text; an IPv4-mapped IPv6 address
//             is truncated as the IPv4 address it carries (::ffff:82.1.4.8 → ::ffff:82.1.4.0).
//   hash      a pseudonym: the first 128 bits of HMAC-SHA256(export's key, canonical address), as
//             32 lowercase hex digits. The same address (in any spelling: 2A01::1 and
//             2a01:0::1, or ::ffff:82.1.4.8 and 82.1.4.8) gives the same pseudonym within one
//             export, and a different one in another export, whose key differs.
// Absent values (null, "") stay absent. A value that is not an IP address is written as null by
// truncate (it has no network to keep) and hashed as its text by hash.
import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { IpHandling } from '@log-exporter/schemas';

/** Rewrites one IP field value; null when the value is written as it is. */
export type IpRewrite = (value: string) => string | null;

/** Addresses repeat heavily within a window; a bounded memo keeps HMAC off most records. */
const MEMO_LIMIT = 4096;

function memoized(rewrite: IpRewrite): IpRewrite {
  const memo = new Map<string, string | null>();
  return (value) => {
    const known = memo.get(value);
    if (known !== undefined) return known;
    const result = rewrite(value);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(value, result);
    return result;
  };
}

/** The eight 16-bit groups of an IPv6 address (zone dropped), or null if it is not one. */
function ipv6Groups(value: string): number[] | null {
  const zone = value.indexOf('%');
  const address = zone === -1 ? value : value.slice(0, zone);
  if (!isIPv6(address)) return null;
  // The WHATWG URL parser writes an IPv6 host in canonical form (embedded IPv4 as hex groups).
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, null];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const first = parse(head);
  if (tail === null) return first;
  const last = parse(tail);
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}

function formatIpv6(groups: number[]): string {
  return new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(1, -1);
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) carries, else null. */
function mappedIpv4(groups: number[]): string | null {
  const [a, b, c, d, e, f, g = 0, h = 0] = groups;
  if (a || b || c || d || e || f !== 0xffff) return null;
  return [g >> 8, g & 0xff, h >> 8, h & 0xff].join('.');
}

function truncateIpv4(address: string): string {
  return address.slice(0, address.lastIndexOf('.')) + '.0';
}

/** The address's /24 (IPv4) or /48 (IPv6) network, or null if the value is not an IP address. */
export function truncateIp(value: string): string | null {
  const text = value.trim();
  if (isIPv4(text)) return truncateIpv4(text);
  const groups = ipv6Groups(text);
  if (groups === null) return null;
  const v4 = mappedIpv4(groups);
  if (v4 !== null) return `::ffff:${truncateIpv4(v4)}`;
  return formatIpv6([...groups.slice(0, 3), 0, 0, 0, 0, 0]);
}

/** One spelling per address, so that every spelling of it hashes alike. */
export function canonicalIp(value: string): string {
  const text = value.trim();
  if (isIPv4(text)) return text;
  const groups = ipv6Groups(text);
  if (groups === null) return text;
  return mappedIpv4(groups) ?? formatIpv6(groups);
}

/** Pseudonyms under one key (one export). */
export function createIpPseudonymizer(key: Uint8Array): (value: string) => string {
  return (value) => createHmac('sha256', key).update(canonicalIp(value)).digest('hex').slice(0, 32);
}

/**
 * The rewrite for an export's IP handling, or null when IP fields are written as stored (`keep`)
 * or not at all (`drop`, which the projection removes). `hash` needs the export's key.
 */
export function createIpRewrite(handling: IpHandling, key?: Uint8Array): IpRewrite | null {
  switch (handling) {
    case 'keep':
    case 'drop':
      return null;
    case 'truncate':
      return memoized(truncateIp);
    case 'hash': {
      if (!key || key.length < 16) throw new Error('ipHandling "hash" needs the export\'s key (16 bytes or more)');
      return memoized(createIpPseudonymizer(key));
    }
  }
}
