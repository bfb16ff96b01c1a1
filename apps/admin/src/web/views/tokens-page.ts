// Ops' tokens page: every access token with its status, a form to issue one (the secret shown
// once, on the page that answers the form), and a revoke button per active token.
import type { AccessToken } from '@log-exporter/store';
import { type FieldErrors, type Form, csrfField, errorFor, one } from '../form';
import { type Html, html } from '../html';
import { orDash } from './format';

export interface TokensPageData {
  tokens: readonly (AccessToken & { status: 'active' | 'expired' | 'revoked' })[];
  csrf: string;
  values: Form;
  errors: FieldErrors;
  /** The bearer token just issued: shown once, never again. */
  issued?: { name: string; token: string };
}

export function tokensView(data: TokensPageData): Html {
  const kind = one(data.values, 'kind') || 'customer';
  return html`<h1>Access tokens</h1>
    ${
      data.issued
        ? html`<div class="flash ok" role="status">
            <p>Token for <strong>${data.issued.name}</strong>. Copy it now: it is not shown again.</p>
            <pre id="issued-token">${data.issued.token}</pre>
            <button type="button" data-copy="issued-token">Copy</button>
          </div>`
        : ''
    }
    <table aria-label="tokens">
      <thead>
        <tr>
          <th>Token</th>
          <th>Name</th>
          <th>Kind</th>
          <th>Organisation</th>
          <th>Status</th>
          <th>Created</th>
          <th>Expires</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${
          data.tokens.length
            ? data.tokens.map(
                (t) =>
                  html`<tr>
                    <td><code>${t.id}</code></td>
                    <td>${t.name}</td>
                    <td>${t.kind}</td>
                    <td>${orDash(t.organization)}</td>
                    <td class="status-${t.status === 'active' ? 'healthy' : 'disabled'}">${t.status}</td>
                    <td>${t.createdAt}<br />by ${t.createdBy}</td>
                    <td>${orDash(t.expiresAt)}</td>
                    <td>
                      ${
                        t.status === 'active'
                          ? html`<form method="post" action="/tokens/${t.id}/revoke" class="inline">
                              ${csrfField(data.csrf)}<button type="submit">Revoke</button>
                            </form>`
                          : ''
                      }
                    </td>
                  </tr>`,
              )
            : html`<tr>
                <td colspan="8">No access tokens yet: <code>ADMIN_TOKEN</code> is the only one.</td>
              </tr>`
        }
      </tbody>
    </table>
    <h2>Issue a token</h2>
    <form method="post" action="/tokens" class="stacked">
      ${csrfField(data.csrf)}
      <label for="kind">Kind</label>
      <select id="kind" name="kind">
        <option value="customer" ${kind === 'customer' ? html`selected` : ''}>customer (one organisation)</option>
        <option value="ops" ${kind === 'ops' ? html`selected` : ''}>ops (every organisation)</option>
      </select>
      ${errorFor(data.errors, 'kind')}
      <label for="name">Name (the actor of every change made with it)</label>
      <input type="text" id="name" name="name" value="${one(data.values, 'name')}" placeholder="acmecorp-terraform" />
      ${errorFor(data.errors, 'name')}
      <label for="token-organization">Organisation (customer tokens)</label>
      <input type="text" id="token-organization" name="organization" value="${one(data.values, 'organization')}" />
      ${errorFor(data.errors, 'organization')}
      <label for="expiresAt">Expires at (RFC 3339, optional, within 400 days)</label>
      <input
        type="text"
        id="expiresAt"
        name="expiresAt"
        value="${one(data.values, 'expiresAt')}"
        placeholder="2027-06-30T00:00:00Z"
      />
      ${errorFor(data.errors, 'expiresAt')}
      <p><button type="submit">Issue token</button></p>
    </form>`;
}
