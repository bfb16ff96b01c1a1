// The preview of a window's first lines, as the export page and the new-export form show it.
import type { Preview } from '../../preview';
import { type Html, html } from '../html';

export function previewBlock(preview: Preview): Html {
  return html`<section aria-label="preview">
    <p>
      The first ${preview.records} of ${preview.windowRecords} record(s) of the window starting ${preview.window.start},
      exactly as the export writes them (uncompressed here); nothing was written to the bucket.
      ${preview.format === 'parquet' ? 'Parquet is binary: each row is shown as a JSON line of its columns.' : ''}
    </p>
    <pre id="preview-lines">${preview.lines.length ? preview.lines.join('\n') : '(no records in this window)'}</pre>
  </section>`;
}
