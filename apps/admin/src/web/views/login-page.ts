// The login page: an ops or customer access token (or ADMIN_TOKEN) in, a session cookie out.
import { type Html, html } from '../html';

export function loginView(options: { next: string; error?: string }): Html {
  return html`<h1>Log in</h1>
    <p>Log in with the access token you were given (ops: yours or <code>ADMIN_TOKEN</code>).</p>
    <form method="post" action="/login" class="stacked">
      <input type="hidden" name="next" value="${options.next}" />
      <label for="token">Access token</label>
      <input type="password" id="token" name="token" autocomplete="current-password" required />
      ${options.error ? html`<p class="field-error" role="alert">${options.error}</p>` : ''}
      <p><button type="submit">Log in</button></p>
    </form>`;
}
