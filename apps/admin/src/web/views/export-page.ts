// One export: its settings and health, the delivery chart of the last windows, run now and
// backfill, the run history, its notifications, and the one export form in edit mode.
import type { Destination, ExportConfig, Notification, Run } from '@log-exporter/schemas';
import type { ExportStatus } from '../../api/representations';
import type { ExportReconciliation } from '../../reconciliation';
import { type ChartSlot, deliveryChart } from '../delivery-chart';
import { type FieldErrors, type Form, IP_HANDLING_LABELS, csrfField, exportForm } from '../form';
import { type Html, html } from '../html';
import { megabytes, orDash, s3Location } from './format';
import { notificationsBlock } from './notifications-block';
import { previewBlock } from './preview-block';
import { tableDdlBlock } from './table-ddl-block';
import { tableDdl } from '../../table-ddl';
import type { Preview } from '../../preview';

export interface ExportPageData {
  config: ExportConfig;
  destination: Destination | undefined;
  runs: readonly Run[];
  reconciliation: ExportReconciliation;
  status: ExportStatus;
  chart: readonly ChartSlot[];
  csrf: string;
  /** The Temporal UI link of a workflow; null hides them (customers cannot reach our Temporal). */
  workflowUrl: ((workflowId: string) => string) | null;
  editValues: Form;
  editErrors: FieldErrors;
  today: string;
  /** The preview asked for with the form below the chart, if any. */
  preview?: Preview;
  lastNotification: Notification | null;
  /** A notification secret just made, to show once. */
  newSecret?: string;
}

function runRow(run: Run, undelivered: number, workflowUrl: ExportPageData['workflowUrl']): Html {
  // Built apart, so the cells hold just their text when nothing is late or revised.
  const status = run.revision > 1 ? html`${run.status}<br />revision ${run.revision}` : run.status;
  const records =
    undelivered > 0
      ? html`${run.records}<br /><span class="undelivered">${undelivered} not delivered yet</span>`
      : String(run.records);
  return html`<tr>
    <td>${run.window.start}</td>
    <td class="status-${run.status}">${status}</td>
    <td>${records}</td>
    <td>${megabytes(run.bytes)}</td>
    <td>
      ${
        run.objects.length
          ? html`<ul>
              ${run.objects.map((o) => html`<li><code class="object-key">${o.key}</code><br />${o.records} records, ${o.bytes} bytes, sha256 <code>${o.sha256.slice(0, 16)}…</code></li>`)}
            </ul>`
          : '—'
      }
      ${run.manifestKey ? html`<p>manifest <code class="manifest-key">${run.manifestKey}</code></p>` : ''}
    </td>
    <td>${run.error ? html`<span class="failed">${run.error.type}: ${run.error.message}</span>` : '—'}</td>
    <td>
      ${workflowUrl ? html`<a href="${workflowUrl(run.workflowId)}" target="_blank" rel="noopener">workflow</a><br />` : ''}attempts
      ${run.attempts}
    </td>
    <td>${run.startedAt}<br />${orDash(run.finishedAt)}</td>
  </tr>`;
}

