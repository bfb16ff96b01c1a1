import { formatMicrosIso, formatMicrosRfc3339, parseRfc3339Micros } from '../src/timestamps';

describe('RFC 3339 timestamps', () => {
  it('parses the seed example to the microsecond and writes it back identically', () => {
    const micros = parseRfc3339Micros('2021-04-01T19:46:23.817658+00:00');
    expect(micros).toBe(Date.UTC(2021, 3, 1, 19, 46, 23) * 1000 + 817_658);
    expect(formatMicrosRfc3339(micros!, 'micros')).toBe('2021-04-01T19:46:23.817658+00:00');
    expect(formatMicrosRfc3339(micros!, 'seconds')).toBe('2021-04-01T19:46:23+00:00');
  });

  it('normalises offsets to UTC', () => {
    expect(formatMicrosRfc3339(parseRfc3339Micros('2021-04-01T21:46:23+02:00')!, 'seconds')).toBe(
      '2021-04-01T19:46:23+00:00',
    );
    expect(formatMicrosRfc3339(parseRfc3339Micros('2021-04-01T00:30:00-01:00')!, 'seconds')).toBe(
      '2021-04-01T01:30:00+00:00',
    );
    expect(parseRfc3339Micros('2021-04-01T19:46:23Z')).toBe(parseRfc3339Micros('2021-04-01T19:46:23+00:00'));
  });

  it('keeps microseconds and drops finer digits', () => {
    expect(formatMicrosRfc3339(parseRfc3339Micros('2021-04-01T19:46:23.1Z')!, 'micros')).toBe(
      '2021-04-01T19:46:23.100000+00:00',
    );
    expect(formatMicrosRfc3339(parseRfc3339Micros('2021-04-01T19:46:23.123456789Z')!, 'micros')).toBe(
      '2021-04-01T19:46:23.123456+00:00',
    );
  });

  it.each([
    '2021-04-01',
    '2021-04-01T19:46:23',
    '2021-02-30T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2021-04-01T24:00:00Z',
    '2021-04-01T19:46:23+25:00',
    'yesterday',
    '',
  ])('rejects %j', (text) => {
    expect(parseRfc3339Micros(text)).toBeUndefined();
  });

  it('sorts canonical text in time order', () => {
    const times = [
      '2021-04-01T19:46:23.000001+00:00',
      '2021-04-01T19:46:23.000010+00:00',
      '2021-04-02T00:00:00.000000+00:00',
    ];
    expect([...times].sort()).toEqual(times);
  });

  it('writes ISO instants for IDs and APIs', () => {
    expect(formatMicrosIso(Date.UTC(2026, 10, 25) * 1000)).toBe('2026-11-25T00:00:00Z');
  });
});
