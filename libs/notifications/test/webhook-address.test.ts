// The webhook address policy: only public unicast addresses, loopback only when allowed, every
// other range refused with its name; the URL's host judged after the URL parser normalised it.
import { addressProblem, webhookUrlProblem } from '../src';

const strict = { allowLoopback: false };
const local = { allowLoopback: true };

describe('addressProblem', () => {
  it.each([
    ['10.0.0.1', /private/],
    ['172.16.5.4', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['fd00::1', /private/],
    ['::ffff:10.0.0.1', /10\.0\.0\.1 is a private/],
    ['::ffff:169.254.169.254', /link-local/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['127.0.0.1', /loopback .*ALLOW_LOOPBACK_WEBHOOKS=true/],
    ['::1', /loopback/],
    ['2002:a00:1::1', /6to4/],
  ])('refuses %s', (address, reason) => {
    expect(addressProblem(address, strict)).toMatch(reason);
  });

  it('allows public unicast addresses, and loopback when asked to', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2a01:4b00::1', '2606:4700::6810:84e5'])
      expect(addressProblem(address, strict)).toBeNull();
    expect(addressProblem('127.0.0.1', local)).toBeNull();
    expect(addressProblem('::1', local)).toBeNull();
    expect(addressProblem('10.0.0.1', local)).toMatch(/private/);
  });
});

describe('webhookUrlProblem', () => {
  it.each([
    ['http://10.0.0.1/', strict, /10\.0\.0\.1 is a private address/],
    ['http://169.254.169.254/latest/meta-data/', strict, /link-local/],
    ['https://[::ffff:a00:1]/', strict, /private/],
    ['https://0xa000001/', strict, /10\.0\.0\.1 is a private/], // the URL parser reads hex IPv4
    ['https://127.1/', strict, /loopback/],
    ['http://localhost:8080/', strict, /localhost is a loopback/],
    ['https://api.localhost/', strict, /loopback/],
    ['http://example.com/hook', strict, /plain http .* use https/],
    ['http://example.com/hook', local, /plain http/],
    ['https://user:pass@example.com/', strict, /user name or password/],
    ['ftp://example.com/', strict, /scheme ftp: is not allowed/],
    ['not a url', strict, /is not a URL/],
  ])('refuses %s', (url, policy, reason) => {
    expect(webhookUrlProblem(url, policy)).toMatch(reason);
  });

  it('allows https to public names and addresses, and loopback over http when allowed', () => {
    expect(webhookUrlProblem('https://hooks.slack.com/services/T0/B0/x', strict)).toBeNull();
    expect(webhookUrlProblem('https://93.184.216.34:8443/hook', strict)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:9000/hook', local)).toBeNull();
    expect(webhookUrlProblem('http://localhost:9000/hook', local)).toBeNull();
    expect(webhookUrlProblem('http://[::1]:9000/hook', local)).toBeNull();
  });
});
