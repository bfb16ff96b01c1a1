import fc from 'fast-check';
import { formatMicrosIso, formatMicrosRfc3339, parseRfc3339Micros, rfc3339MicrosParser } from '../src/timestamps';

const twoDigits = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
/** `YYYY-MM-DDTHH` with some dates and separators that are not valid. */
const hourText = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    twoDigits(13),
    twoDigits(32),
    fc.constantFrom('T', 't', ' ', 'X'),
    twoDigits(25),
  )
  .map(([y, mo, d, sep, h]) => `${y}-${mo}-${d}${sep}${h}`);
/** `:MM:SS[.fraction]offset`, valid or nearly. */
const restText = fc
  .tuple(
    twoDigits(61),
    twoDigits(61),
    fc.option(fc.stringMatching(/^[0-9]{0,10}$|^[0-9]{3}a$/), { nil: undefined }),
    fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+01:30', '+0000', '', '+00:0', 'ZZ'),
    fc.constantFrom(':', '-'),
  )
  .map(([mi, s, frac, offset, sep]) => `${sep}${mi}:${s}${frac === undefined ? '' : `.${frac}`}${offset}`);

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

  it('parses runs of timestamps the fast way exactly as parseRfc3339Micros does', () => {
    // Runs within one hour (the cache) and across hours, valid and not.
    const run = fc.array(
      fc
        .tuple(hourText, fc.array(restText, { minLength: 1, maxLength: 8 }))
        .chain(([hour, rests]) => fc.constant(rests.map((rest) => hour + rest))),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(run, (groups) => {
        const parse = rfc3339MicrosParser();
        for (const text of groups.flat()) expect(parse(text)).toBe(parseRfc3339Micros(text));
      }),
      { numRuns: 500 },
    );
    const parse = rfc3339MicrosParser();
    expect(parse('2026-10-01T00:00:00.036637+00:00')).toBe(Date.UTC(2026, 9, 1) * 1000 + 36_637);
    expect(parse('2026-10-01T00:59:59.9+00:00')).toBe(Date.UTC(2026, 9, 1, 0, 59, 59) * 1000 + 900_000);
    expect(parse('2026-10-01T00:59:60Z')).toBeUndefined();
  });

  it('writes ISO instants for IDs and APIs', () => {
    expect(formatMicrosIso(Date.UTC(2026, 10, 25) * 1000)).toBe('2026-11-25T00:00:00Z');
  });
});
