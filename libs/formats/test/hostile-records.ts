// Hostile records for the round-trip tests: every kind of value a format must carry through
// (commas, quotes, CR/LF, tabs, astral characters, empty strings, nulls, 8 KB user agents).
import fc from 'fast-check';
import type { ClientLogRecord } from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD } from '@log-exporter/testing';

export const tricky = fc.constantFrom(
  '',
  '-',
  ',',
  '"',
  '""',
  '\r\n',
  '\n',
  '\r',
  '\t',
  ' ',
  '\\',
  '\\x41',
  '=SUM(A1:A9)',
  '+1 555 0100',
  '-2+3',
  '@admin',
  'a "quoted", value\nwith lines',
  '🚀 astral 𝄞',
  'ünïcödé',
  '\u0000\u001f\u007f',
);

/** Hostile text: tricky pieces glued to arbitrary Unicode, sometimes 8 KB long. */
export const hostileText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 6 })
      .map((parts) => parts.join('')),
  },
  // 8 KB and more, like the longest real user agents.
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
      .map((s) => s.repeat(Math.ceil(8_192 / s.length))),
  },
  { weight: 1, arbitrary: tricky },
);
const nonEmptyHostile = hostileText.filter((s) => s.length > 0);
export const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

export const clientRecord: fc.Arbitrary<ClientLogRecord> = fc
  .record({
    method: nonEmptyHostile,
    uri: nonEmptyHostile,
    host: nonEmptyHostile,
    ip_address: nullable(hostileText),
    city: nullable(hostileText),
    country: nullable(hostileText),
    edge: nullable(hostileText),
    eula: nullable(hostileText),
    format: nullable(hostileText),
    package: nullable(hostileText),
    referer: nullable(hostileText),
    token: nullable(hostileText),
    user: nullable(hostileText),
    user_agent: nullable(hostileText),
    user_name: nullable(hostileText),
    protocol: nullable(hostileText),
    status: fc.integer({ min: 100, max: 599 }),
    bytes: fc.nat(),
  })
  .map((values) => ({ ...SEED_EXAMPLE_CLIENT_RECORD, ...values }));
