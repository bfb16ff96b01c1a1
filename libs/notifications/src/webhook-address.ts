// Which addresses a notification may be POSTed to. A webhook URL is typed by a customer, and the
// worker that POSTs it sits inside our network: without this check a URL could make it reach our
// metadata service (169.254.169.254), databases or admin app (server-side request forgery).
// Only public unicast addresses are allowed; loopback too when ALLOW_LOOPBACK_WEBHOOKS=true (local
// use and tests). Checked twice: on the URL as typed (a literal address, or a name like
// `localhost`), and at delivery on every address the name resolves to, the connection then pinned
// to the checked address so a second DNS answer cannot swap it (DNS rebinding).
import ipaddr from 'ipaddr.js';

export interface WebhookAddressPolicy {
  /** Loopback addresses (127.0.0.0/8, ::1, `localhost`) allowed, for local use; plain http too. */
  allowLoopback: boolean;
}

/** The address, an IPv4 address written as IPv6 (::ffff:10.0.0.1) judged as the IPv4 one it is. */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

/** Why this IP address may not be notified, or null if it may. */
export function addressProblem(address: string, policy: WebhookAddressPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = parseAddress(address);
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopback) return null;
  const words: Record<string, string> = {
    loopback: 'a loopback address (allowed only with ALLOW_LOOPBACK_WEBHOOKS=true, for local use)',
    private: 'a private address',
    uniqueLocal: 'a private address',
    carrierGradeNat: 'a private (carrier-grade NAT) address',
    linkLocal: 'a link-local address (cloud metadata services live there)',
    unspecified: 'the unspecified address',
    broadcast: 'a broadcast address',
    multicast: 'a multicast address',
  };
  return `${parsed.toString()} is ${words[range] ?? `a ${range} address, not a public one`}`;
}

/** A URL's host as an address or name: IPv6 without its brackets, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Host names that are loopback by definition (RFC 6761), whatever a resolver says. */
function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * Why this webhook URL may not be notified, judged without DNS: the scheme, and the host when it
 * is an address or a loopback name. Null when it may (its name is checked again at delivery).
 */
export function webhookUrlProblem(value: string, policy: WebhookAddressPolicy): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme ${url.protocol} is not allowed: use https`;
  if (url.username || url.password) return 'a user name or password in the URL is not allowed';
  // The URL parser has already normalised the host (`0x7f.1` is 127.0.0.1); IPv6 comes bracketed.
  const host = hostOf(url);
  const literal = ipaddr.isValid(host);
  if (literal) {
    const problem = addressProblem(host, policy);
    if (problem) return problem;
  } else if (isLoopbackName(host) && !policy.allowLoopback) {
    return `${host} is a loopback address (allowed only with ALLOW_LOOPBACK_WEBHOOKS=true, for local use)`;
  }
  const loopback = isLoopbackName(host) || (literal && parseAddress(host).range() === 'loopback');
  if (url.protocol === 'http:' && !loopback) return 'plain http is allowed only to loopback addresses: use https';
  return null;
}
