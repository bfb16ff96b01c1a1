// The export page's chart, from runs to slots and slots to SVG: the last 30 windows end at the
// last closed one, windows without a run show as gaps, failed and degraded windows are marked,
// the lag is the window's end to the successful run's finish, and every value is escaped.
import type { Run } from '@log-exporter/schemas';
import { CHART_WINDOWS, chartSlots, deliveryChart } from '../src/web/delivery-chart';

const NOW = Date.parse('2026-11-30T09:00:00Z');

function run(start: string, overrides: Partial<Run> = {}): Run {
  const end = new Date(Date.parse(start) + 86_400_000).toISOString().replace('.000Z', 'Z');
  return {
    exportId: 'exp_aaaaaaaaaaaaaaaa',
    window: { start, end },
    status: 'succeeded',
    records: 10,
    bytes: 100,
    objects: [],
    manifestKey: null,
    manifestSha256: null,
    error: null,
    workflowId: `w-${start}`,
    workflowRunId: null,
    startedAt: end,
    finishedAt: new Date(Date.parse(end) + 30 * 60_000).toISOString(),
    attempts: 1,
    revision: 1,
    deliveredSeq: 1,
    ...overrides,
  };
}

describe('chart slots', () => {
  it('covers the 30 windows up to the last closed one, marking gaps, failures and undelivered records', () => {
    const runs = [
      run('2026-11-29T00:00:00Z', { records: 50 }),
      run('2026-11-28T00:00:00Z', { status: 'failed', records: 0, error: { type: 'AccessDenied', message: 'no' } }),
      run('2026-11-26T00:00:00Z'),
    ];
    const slots = chartSlots({
      cadence: 'daily',
      runs,
      undelivered: new Map([['2026-11-26T00:00:00Z', 3]]),
      now: NOW,
    });
    expect(slots).toHaveLength(CHART_WINDOWS);
    expect(slots[0]!.window.start).toBe('2026-10-31T00:00:00Z');
    expect(slots.at(-1)).toEqual({
      window: runs[0]!.window,
      mark: 'ok',
      records: 50,
      bytes: 100,
      lagSeconds: 1800,
    });
    const byStart = new Map(slots.map((s) => [s.window.start, s]));
    expect(byStart.get('2026-11-28T00:00:00Z')).toMatchObject({ mark: 'failed', lagSeconds: null });
    expect(byStart.get('2026-11-27T00:00:00Z')).toMatchObject({ mark: 'missing', records: 0 });
    expect(byStart.get('2026-11-26T00:00:00Z')).toMatchObject({ mark: 'degraded' });
  });

  it('ends at the newest run when none falls in the last 30 windows (history from long ago)', () => {
    const slots = chartSlots({
      cadence: 'hourly',
      runs: [run('2026-01-05T00:00:00Z')],
      undelivered: new Map(),
      now: NOW,
    });
    expect(slots.at(-1)!.window.start).toBe('2026-01-05T00:00:00Z');
    expect(slots[0]!.window.start).toBe('2026-01-03T19:00:00Z');
  });
});

describe('chart SVG', () => {
  it('draws one bar per window and panel, says the counts in words, and escapes titles', () => {
    const slots = chartSlots({
      cadence: 'daily',
      runs: [run('2026-11-29T00:00:00Z', { records: 1000 }), run('2026-11-28T00:00:00Z', { status: 'failed' })],
      undelivered: new Map(),
      now: NOW,
    });
    // one space wherever the markup has whitespace, so attribute order can be matched on one line
    const svg = deliveryChart(slots).value.replace(/\s+/g, ' ');
    expect(svg.match(/<rect /g)).toHaveLength(3 * CHART_WINDOWS);
    expect(svg.match(/data-mark="failed"/g)).toHaveLength(3);
    expect(svg).toContain('1 failed, 0 degraded, 28 without a run');
    expect(svg).toContain('max 1.0k');
    expect(svg).toMatch(
      /data-window="2026-11-28T00:00:00Z" data-mark="failed" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="44.0"/,
    );
    // the tallest record bar is the full panel height; the failed window fills its column too
    expect(svg).toMatch(
      /data-window="2026-11-29T00:00:00Z" data-mark="ok" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="44.0"/,
    );
    expect(svg).not.toMatch(/style=/);
    const hostile = deliveryChart([{ ...slots[0]!, window: { start: '<script>x</script>', end: 'e' } }]).value;
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('&lt;script&gt;');
  });
});
