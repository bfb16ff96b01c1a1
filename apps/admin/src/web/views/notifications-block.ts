// The export page's notifications: where they go (the host only: a webhook path is often a
// secret itself), the last one and how its delivery went, the signing secret when it was just
// made, and the button that makes a new one.
import type { ExportConfig, Notification } from '@log-exporter/schemas';
import { csrfField } from '../form';
import { type Html, html } from '../html';
import { orDash } from './format';

export interface NotificationsBlockData {
  config: ExportConfig;
  lastNotification: Notification | null;
  /** The secret made by the post that led here: shown this once. */
  newSecret?: string;
  csrf: string;
}

function receiver(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/…`;
}

function delivery(notification: Notification): string {
  const answer = notification.responseStatus === null ? '' : `, HTTP ${notification.responseStatus}`;
  const tries = `${notification.attempts} attempt(s)${answer}`;
  switch (notification.status) {
    case 'delivered':
      return `delivered at ${orDash(notification.finishedAt)} (${tries})`;
    case 'pending':
      return `being delivered (${tries})${notification.lastError ? `; last error: ${notification.lastError}` : ''}`;
    case 'failed':
      return `not delivered: ${orDash(notification.lastError)} (${tries})`;
    case 'skipped':
      return `not sent: ${orDash(notification.lastError)}`;
  }
}

export function notificationsBlock(data: NotificationsBlockData): Html {
  const { config, lastNotification: last } = data;
  return html`<h2>Notifications</h2>
    <table aria-label="notifications">
      <tr>
        <th>Sent to</th>
        <td id="notify-url">
          ${config.notifyUrl ? html`<code>${receiver(config.notifyUrl)}</code>` : 'nowhere: set a notify URL below'}
        </td>
      </tr>
      <tr>
        <th>Last notification</th>
        <td id="last-notification">
          ${
            last
              ? html`${last.kind === 'failure' ? 'failure' : 'recovery'} of the window ${last.window.start}
                ${last.errorType ? html` (${last.errorType})` : ''}, ${last.createdAt}: ${delivery(last)}`
              : 'none yet'
          }
        </td>
      </tr>
    </table>
    ${
      data.newSecret
        ? html`<p class="flash ok" role="status" id="notify-secret">
            Signing secret, shown this once: <code>${data.newSecret}</code><br />Each notification carries
            <code>X-Log-Exporter-Signature: sha256=&lt;hex HMAC-SHA256 of the body under this secret&gt;</code>.
          </p>`
        : ''
    }
    ${
      config.notifyUrl
        ? html`<form method="post" action="/exports/${config.id}/notifications/test">
              ${csrfField(data.csrf)}<button type="submit">Send a test notification</button>
            </form>
            <form method="post" action="/exports/${config.id}/notify-secret">
              ${csrfField(data.csrf)}<button type="submit">Make a new signing secret</button>
            </form>`
        : ''
    }`;
}
