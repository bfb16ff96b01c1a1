export { type WebhookAddressPolicy, addressProblem, webhookUrlProblem } from './webhook-address';
export { newNotifySecret, signBody, verifySignature } from './signature';
export { type NotificationBody, notificationBody, testNotificationBody, windowLabel } from './notification-body';
export { NotificationDeliveryError, type PostOptions, postNotification } from './post-notification';
