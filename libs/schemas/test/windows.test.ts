import {
  previousWindow,
  windowContaining,
  windowRecordBounds,
  windowStartingAt,
  windowsStartingBetween,
} from '../src/windows';
import { canonicalWindowStart, exportWindowWorkflowId } from '../src/workflow-names';

describe('export windows', () => {
  it('builds a daily window from a date or an aligned time', () => {
    const expected = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };
    expect(windowStartingAt('daily', '2026-11-25')).toEqual(expected);
    expect(windowStartingAt('daily', '2026-11-25T00:00:00Z')).toEqual(expected);
    expect(windowStartingAt('daily', '2026-11-25T01:00:00+01:00')).toEqual(expected);
  });

  it('builds hourly windows', () => {
    expect(windowStartingAt('hourly', '2026-11-25T13:00:00Z')).toEqual({
      start: '2026-11-25T13:00:00Z',
      end: '2026-11-25T14:00:00Z',
    });
  });

  it('refuses a start that is not aligned to the cadence, naming the value', () => {
    expect(() => windowStartingAt('daily', '2026-11-25T13:00:00Z')).toThrow(
      'window start "2026-11-25T13:00:00Z" is not aligned to midnight UTC (cadence daily)',
    );
    expect(() => windowStartingAt('hourly', '2026-11-25T13:30:00Z')).toThrow('not aligned to the start of a UTC hour');
    expect(() => windowStartingAt('daily', 'tomorrow')).toThrow('window start "tomorrow" is not a date');
  });

  it('finds the window containing an instant and the one before it', () => {
    const now = Date.UTC(2026, 10, 26, 0, 10);
    const today = windowContaining('daily', now);
    expect(today).toEqual({ start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' });
    expect(previousWindow('daily', today)).toEqual({ start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' });
    expect(windowContaining('hourly', now)).toEqual({ start: '2026-11-26T00:00:00Z', end: '2026-11-26T01:00:00Z' });
  });

  it('lists every window whose start lies in [from, to], both inclusive', () => {
    expect(windowsStartingBetween('daily', '2026-11-01', '2026-11-07').map((w) => w.start)).toEqual([
      '2026-11-01T00:00:00Z',
      '2026-11-02T00:00:00Z',
      '2026-11-03T00:00:00Z',
      '2026-11-04T00:00:00Z',
      '2026-11-05T00:00:00Z',
      '2026-11-06T00:00:00Z',
      '2026-11-07T00:00:00Z',
    ]);
    expect(windowsStartingBetween('daily', '2026-11-01T00:00:01Z', '2026-11-02T12:00:00Z').map((w) => w.start)).toEqual(
      ['2026-11-02T00:00:00Z'],
    );
    expect(windowsStartingBetween('hourly', '2026-11-01T22:00:00Z', '2026-11-02T00:00:00Z')).toHaveLength(3);
    expect(windowsStartingBetween('daily', '2026-11-07', '2026-11-01')).toEqual([]);
  });

  it('compares record timestamps against canonical bounds', () => {
    expect(windowRecordBounds({ start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' })).toEqual({
      from: '2026-11-25T00:00:00.000000+00:00',
      to: '2026-11-26T00:00:00.000000+00:00',
    });
  });

  it('derives one workflow ID per (export, window) whatever the spelling of the start', () => {
    const id = exportWindowWorkflowId('exp_aaaaaaaaaaaaaaaa', '2026-11-25');
    expect(id).toBe('export-window/exp_aaaaaaaaaaaaaaaa/2026-11-25T00:00:00Z');
    expect(exportWindowWorkflowId('exp_aaaaaaaaaaaaaaaa', '2026-11-25T01:00:00+01:00')).toBe(id);
    expect(() => canonicalWindowStart('soon')).toThrow('"soon"');
  });
});
