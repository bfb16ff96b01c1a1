import { type ObjectKeyLayout, fileExtension, manifestObjectKey, partObjectKey } from '../src/object-keys';

const layout: ObjectKeyLayout = {
  prefix: 'cloudsmith-logs',
  folder: 'client-logs',
  exportId: 'exp_7k3m9q2x4w8zabcd',
  logType: 'client',
  format: 'json-ts',
  compression: 'gzip',
  cadence: 'daily',
};
const day = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };

describe('object keys', () => {
  it('puts a daily window under a dt= partition, part files first and the manifest beside them', () => {
    expect(partObjectKey(layout, day, 1)).toBe(
      'cloudsmith-logs/client-logs/dt=2026-11-25/client_exp_7k3m9q2x4w8zabcd_2026-11-25_part00001.log.gz',
    );
    expect(partObjectKey(layout, day, 12)).toMatch(/_part00012\.log\.gz$/);
    expect(manifestObjectKey(layout, day)).toBe(
      'cloudsmith-logs/client-logs/dt=2026-11-25/_manifest_exp_7k3m9q2x4w8zabcd_2026-11-25.json',
    );
  });

  it('adds an hour= partition for hourly windows', () => {
    const hourly = { ...layout, cadence: 'hourly' as const, format: 'csv' as const, compression: 'none' as const };
    const hour = { start: '2026-11-25T13:00:00Z', end: '2026-11-25T14:00:00Z' };
    expect(partObjectKey(hourly, hour, 1)).toBe(
      'cloudsmith-logs/client-logs/dt=2026-11-25/hour=13/client_exp_7k3m9q2x4w8zabcd_2026-11-25T13_part00001.csv',
    );
  });

  it('leaves out an empty prefix or folder', () => {
    expect(partObjectKey({ ...layout, prefix: '', folder: '' }, day, 1)).toBe(
      'dt=2026-11-25/client_exp_7k3m9q2x4w8zabcd_2026-11-25_part00001.log.gz',
    );
    expect(manifestObjectKey({ ...layout, prefix: '' }, day)).toBe(
      'client-logs/dt=2026-11-25/_manifest_exp_7k3m9q2x4w8zabcd_2026-11-25.json',
    );
  });

  it('is a pure function of (export, window, part)', () => {
    expect(partObjectKey(layout, day, 3)).toBe(partObjectKey({ ...layout }, { ...day }, 3));
  });

  it('names extensions by format and compression', () => {
    expect(fileExtension('csv', 'gzip')).toBe('csv.gz');
    expect(fileExtension('json', 'none')).toBe('jsonl');
    expect(fileExtension('json-ts', 'none')).toBe('log');
    expect(fileExtension('apache', 'gzip')).toBe('log.gz');
  });

  it('refuses part numbers outside 1..99999', () => {
    expect(() => partObjectKey(layout, day, 0)).toThrow('part number 0');
    expect(() => partObjectKey(layout, day, 100_000)).toThrow('part number 100000');
  });
});
