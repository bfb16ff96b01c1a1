// What the API returns: stored shapes plus what callers need next (role ARN, Temporal UI links,
// the export's health status). Declared with zod for the OpenAPI document.
import { z } from 'zod';
import type { ExportReconciliation } from '../reconciliation';
import {
  type Destination,
  type ExportConfig,
  destinationSchema,
  exportConfigSchema,
  formatSchema,
  type Notification,
  notificationSchema,
  roleArnFor,
  runSchema,
} from '@log-exporter/schemas';

export const destinationResponseSchema = destinationSchema.extend({ roleArn: z.string() });
export type DestinationResponse = z.infer<typeof destinationResponseSchema>;

export function destinationResponse(destination: Destination): DestinationResponse {
  return { ...destination, roleArn: roleArnFor(destination.awsAccountId, destination.roleName) };
}

export const exportStatusSchema = z.enum(['healthy', 'degraded', 'failing', 'never-run', 'disabled']);
export type ExportStatus = z.infer<typeof exportStatusSchema>;

const windowReconciliationSchema = z.object({
  windowStart: z.string(),
  deliveredRecords: z.number().int().min(0),
  undeliveredRecords: z.number().int().min(0),
});

/** Records stored against records delivered (see reconciliation.ts). */
export const exportReconciliationSchema = z.object({
  undeliveredRecords: z.number().int().min(0),
  windows: z.array(windowReconciliationSchema),
  beyondHorizon: z.object({ windows: z.number().int().min(0), records: z.number().int().min(0) }),
  degradedReason: z.string().nullable(),
});

export const exportResponseSchema = exportConfigSchema.and(
  z.object({
    status: exportStatusSchema,
    reconciliation: exportReconciliationSchema,
    /** The newest failure or recovery notification, and how its delivery went. */
    lastNotification: notificationSchema.nullable(),
    /** The secret notification bodies are signed with: only in the response that made it, once. */
    notifySecret: z.string().optional(),
  }),
);
export type ExportResponse = ExportConfig & {
  status: ExportStatus;
  reconciliation: ExportReconciliation;
  lastNotification: Notification | null;
  notifySecret?: string;
};

/**
 * disabled / failing (N consecutive failed windows) / degraded (stored records wait for delivery) /
 * never-run / healthy.
 */
export function exportStatus(
  config: ExportConfig,
  failingAfter: number,
  reconciliation: Pick<ExportReconciliation, 'degradedReason'>,
): ExportStatus {
  if (!config.enabled) return 'disabled';
  if (config.health.consecutiveFailures >= failingAfter) return 'failing';
  if (reconciliation.degradedReason) return 'degraded';
  if (!config.health.lastSuccessAt && !config.health.lastFailureAt) return 'never-run';
  return 'healthy';
}

export function exportResponse(
  config: ExportConfig,
  failingAfter: number,
  reconciliation: ExportReconciliation,
  lastNotification: Notification | null,
  notifySecret?: string,
): ExportResponse {
  return {
    ...config,
    status: exportStatus(config, failingAfter, reconciliation),
    reconciliation,
    lastNotification,
    ...(notifySecret ? { notifySecret } : {}),
  };
}

export const runResponseSchema = runSchema.extend({
  temporalUrl: z.string(),
  /** Records of the window in the bucket, and stored in scope but not delivered yet. */
  deliveredRecords: z.number().int().min(0),
  undeliveredRecords: z.number().int().min(0),
});
export type RunResponse = z.infer<typeof runResponseSchema>;

export const policiesResponseSchema = z.object({
  externalId: z.string(),
  roleArn: z.string(),
  permissionPolicy: z.unknown(),
  trustPolicy: z.unknown(),
});

export const previewResponseSchema = z.object({
  window: z.object({ start: z.string(), end: z.string() }),
  format: formatSchema,
  windowRecords: z.number().int().min(0),
  records: z.number().int().min(0),
  /** Each line as written, without its newline (CSV: the header first; Parquet: each row as a JSON line). */
  lines: z.array(z.string()),
});

export const verificationResponseSchema = z.object({
  ok: z.boolean(),
  steps: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
});

export const runsStartedSchema = z.object({
  workflowIds: z.array(z.string()),
  backfill: z.object({ workflowId: z.string(), temporalUrl: z.string() }).optional(),
  windows: z.array(
    z.object({
      windowStart: z.string(),
      workflowId: z.string(),
      status: z.enum(['running']),
      temporalUrl: z.string(),
    }),
  ),
});

export const scheduleStateSchema = z.object({
  scheduleId: z.string(),
  paused: z.boolean(),
  note: z.string(),
  nextActionTimes: z.array(z.string()),
  recentActions: z.array(z.object({ scheduledAt: z.string(), workflowId: z.string() })),
});

export const reconcileReportSchema = z.object({
  created: z.array(z.string()),
  updated: z.array(z.string()),
  unchanged: z.array(z.string()),
  deleted: z.array(z.string()),
  errors: z.array(z.object({ exportId: z.string(), message: z.string() })),
  /** The daily log clean-up's schedule (LOG_RETENTION). */
  retentionSchedule: z.enum(['created', 'updated']),
});

export const ingestResultSchema = z.object({
  received: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int(),
});

export const livenessSchema = z.object({ ok: z.literal(true) });

export const healthSchema = z.object({
  ok: z.boolean(),
  database: z.object({ ok: z.boolean(), message: z.string() }),
  temporal: z.object({ ok: z.boolean(), message: z.string() }),
});
