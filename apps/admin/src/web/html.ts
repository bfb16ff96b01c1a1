// HTML rendering without a template engine: `html` escapes every interpolated value unless it is
// already rendered HTML (`Html`), so user data can never become markup.
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] as string);
  return new Html(out);
}

export interface PageOptions {
  title: string;
  body: Html;
  /** Shown when logged in: the logout form needs the CSRF token. */
  csrf?: string;
  /** Who is logged in: customers see their organisation's pages only. */
  viewer?: { name: string; organization: string | null };
  flash?: { kind: 'ok' | 'error'; text: string };
}

export function page(options: PageOptions): string {
  return `<!doctype html>${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Log exporter admin</title>
        <link rel="stylesheet" href="/static/admin.css" />
        <script src="/static/admin.js" defer></script>
      </head>
      <body>
        <header>
          <a class="brand" href="/">Log exporter admin</a>
          ${
            options.csrf
              ? html`<nav>
                  <a href="/">Exports</a> <a href="/destinations/new">New destination</a>
                  <a href="/exports/new">New export</a>
                  ${options.viewer && options.viewer.organization === null ? html`<a href="/tokens">Tokens</a>` : ''}
                  ${options.viewer ? html`<span class="scope" id="viewer">${options.viewer.name}${options.viewer.organization ? ` (${options.viewer.organization})` : ' (ops)'}</span>` : ''}
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value="${options.csrf}" /><button type="submit">Log out</button>
                  </form>
                </nav>`
              : ''
          }
        </header>
        <main>
          ${options.flash ? html`<p class="flash ${options.flash.kind}" role="status">${options.flash.text}</p>` : ''}
          ${options.body}
        </main>
      </body>
    </html>`.value
  }`;
}
