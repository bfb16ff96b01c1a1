// Failure notifications: what the exporter tells an export's webhook (README, Notifications). One
// POST when a window fails for good (at most one per export per day), one when the export next
// succeeds after that. Each is a row of its own, so the export page shows the last one and how
// its delivery went.
import { z } from 'zod';

export const notificationKindSchema = z.enum(['failure', 'recovery']);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

/** pending: being delivered (or retried); delivered: the receiver answered 2xx; failed: given up; skipped: the export stopped notifying. */
export const notificationStatusSchema = z.enum(['pending', 'delivered', 'failed', 'skipped']);
export type NotificationStatus = z.infer<typeof notificationStatusSchema>;

export const notificationSchema = z.object({
  id: z.string(),
  exportId: z.string(),
  kind: notificationKindSchema,
  window: z.object({ start: z.string(), end: z.string() }),
  errorType: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /** The window's workflow, whose failure (or success) this reports. */
  workflowId: z.string(),
  createdAt: z.string(),
  status: notificationStatusSchema,
  attempts: z.number().int().min(0),
  /** The receiver's HTTP status on the last attempt; null if none answered. */
  responseStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

/** The signature header on every notification: `sha256=` and the hex HMAC-SHA256 of the raw body. */
export const NOTIFICATION_SIGNATURE_HEADER = 'X-Log-Exporter-Signature';
/** The notification's ID, the same on every retry of it: receivers drop repeats by it. */
export const NOTIFICATION_ID_HEADER = 'X-Log-Exporter-Notification';

/**
 * A webhook URL as typed: http(s), no user name or password (they would be logged and shown), at
 * most 2,000 characters. Which hosts it may reach (no private or link-local addresses) is checked
 * where the network is known: by the admin app on every change and by the worker before each POST
 * (libs/notifications).
 */
export const notifyUrlSchema = z
  .string()
  .max(2000, 'at most 2,000 characters')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a URL (expected https://…)` });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      ctx.addIssue({ code: 'custom', message: `scheme ${JSON.stringify(url.protocol)} is not allowed: use https://` });
    if (url.username || url.password)
      ctx.addIssue({ code: 'custom', message: 'a user name or password in the URL is not allowed' });
  });
