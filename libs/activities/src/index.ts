export * from './export-activities';
export { contentTypeFor } from './content-types';
export { toActivityFailure } from './activity-failures';
export * from './retention-activities';
export { windowPages } from './window-pages';
export { type EncodingSettings, exportEncoding } from './export-encoding';
export {
  DEFAULT_NOTIFICATION_SETTINGS,
  type NotificationSettings,
  createNotificationActivities,
} from './notification-activities';
