// New export: the one export form in create mode, over the destinations the viewer may use.
import type { Destination } from '@log-exporter/schemas';
import { type FieldErrors, type Form, exportForm } from '../form';
import { type Html, html } from '../html';
import type { Preview } from '../../preview';
import { previewBlock } from './preview-block';

export function newExportView(options: {
  csrf: string;
  destinations: readonly Destination[];
  values: Form;
  errors: FieldErrors;
  /** Yesterday's first lines with the settings typed, after "Preview". */
  preview?: Preview;
}): Html {
  return html`<h1>New export</h1>
    ${
      options.destinations.length
        ? exportForm({ mode: 'create', action: '/exports', ...options })
        : html`<p>No destination yet: <a href="/destinations/new">create one first</a>.</p>`
    }
    ${options.preview ? previewBlock(options.preview) : ''}`;
}
