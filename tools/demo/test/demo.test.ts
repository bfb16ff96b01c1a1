// `npm run demo` as a test: the whole local stack, the real worker and admin apps in their own
// processes, onboarding through the admin API, one window through Temporal into the emulated
// customer bucket with IAM enforced.
import { runDemo } from '../src';

describe('demo', () => {
  it('exports yesterday through the worker and prints the keys, the manifest and the first lines', async () => {
    const lines: string[] = [];
    const result = await runDemo({ records: 2_500, print: (line) => lines.push(line) });
    const output = lines.join('\n');

    expect(result.records).toBe(2_500);
    const exported = result.keys.filter((k) => k.startsWith('cloudsmith-logs/client-logs/dt='));
    expect(exported).toHaveLength(2);
    expect(result.keys.filter((k) => !exported.includes(k))).toEqual([
      expect.stringMatching(/^cloudsmith-logs\/_log-exporter-verification_/),
    ]);
    expect(result.manifest).toMatchObject({ totals: { objects: 1, records: 2_500 } });
    for (const key of result.keys) expect(output).toContain(key);
    expect(output).toContain('verify assume-role: ok');
    expect(output).toContain('verify write-object: ok');
    expect(output).toContain('verify external-id-required: ok');
    expect(output).toContain('Admin app:');
    expect(output).toContain('"manifestVersion": 3');
    expect(output).toMatch(/verify \d{4}-\d{2}-\d{2}: 1 manifest\(s\), 1 object\(s\), \d+ records; all verified/);
    expect(output).toMatch(
      /First lines of .*part00001\.log\.gz:\n {2}\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00 \{"datetime"/,
    );
    expect(output).toContain('Temporal UI:');
    expect(output).toContain('S3/STS/IAM emulator:');
  }, 300_000);
});
