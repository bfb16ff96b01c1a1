// "Send a test notification": one signed POST to the export's notify URL now, from the admin app,
// with the body a real notification has (`event: "export.test"`), so a customer can check their
// receiver and signature before anything fails. The same address policy as the worker's. At most
// TESTS_PER_MINUTE per export, so the button cannot make us a source of requests to any address.
import { randomBytes } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { NOTIFICATION_DEFAULTS, type ExportConfig } from '@log-exporter/schemas';
import { NotificationDeliveryError, postNotification, testNotificationBody } from '@log-exporter/notifications';
import type { AdminDeps } from './admin-deps';
import { HttpError } from './http/http-error';

export const TESTS_PER_MINUTE = 5;

export interface TestNotificationResult {
  notificationId: string;
  delivered: boolean;
  /** The receiver's HTTP status; null if none answered. */
  responseStatus: number | null;
  error: string | null;
}

type Notifier = (config: ExportConfig) => Promise<TestNotificationResult>;
const notifiers = new WeakMap<AdminDeps, Notifier>();

/** The app's one test notifier (one rate limit shared by the API and the pages). */
export function testNotifierOf(deps: AdminDeps): Notifier {
  let notifier = notifiers.get(deps);
  if (!notifier) notifiers.set(deps, (notifier = createTestNotifier(deps)));
  return notifier;
}

function createTestNotifier(deps: Pick<AdminDeps, 'store' | 'settings' | 'logger'>): Notifier {
  const limiter = new RateLimiterMemory({ points: TESTS_PER_MINUTE, duration: 60 });

  return async function sendTestNotification(config: ExportConfig): Promise<TestNotificationResult> {
    const secret = await deps.store.exports.notifySecret(config.id);
    if (!config.notifyUrl || !secret) {
      throw new HttpError(409, 'conflict', `export ${config.id} has no notifyUrl: set one first (PATCH notifyUrl)`, [
        { path: 'notifyUrl', message: 'not set' },
      ]);
    }
    try {
      await limiter.consume(config.id);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw new HttpError(429, 'rate_limited', `at most ${TESTS_PER_MINUTE} test notifications per export per minute`, [
        { path: 'notifyUrl', message: `retry in ${Math.ceil(err.msBeforeNext / 1000)} s` },
      ]);
    }
    const notificationId = `ntf_test_${randomBytes(8).toString('hex')}`;
    const body = JSON.stringify(
      testNotificationBody({
        config,
        destination: await deps.store.destinations.get(config.destinationId),
        adminUrl: deps.settings.publicUrl ?? NOTIFICATION_DEFAULTS.adminPublicUrl,
        id: notificationId,
        createdAt: new Date().toISOString(),
      }),
    );
    const log = deps.logger.child({ exportId: config.id, notificationId, receiver: new URL(config.notifyUrl).host });
    try {
      const { status } = await postNotification(config.notifyUrl, body, secret, notificationId, {
        allowLoopback: deps.settings.allowLoopbackWebhooks === true,
        timeoutMs: NOTIFICATION_DEFAULTS.requestTimeoutMs,
      });
      log.info({ status }, 'test notification delivered');
      return { notificationId, delivered: true, responseStatus: status, error: null };
    } catch (err) {
      if (!(err instanceof NotificationDeliveryError)) throw err;
      log.warn({ status: err.responseStatus, err: err.message }, 'test notification not delivered');
      return { notificationId, delivered: false, responseStatus: err.responseStatus, error: err.message };
    }
  };
}
