// Delivering one notification (README, Notifications): load what it reports, build and sign the
// body, POST it, record the attempt. The export's URL and secret are read here, in the activity,
// so neither passes through workflow history; logs name the receiver's host only (a webhook
// URL's path is often itself a secret, as Slack's are).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import {
  NOTIFICATION_DEFAULTS,
  NOTIFICATION_REFUSED_ERROR_TYPE,
  NOTIFICATION_UNDELIVERED_ERROR_TYPE,
  type NotificationActivities,
} from '@log-exporter/schemas';
import { NotificationDeliveryError, notificationBody, postNotification } from '@log-exporter/notifications';
import type { Store } from '@log-exporter/store';
import { toActivityFailure } from './activity-failures';

export interface NotificationSettings {
  /** ALLOW_LOOPBACK_WEBHOOKS: loopback receivers allowed (local use and tests). */
  allowLoopback: boolean;
  /** ADMIN_PUBLIC_URL: the admin app as people reach it; notifications link to the export's page there. */
  adminUrl: string;
  /** One POST may take this long. */
  requestTimeoutMs: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  allowLoopback: false,
  adminUrl: NOTIFICATION_DEFAULTS.adminPublicUrl,
  requestTimeoutMs: NOTIFICATION_DEFAULTS.requestTimeoutMs,
};

export interface NotificationActivityDeps {
  store: Store;
  logger: Logger;
  settings?: Partial<NotificationSettings>;
}

export function createNotificationActivities(deps: NotificationActivityDeps): NotificationActivities {
  const settings: NotificationSettings = { ...DEFAULT_NOTIFICATION_SETTINGS, ...deps.settings };
  const { store } = deps;

  return {
    async postNotification({ notificationId }) {
      try {
        const notification = await store.notifications.get(notificationId);
        if (!notification)
          throw ApplicationFailure.nonRetryable(`no notification ${notificationId}`, NOTIFICATION_REFUSED_ERROR_TYPE);
        const attempt = Context.current().info.attempt;
        const log = deps.logger.child({
          exportId: notification.exportId,
          window: notification.window.start,
          notificationId,
          kind: notification.kind,
          attempt,
        });
        const config = await store.exports.get(notification.exportId);
        const secret = config && (await store.exports.notifySecret(config.id));
        if (!config?.notifyUrl || !secret) {
          const reason = config ? 'the export no longer has a notify URL' : 'the export was deleted';
          await store.notifications.recordAttempt(notificationId, {
            attempt,
            status: 'skipped',
            responseStatus: null,
            error: reason,
          });
          log.info({ reason }, 'notification skipped');
          return { skipped: reason };
        }
        const receiver = new URL(config.notifyUrl).host;
        const body = JSON.stringify(
          notificationBody({
            notification,
            config,
            destination: await store.destinations.get(config.destinationId),
            adminUrl: settings.adminUrl,
          }),
        );
        try {
          const { status } = await postNotification(config.notifyUrl, body, secret, notificationId, {
            allowLoopback: settings.allowLoopback,
            timeoutMs: settings.requestTimeoutMs,
          });
          await store.notifications.recordAttempt(notificationId, {
            attempt,
            status: 'delivered',
            responseStatus: status,
            error: null,
          });
          log.info({ receiver, status }, 'notification delivered');
          return { status };
        } catch (err) {
          if (!(err instanceof NotificationDeliveryError)) throw err;
          await store.notifications.recordAttempt(notificationId, {
            attempt,
            status: err.retryable ? 'pending' : 'failed',
            responseStatus: err.responseStatus,
            error: err.message,
          });
          log.warn(
            { receiver, status: err.responseStatus, err: err.message, retryable: err.retryable },
            'notification not delivered',
          );
          throw ApplicationFailure.create({
            type: err.retryable ? NOTIFICATION_UNDELIVERED_ERROR_TYPE : NOTIFICATION_REFUSED_ERROR_TYPE,
            message: err.message,
            nonRetryable: !err.retryable,
          });
        }
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    async recordNotificationGaveUp({ notificationId, error }) {
      try {
        await store.notifications.giveUp(notificationId, error);
        const notification = await store.notifications.get(notificationId);
        deps.logger.warn(
          { exportId: notification?.exportId, window: notification?.window.start, notificationId, err: error },
          'notification given up',
        );
      } catch (err) {
        throw toActivityFailure(err);
      }
    },
  };
}
