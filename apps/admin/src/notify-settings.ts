// An export's notify URL and its signing secret, on the admin side: the URL checked against the
// webhook address policy before anything is stored (400 naming body.notifyUrl), and the secret
// made when a URL is first set, shown once in that response, rotated on request, removed with the
// URL. The worker checks the URL again, on the addresses its name resolves to, before each POST.
import type { ExportConfig } from '@log-exporter/schemas';
import { newNotifySecret, webhookUrlProblem } from '@log-exporter/notifications';
import type { AdminDeps } from './admin-deps';
import { HttpError } from './http/http-error';

/** `https://host:port` of a URL, or the text itself when it is not one. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Refuses a notify URL the worker may not POST to (private, link-local, loopback unless allowed). */
export function checkNotifyUrl(deps: Pick<AdminDeps, 'settings'>, url: string | null | undefined): void {
  if (url === null || url === undefined) return;
  const problem = webhookUrlProblem(url, { allowLoopback: deps.settings.allowLoopbackWebhooks === true });
  if (problem) {
    // Named by its origin only: a webhook URL's path is often a secret itself (Slack's are).
    const message = `notifyUrl ${JSON.stringify(originOf(url))} is refused: ${problem}`;
    throw new HttpError(400, 'invalid_request', message, [{ path: 'body.notifyUrl', message: problem }]);
  }
}

/**
 * After a change: the secret of a newly notifying export (returned, to be shown once), nothing for
 * one that had a secret already, and no secret kept for one that stopped notifying.
 */
export async function settleNotifySecret(
  deps: Pick<AdminDeps, 'store'>,
  config: ExportConfig,
): Promise<string | undefined> {
  const current = await deps.store.exports.notifySecret(config.id);
  if (config.notifyUrl === null) {
    if (current !== undefined) await deps.store.exports.setNotifySecret(config.id, null);
    return undefined;
  }
  if (current !== undefined) return undefined;
  const secret = newNotifySecret();
  await deps.store.exports.setNotifySecret(config.id, secret);
  return secret;
}

/** A new secret for an export with a notify URL; the old one stops verifying at once. */
export async function rotateNotifySecret(deps: Pick<AdminDeps, 'store'>, config: ExportConfig): Promise<string> {
  if (config.notifyUrl === null) {
    throw new HttpError(409, 'conflict', `export ${config.id} has no notifyUrl: set one first (PATCH notifyUrl)`, [
      { path: 'notifyUrl', message: 'not set' },
    ]);
  }
  const secret = newNotifySecret();
  await deps.store.exports.setNotifySecret(config.id, secret);
  return secret;
}
