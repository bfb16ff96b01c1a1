// An export's Athena / Glue table definition, to copy or download: on the export page and, per
// export, on the destination's hand-over page.
import type { ExportConfig } from '@log-exporter/schemas';
import { type Html, html } from '../html';

export function tableDdlBlock(config: Pick<ExportConfig, 'id' | 'logType' | 'format'>, ddl: string): Html {
  const id = `table-ddl-${config.id}`;
  return html`<details>
    <summary>Athena / Glue table for ${config.logType} logs as ${config.format} (<code>${config.id}</code>)</summary>
    <pre id="${id}">${ddl}</pre>
    <button type="button" data-copy="${id}">Copy</button>
    <a href="/exports/${config.id}/table-ddl" download>Download</a>
  </details>`;
}
