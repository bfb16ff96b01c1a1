// The home page: the exports and destinations the viewer may see (ops: all; a customer: its own).
import type { Destination, ExportConfig } from '@log-exporter/schemas';
import type { ExportStatus } from '../../api/representations';
import { type Html, html } from '../html';
import { orDash, s3Location } from './format';

export interface ExportsPageData {
  exports: readonly { config: ExportConfig; status: ExportStatus }[];
  destinations: readonly Destination[];
  /** The customer's organisation; null for ops. */
  organization: string | null;
}

export function exportsView(data: ExportsPageData): Html {
  const byId = new Map(data.destinations.map((d) => [d.id, d]));
  const rows = data.exports.map(({ config: e, status }) => {
    const d = byId.get(e.destinationId);
    return html`<tr>
      <td><a href="/exports/${e.id}">${e.id}</a></td>
      <td>${e.organization}</td>
      <td>${e.logType}</td>
      <td>${e.format}</td>
      <td><code>${d ? s3Location(d, e.folder) : e.destinationId}</code></td>
      <td>${e.cadence}</td>
      <td class="status-${status}">${status}</td>
      <td>${orDash(e.health.lastSuccessWindow)}</td>
      <td>${orDash(e.health.lastError)}</td>
    </tr>`;
  });
  const destinationRows = data.destinations.map(
    (d) =>
      html`<tr>
        <td><a href="/destinations/${d.id}">${d.id}</a></td>
        <td>${d.organization}</td>
        <td>${d.awsAccountId}</td>
        <td><code>s3://${d.bucket}/${d.prefix}</code></td>
        <td>${d.roleName}</td>
        <td>${d.region}</td>
      </tr>`,
  );
  return html`<h1>${data.organization ? html`Exports of ${data.organization}` : 'Exports'}</h1>
    <table aria-label="exports">
      <thead>
        <tr>
          <th>Export</th>
          <th>Organisation</th>
          <th>Logs</th>
          <th>Format</th>
          <th>Writes to</th>
          <th>Cadence</th>
          <th>Status</th>
          <th>Last success (window)</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length
            ? rows
            : html`<tr>
                <td colspan="9">
                  No exports yet:
                  <a href="/destinations/new">${data.organization ? 'set up your bucket' : 'onboard a customer'}</a>.
                </td>
              </tr>`
        }
      </tbody>
    </table>
    <h2>Destinations</h2>
    <table aria-label="destinations">
      <thead>
        <tr>
          <th>Destination</th>
          <th>Organisation</th>
          <th>AWS account</th>
          <th>Bucket / prefix</th>
          <th>Role</th>
          <th>Region</th>
        </tr>
      </thead>
      <tbody>
        ${
          destinationRows.length
            ? destinationRows
            : html`<tr>
                <td colspan="6">None yet.</td>
              </tr>`
        }
      </tbody>
    </table>`;
}
