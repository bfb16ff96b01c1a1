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
      /^\| `ip_address` \| string, may be null \| IP address of the client\. \| `ip` \| CSV, JSON, Parquet, Apache %h \|$/m,
    );
  });

  it("gives the Parquet schema of each log type, typed, from the encoder's own columns", () => {
    expect(rendered).toMatch(/^\| `recorded` \| `INT64 TIMESTAMP\(MICROS, UTC\)` \| never null \|$/m);
    expect(rendered).toMatch(/^\| `eula_number` \| `INT64` \| may be null \|$/m);
    expect(rendered).toMatch(/^\| `time_taken` \| `DOUBLE` \| may be null \|$/m);
    expect(rendered).toMatch(/^\| `event_at` \| `INT64 TIMESTAMP\(MICROS, UTC\)` \| never null \|$/m);
    expect(rendered).toContain(
      "FROM read_parquet('s3://acmecorp-logs/cloudsmith-logs/client-logs/dt=2026-11-25/*.parquet')",
    );
  });
});
