// What a notification says: a Slack-compatible `text` (a Slack incoming webhook shows it as it
// is) and the same facts as fields for programs. Built from stored rows only, so every retry of
// one notification sends the same bytes.
import {
  type Destination,
  type ExportConfig,
  type Notification,
  explainFailure,
  exportFolderUrl,
} from '@log-exporter/schemas';

export interface NotificationBody {
  text: string;
  event: 'export.failed' | 'export.recovered' | 'export.test';
  notificationId: string;
  exportId: string;
  organization: string;
  logType: ExportConfig['logType'];
  format: ExportConfig['format'];
  /** Where the export writes: s3://bucket/prefix/folder/; null if its destination is gone. */
  destination: string | null;
  /** The window reported; null for a test notification. */
  window: { start: string; end: string } | null;
  /** The failure (failure notifications), in plain words in `explanation`. */
  error: { type: string; message: string; explanation: string } | null;
  /** The export's page in the admin app: its runs, health and this notification. */
  runUrl: string;
  createdAt: string;
}

/** `2026-11-20` for a day, `2026-11-20 05:00 UTC` for an hour. */
export function windowLabel(window: { start: string; end: string }): string {
  const hours = (Date.parse(window.end) - Date.parse(window.start)) / 3_600_000;
  const start = new Date(window.start).toISOString();
  return hours >= 24 ? start.slice(0, 10) : `${start.slice(0, 10)} ${start.slice(11, 16)} UTC`;
}

interface BodyContext {
  config: ExportConfig;
  destination: Destination | undefined;
  /** The admin app's address as people reach it (ADMIN_PUBLIC_URL). */
  adminUrl: string;
}

/** What every body says of the export: its page, its folder, and a phrase naming it. */
function describeExport({ config, destination, adminUrl }: BodyContext) {
  const runUrl = `${adminUrl.replace(/\/+$/, '')}/exports/${config.id}`;
  const where = destination ? exportFolderUrl(destination, config.folder) : null;
  const what = `Log export ${config.id} (${config.logType} logs of ${config.organization}${where ? ` into ${where}` : ''})`;
  const fields = {
    exportId: config.id,
    organization: config.organization,
    logType: config.logType,
    format: config.format,
    destination: where,
  };
  return { runUrl, what, fields };
}

/** A test notification (`POST /api/exports/:id/notifications/test`): the shape of a real one. */
export function testNotificationBody(input: BodyContext & { id: string; createdAt: string }): NotificationBody {
  const { runUrl, what, fields } = describeExport(input);
  return {
    text: `Test notification: ${what} will tell this address when a window fails, and when it recovers. Details: ${runUrl}`,
    event: 'export.test',
    notificationId: input.id,
    ...fields,
    window: null,
    error: null,
    runUrl,
    createdAt: input.createdAt,
  };
}

export function notificationBody(input: BodyContext & { notification: Notification }): NotificationBody {
  const { notification } = input;
  const { runUrl, what, fields } = describeExport(input);
  const window = windowLabel(notification.window);
  const failed = notification.kind === 'failure';
  const explanation = explainFailure(notification.errorType);
  const text = failed
    ? `${what} failed for the window ${window} (${notification.errorType ?? 'Error'}). ${explanation} Details: ${runUrl}`
    : `${what} is delivering again: the window ${window} succeeded. Details: ${runUrl}`;
  return {
    text,
    event: failed ? 'export.failed' : 'export.recovered',
    notificationId: notification.id,
    ...fields,
    window: notification.window,
    error: failed
      ? { type: notification.errorType ?? 'Error', message: notification.errorMessage ?? '', explanation }
      : null,
    runUrl,
    createdAt: notification.createdAt,
  };
}