export function exportView(data: ExportPageData): Html {
  const { config, destination, reconciliation } = data;
  const undelivered = new Map(reconciliation.windows.map((w) => [w.windowStart, w.undeliveredRecords]));
  return html`<h1>Export ${config.id}</h1>
    <table aria-label="export">
      <tr>
        <th>Organisation</th>
        <td>${config.organization}</td>
      </tr>
      <tr>
        <th>Logs</th>
        <td>${config.logType} as ${config.format}, ${config.compression}, ${config.cadence}</td>
      </tr>
      <tr>
        <th>Writes to</th>
        <td>
          <code>${destination ? `${s3Location(destination, config.folder)}/` : config.destinationId}</code>
          ${destination ? html` (<a href="/destinations/${destination.id}">hand-over</a>)` : ''}
        </td>
      </tr>
      <tr>
        <th>Scope</th>
        <td>${config.repositories ? config.repositories.join(', ') : 'the whole organisation'}</td>
      </tr>
      <tr>
        <th>Excluded</th>
        <td>${config.exclude.length ? config.exclude.join(', ') : 'nothing'}</td>
      </tr>
      <tr>
        <th>IP addresses</th>
        <td id="export-ip-handling">${IP_HANDLING_LABELS[config.ipHandling]}</td>
      </tr>
      <tr>
        <th>Status</th>
        <td class="status-${data.status}" id="export-status">${data.status}</td>
      </tr>
      <tr>
        <th>Not delivered yet</th>
        <td id="export-undelivered">
          ${reconciliation.undeliveredRecords}
          record(s)${reconciliation.degradedReason ? html`: ${reconciliation.degradedReason}` : ''}
          ${reconciliation.beyondHorizon.windows > 0 ? html`<br />${reconciliation.beyondHorizon.records} of them in ${reconciliation.beyondHorizon.windows} window(s) older than the late horizon` : ''}
        </td>
      </tr>
      <tr>
        <th>Last success</th>
        <td>${orDash(config.health.lastSuccessWindow)} (at ${orDash(config.health.lastSuccessAt)})</td>
      </tr>
      <tr>
        <th>Last error</th>
        <td>${orDash(config.health.lastError)}; consecutive failures: ${config.health.consecutiveFailures}</td>
      </tr>
    </table>
    <h2>Last ${data.chart.length} windows</h2>
    ${deliveryChart(data.chart)}
    <h2>Preview</h2>
    <form method="post" action="/exports/${config.id}/preview" class="stacked">
      ${csrfField(data.csrf)}
      <label for="preview-window">Window start (empty: the last closed window)</label>
      <input type="text" id="preview-window" name="window" value="" placeholder="${data.today}" />
      <p><button type="submit">Preview the first lines</button></p>
    </form>
    ${data.preview ? previewBlock(data.preview) : ''}
    ${
      destination
        ? html`<h2>Query the files</h2>
            ${tableDdlBlock(config, tableDdl(config, destination))}`
        : ''
    }
    <h2>Run now</h2>
    <form method="post" action="/exports/${config.id}/run" class="stacked">
      ${csrfField(data.csrf)}
      <label for="window"
        >Window start (a UTC date${config.cadence === 'hourly' ? ' or hour, e.g. 2026-11-25T13:00:00Z' : ''})</label
      >
      <input type="text" id="window" name="window" value="${data.today}" />
      <label class="inline"
        ><input type="checkbox" name="rerun" value="1" /> export the whole window again (rewrites its objects; without
        it, a delivered window gets only its late records)</label
      >
      <p><button type="submit">Run now</button></p>
    </form>
    <h2>Backfill</h2>
    <form method="post" action="/exports/${config.id}/backfill" class="stacked">
      ${csrfField(data.csrf)} <label for="from">From (inclusive)</label
      ><input type="text" id="from" name="from" placeholder="2026-11-01" /> <label for="to">To (inclusive)</label
      ><input type="text" id="to" name="to" placeholder="2026-11-07" />
      <p><button type="submit">Backfill</button></p>
    </form>
    <h2>Run history</h2>
    <table aria-label="runs">
      <thead>
        <tr>
          <th>Window</th>
          <th>Status</th>
          <th>Records</th>
          <th>Bytes</th>
          <th>Objects</th>
          <th>Error</th>
          <th>${data.workflowUrl ? 'Temporal' : 'Attempts'}</th>
          <th>Started / finished</th>
        </tr>
      </thead>
      <tbody>
        ${
          data.runs.length
            ? data.runs.map((run) => runRow(run, undelivered.get(run.window.start) ?? 0, data.workflowUrl))
            : html`<tr>
                <td colspan="8">No runs yet.</td>
              </tr>`
        }
      </tbody>
    </table>
    ${notificationsBlock({
      config,
      lastNotification: data.lastNotification,
      csrf: data.csrf,
      ...(data.newSecret ? { newSecret: data.newSecret } : {}),
    })}
    <h2>Change</h2>
    ${exportForm({ mode: 'edit', action: `/exports/${config.id}/edit`, csrf: data.csrf, values: data.editValues, errors: data.editErrors })}
    <form method="post" action="/exports/${config.id}/delete">
      ${csrfField(data.csrf)}<button type="submit">Delete this export</button>
    </form>`;
}
