import { auditLogIngestSchema, clientLogRecordSchema } from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD, SeededRandom, generateAuditLogs, generateClientLogs } from '../src';

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };

describe('seeded random', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('client log generator', () => {
  const records = [...generateClientLogs({ seed: 7, organization: 'acme', window: WINDOW, count: 2_000 })];

  it('is deterministic for a seed', () => {
    expect([...generateClientLogs({ seed: 7, organization: 'acme', window: WINDOW, count: 2_000 })]).toEqual(records);
  });

  it('produces records that pass the contract schema unchanged, inside the window', () => {
    for (const record of records) {
      expect(clientLogRecordSchema.parse(record)).toEqual(record);
      expect(
        record.recorded >= '2026-11-20T00:00:00.000000+00:00' && record.recorded < '2026-11-21T00:00:00.000000+00:00',
      ).toBe(true);
      expect(record.repository.startsWith('acme/')).toBe(true);
    }
    expect(new Set(records.map((r) => r.request_id)).size).toBe(records.length);
  });

  it('covers every package format, several statuses and places', () => {
    expect(new Set(records.map((r) => r.format))).toEqual(
      new Set(['RedHat', 'Debian', 'npm', 'Python', 'Maven', 'Docker']),
    );
    expect(new Set(records.map((r) => r.status)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(records.map((r) => r.country)).size).toBeGreaterThanOrEqual(6);
    expect(records.some((r) => r.token === null) && records.some((r) => r.token !== null)).toBe(true);
  });

  it('includes the seed example row as a valid record', () => {
    expect(clientLogRecordSchema.parse(SEED_EXAMPLE_CLIENT_RECORD)).toEqual(SEED_EXAMPLE_CLIENT_RECORD);
  });
});

describe('audit log generator', () => {
  it('produces valid, deterministic audit records inside the window', () => {
    const records = [...generateAuditLogs({ seed: 3, organization: 'acme', window: WINDOW, count: 500 })];
    expect([...generateAuditLogs({ seed: 3, organization: 'acme', window: WINDOW, count: 500 })]).toEqual(records);
    for (const record of records) {
      expect(auditLogIngestSchema.parse(record)).toEqual(record);
      expect(record.event_at.startsWith('2026-11-20T')).toBe(true);
    }
    expect(new Set(records.map((r) => r.event)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(records.map((r) => r.uuid)).size).toBe(500);
  });
});
