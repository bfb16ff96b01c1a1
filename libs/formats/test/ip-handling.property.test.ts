// IP handling, by property: truncation keeps exactly the /24 or /48 network (checked with Node's
// BlockList, which parses addresses on its own), pseudonyms are stable per key and differ across
// keys, and every format writes the rewritten value where the address was.
import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import type { LineFormat } from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD } from '@log-exporter/testing';
import { canonicalIp, createIpPseudonymizer, createIpRewrite, createRecordEncoder, truncateIp } from '../src';

const RUNS = { numRuns: 1_000 };
const key = fc.uint8Array({ minLength: 32, maxLength: 32 });

function within(address: string, network: string, prefix: number, family: 'ipv4' | 'ipv6'): boolean {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return list.check(address, family);
}

describe('truncate', () => {
  it('writes the examples of the documentation', () => {
    expect(truncateIp('82.1.4.8')).toBe('82.1.4.0');
    expect(truncateIp('2a01:4b00::1')).toBe('2a01:4b00::');
    expect(truncateIp('2a01:4b00:9:1::8')).toBe('2a01:4b00:9::');
    expect(truncateIp('2A01:4B00:0009:0001:0:0:0:8')).toBe('2a01:4b00:9::');
    expect(truncateIp('::ffff:82.1.4.8')).toBe('::ffff:82.1.4.0');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80::');
    expect(truncateIp('not an address')).toBeNull();
    expect(truncateIp('1.2.3.256')).toBeNull();
  });

  it('keeps an IPv4 address within its /24 and zeroes the host byte', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const network = truncateIp(address) as string;
        expect(isIPv4(network)).toBe(true);
        expect(network.endsWith('.0')).toBe(true);
        expect(within(address, network, 24, 'ipv4')).toBe(true);
        expect(truncateIp(network)).toBe(network);
      }),
      RUNS,
    );
  });

  it('keeps an IPv6 address within its /48, written with the 80 host bits zero', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const network = truncateIp(address) as string;
        expect(isIPv6(network)).toBe(true);
        const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
        if (mapped) {
          expect(within(mapped[1] as string, network.slice('::ffff:'.length), 24, 'ipv4')).toBe(true);
          return;
        }
        // At most three groups before a final `::`: nothing after the first 48 bits.
        expect(network).toMatch(/^([0-9a-f]{1,4}(:[0-9a-f]{1,4}){0,2})?::$/);
        expect(within(address, network, 48, 'ipv6')).toBe(true);
        expect(truncateIp(network)).toBe(network);
      }),
      RUNS,
    );
  });

  it('truncates an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        expect(truncateIp(`::ffff:${v4}`)).toBe(`::ffff:${truncateIp(v4)}`);
      }),
      RUNS,
    );
  });
});

describe('hash', () => {
  const anyIp = fc.oneof(fc.ipV4(), fc.ipV6());

  it('is 32 hex digits, the same for the same address and key, whatever the spelling', () => {
    fc.assert(
      fc.property(key, anyIp, (k, address) => {
        const pseudonym = createIpPseudonymizer(k);
        const value = pseudonym(address);
        expect(value).toMatch(/^[0-9a-f]{32}$/);
        expect(pseudonym(address)).toBe(value);
        expect(pseudonym(address.toUpperCase())).toBe(value);
        expect(pseudonym(canonicalIp(address))).toBe(value);
        if (isIPv4(address)) expect(pseudonym(`::ffff:${address}`)).toBe(value);
        expect(isIP(value)).toBe(0);
      }),
      RUNS,
    );
  });

  it('differs across keys (exports) for the same address, and across addresses for one key', () => {
    fc.assert(
      fc.property(key, key, anyIp, anyIp, (k1, k2, a, b) => {
        fc.pre(Buffer.compare(Buffer.from(k1), Buffer.from(k2)) !== 0);
        expect(createIpPseudonymizer(k1)(a)).not.toBe(createIpPseudonymizer(k2)(a));
        fc.pre(canonicalIp(a) !== canonicalIp(b));
        expect(createIpPseudonymizer(k1)(a)).not.toBe(createIpPseudonymizer(k1)(b));
      }),
      RUNS,
    );
  });

  it('refuses to hash without a key', () => {
    expect(() => createIpRewrite('hash')).toThrow(/needs the export's key/);
  });
});

/** The client record's `ip_address` as each format writes it, read back with that format's reader. */
function writtenIp(format: LineFormat, line: string, header: string | null): string | null {
  switch (format) {
    case 'csv': {
      const [row] = parseCsv(`${header}\n${line}\n`, { columns: true }) as Record<string, string>[];
      return row?.ip_address === '' ? null : (row?.ip_address ?? null);
    }
    case 'json':
      return (JSON.parse(line) as { ip_address: string | null }).ip_address;
    case 'json-ts':
      return (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { ip_address: string | null }).ip_address;
    case 'apache': {
      const host = line.slice(0, line.indexOf(' '));
      return host === '-' ? null : host;
    }
  }
}

describe('every format writes the rewritten address', () => {
  const formats: LineFormat[] = ['csv', 'json', 'json-ts', 'apache'];
  const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('unknown'));

  it.each(formats)('%s, truncate and hash', (format) => {
    fc.assert(
      fc.property(key, address, (k, ip) => {
        const record = { ...SEED_EXAMPLE_CLIENT_RECORD, ip_address: ip };
        const truncating = createRecordEncoder({ logType: 'client', format, exclude: [], ipHandling: 'truncate' });
        expect(writtenIp(format, truncating.line(record), truncating.header)).toBe(truncateIp(ip));
        const hashing = createRecordEncoder({
          logType: 'client',
          format,
          exclude: [],
          ipHandling: 'hash',
          ipHashKey: k,
        });
        expect(writtenIp(format, hashing.line(record), hashing.header)).toBe(createIpPseudonymizer(k)(ip));
        // The record itself is left as it was: the next part reads the stored value again.
        expect(record.ip_address).toBe(ip);
      }),
      { numRuns: 200 },
    );
  });

  it('rewrites the actor address of audit logs', () => {
    const encoder = createRecordEncoder({ logType: 'audit', format: 'json', exclude: [], ipHandling: 'truncate' });
    const line = encoder.line({ actor: 'a', actor_ip_address: '2a01:4b00:9:1::8', event: 'e' });
    expect((JSON.parse(line) as { actor_ip_address: string }).actor_ip_address).toBe('2a01:4b00:9::');
  });

  it('keeps null and empty addresses as they are', () => {
    const encoder = createRecordEncoder({ logType: 'client', format: 'json', exclude: [], ipHandling: 'truncate' });
    for (const ip of [null, '']) {
      const line = encoder.line({ ...SEED_EXAMPLE_CLIENT_RECORD, ip_address: ip });
      expect((JSON.parse(line) as { ip_address: string | null }).ip_address).toBe(ip);
    }
  });
});
