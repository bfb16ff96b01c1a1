// The page for an unknown ID, or one of another organisation: the same words, so nothing leaks.
import { type Html, html } from '../html';

export function notFoundView(what: 'destination' | 'export'): Html {
  return html`<h1>No such ${what}</h1>
    <p><a href="/">Back to exports</a></p>`;
}
