import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFormatsDoc } from '../src';

describe('docs/formats.md', () => {
  const rendered = renderFormatsDoc();

  it('is what the code generates today (run `npm run docs` after changing a format)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'formats.md'), 'utf8')).toBe(rendered);
  });

  it('shows a real example for every format × log type, the seed CSV line among them', () => {
    expect(rendered).toContain(
      '2021-04-01T19:40:55+00:00,cloudsmith/testing-private,200,GET,/rpm/fedora/29/x86_64/cloudsmith-redhat-example-1.0.16173057145-1.x86_64.rpm,dl.cloudsmith.io,82.1.4.8,10421,Newmarket,GB,LHR61-C2,,RedHat,vmN1OlMDi3Iy,2021-04-01T19:46:23.817658+00:00,,dZ3DmJ8yHU36FyH9uHoyWH4LocmlkzdKXSEuOBmnvLhA4ZF7exa5Qw==,wKSkBFHpsNWB,eP1B3YCtTlJX,libdnf',
    );
    expect(rendered).toContain('actor,actor_ip_address,actor_kind,actor_location');
    expect(rendered).toContain('82.1.4.8 - example-user [01/Apr/2021:19:40:55 +0000] "GET ');
    expect(rendered.match(/^```$/gm)?.length).toBeGreaterThanOrEqual(7);
  });

  it('documents every field with its type, group and formats', () => {
    for (const field of ['user_agent', 'eula_number', 'time_taken', 'actor_location', 'uuid']) {
      expect(rendered).toMatch(new RegExp(`^\\| \`${field}\` \\| `, 'm'));
    }
    expect(rendered).toMatch(
      /^\| `ip_address` \| string, may be null \| IP address of the client\. \| `ip` \| CSV, JSON, Apache %h \|$/m,
    );
  });
});
