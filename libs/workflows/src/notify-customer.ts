// notifyCustomer: delivers one notification (a window failed for good, or the export recovered)
// to the export's webhook. A workflow of its own, started by exportWindow without waiting for it,
// so a receiver that is down for hours is retried for hours without holding up any export.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '@log-exporter/schemas';
import { RETRY } from './retry-policies';

const { postNotification } = proxyActivities<NotificationActivities>({
  // DNS, connect and one small POST, bounded by the request timeout (NOTIFICATION_DEFAULTS).
  startToCloseTimeout: '1 minute',
  retry: RETRY.notify,
});
const { recordNotificationGaveUp } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: RETRY.quick,
});

export async function notifyCustomer(input: {
  notificationId: string;
}): Promise<{ status: number } | { skipped: string }> {
  try {
    return await postNotification(input);
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const message = cause instanceof Error ? cause.message : String(cause);
    await recordNotificationGaveUp({ notificationId: input.notificationId, error: message });
    throw ApplicationFailure.nonRetryable(
      `notification ${input.notificationId} not delivered: ${message}`,
      'NotificationNotDelivered',
    );
  }
}
