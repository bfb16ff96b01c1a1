// A small server-rendered SVG of an export's last windows: records and bytes per window and the
// delivery lag (window end to the run's finish), with failed windows, degraded ones (records
// stored but not delivered) and windows without a run marked, so a gap or a slowdown shows at a
// glance. No client script: each bar carries a <title> for its numbers; colours come from classes
// in admin.css (the CSP forbids inline styles).
import {
  type Cadence,
  type ExportWindow,
  type Run,
  previousWindow,
  windowContaining,
  windowEndMicros,
} from '@log-exporter/schemas';
import { type Html, html } from './html';

export const CHART_WINDOWS = 30;

export type WindowMark = 'ok' | 'failed' | 'degraded' | 'running' | 'missing';

export interface ChartSlot {
  window: ExportWindow;
  mark: WindowMark;
  records: number;
  bytes: number;
  /** Window end to the successful run's finish, in seconds; null without one. */
  lagSeconds: number | null;
}

export interface ChartInput {
  cadence: Cadence;
  runs: readonly Run[];
  /** Records stored but not delivered, per window start. */
  undelivered: ReadonlyMap<string, number>;
  now: number;
}

/**
 * The last CHART_WINDOWS windows, oldest first. They end at the last closed window; when no run
 * falls among those (history from a backfill long ago), at the newest run's window instead.
 */
export function chartSlots(input: ChartInput): ChartSlot[] {
  const byStart = new Map(input.runs.map((run) => [run.window.start, run]));
  let last = previousWindow(input.cadence, windowContaining(input.cadence, input.now));
  const windows = (end: ExportWindow) => {
    const out = [end];
    while (out.length < CHART_WINDOWS) out.unshift(previousWindow(input.cadence, out[0]!));
    return out;
  };
  let span = windows(last);
  const newest = [...input.runs].sort((a, b) => b.window.start.localeCompare(a.window.start))[0];
  if (newest && !span.some((w) => byStart.has(w.start)) && newest.window.start < last.start) {
    last = newest.window;
    span = windows(last);
  }
  return span.map((window) => {
    const run = byStart.get(window.start);
    if (!run) return { window, mark: 'missing', records: 0, bytes: 0, lagSeconds: null };
    const undelivered = input.undelivered.get(window.start) ?? 0;
    const mark: WindowMark =
      run.status === 'failed' ? 'failed' : run.status === 'running' ? 'running' : undelivered > 0 ? 'degraded' : 'ok';
    const lagSeconds =
      run.finishedAt === null || run.status !== 'succeeded'
        ? null
        : Math.max(0, (Date.parse(run.finishedAt) * 1000 - windowEndMicros(window)) / 1e6);
    return { window, mark, records: run.records, bytes: run.bytes, lagSeconds };
  });
}

const WIDTH = 640;
const LEFT = 70;
const PANEL = 44;
const GAP = 18;
const TOP = 8;

function compact(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

function duration(seconds: number): string {
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds)} s`;
}

const MARK_WORDS: Record<WindowMark, string> = {
  ok: 'delivered',
  failed: 'failed',
  degraded: 'degraded: records not delivered yet',
  running: 'running',
  missing: 'no run',
};

/** The chart as inline SVG (role img, with a text summary for screen readers). */
export function deliveryChart(slots: readonly ChartSlot[]): Html {
  const step = (WIDTH - LEFT) / Math.max(1, slots.length);
  const barWidth = Math.max(2, step - 3);
  const panels = [
    { name: 'records', value: (s: ChartSlot) => s.records, label: compact },
    { name: 'bytes', value: (s: ChartSlot) => s.bytes, label: compact },
    { name: 'lag', value: (s: ChartSlot) => s.lagSeconds ?? 0, label: duration },
  ] as const;
  const height = TOP + panels.length * (PANEL + GAP) + 10;
  const counts = { failed: 0, degraded: 0, missing: 0 };
  for (const slot of slots) if (slot.mark in counts) counts[slot.mark as keyof typeof counts]++;
  const summary =
    `${slots.length} windows from ${slots[0]?.window.start ?? '?'} to ${slots.at(-1)?.window.start ?? '?'}: ` +
    `${counts.failed} failed, ${counts.degraded} degraded, ${counts.missing} without a run`;
  const body = panels.map((panel, p) => {
    const top = TOP + p * (PANEL + GAP);
    const max = Math.max(1, ...slots.filter((s) => s.mark !== 'failed').map(panel.value));
    const bars = slots.map((slot, i) => {
      const x = LEFT + i * step;
      const value = panel.value(slot);
      // A window without a run, or a failed one, fills its column in every panel: a gap must show.
      const full = slot.mark === 'missing' || slot.mark === 'failed';
      const h = full ? PANEL : Math.max(value > 0 ? 1 : 0, (value / max) * PANEL);
      const title =
        `${slot.window.start}: ${MARK_WORDS[slot.mark]}; ${slot.records} records, ${slot.bytes} bytes` +
        (slot.lagSeconds === null ? '' : `, delivered ${duration(slot.lagSeconds)} after the window closed`);
      return html`<rect
        class="chart-bar chart-${slot.mark}"
        data-window="${slot.window.start}"
        data-mark="${slot.mark}"
        x="${x.toFixed(1)}"
        y="${(top + PANEL - h).toFixed(1)}"
        width="${barWidth.toFixed(1)}"
        height="${h.toFixed(1)}"
        ><title>${title}</title></rect
      >`;
    });
    return html`<g class="chart-panel" data-panel="${panel.name}">
      <text class="chart-label" x="0" y="${top + 12}">${panel.name}</text>
      <text class="chart-scale" x="0" y="${top + 26}">max ${panel.label(max)}</text>
      <line class="chart-axis" x1="${LEFT}" x2="${WIDTH}" y1="${top + PANEL}" y2="${top + PANEL}" />
      ${bars}
    </g>`;
  });
  return html`<figure class="delivery-chart">
    <svg
      xmlns="http://www.w3.org/2000/svg"
      role="img"
      aria-labelledby="chart-title chart-desc"
      viewBox="0 0 ${WIDTH} ${height}"
      width="${WIDTH}"
      height="${height}"
    >
      <title id="chart-title">Records, bytes and delivery lag per window</title>
      <desc id="chart-desc">${summary}</desc>
      ${body}
    </svg>
    <figcaption>
      ${summary}. Bars: <span class="legend chart-ok">delivered</span>
      <span class="legend chart-degraded">degraded</span> <span class="legend chart-failed">failed</span>
      <span class="legend chart-running">running</span>
      <span class="legend chart-missing">no run</span>
    </figcaption>
  </figure>`;
}
