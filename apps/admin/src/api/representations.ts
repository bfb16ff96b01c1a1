// What the API returns: stored shapes plus what callers need next (role ARN, Temporal UI links,
// the export's health status). Declared with zod for the OpenAPI document.
import { z } from 'zod';
import {
  type Destination,
  type ExportConfig,
  type Run,
  destinationSchema,
  exportConfigSchema,
  roleArnFor,
  runSchema,
} from '@log-exporter/schemas';

export const destinationResponseSchema = destinationSchema.extend({ roleArn: z.string() });
export type DestinationResponse = z.infer<typeof destinationResponseSchema>;

export function destinationResponse(destination: Destination): DestinationResponse {
  return { ...destination, roleArn: roleArnFor(destination.awsAccountId, destination.roleName) };
}

export const exportStatusSchema = z.enum(['healthy', 'failing', 'never-run', 'disabled']);
export type ExportStatus = z.infer<typeof exportStatusSchema>;

export const exportResponseSchema = exportConfigSchema.and(z.object({ status: exportStatusSchema }));
export type ExportResponse = ExportConfig & { status: ExportStatus };

/** healthy / failing (N consecutive failed windows) / never-run / disabled. */
export function exportStatus(config: ExportConfig, failingAfter: number): ExportStatus {
  if (!config.enabled) return 'disabled';
  if (config.health.consecutiveFailures >= failingAfter) return 'failing';
  if (!config.health.lastSuccessAt && !config.health.lastFailureAt) return 'never-run';
  return 'healthy';
}

export function exportResponse(config: ExportConfig, failingAfter: number): ExportResponse {
  return { ...config, status: exportStatus(config, failingAfter) };
}

export const runResponseSchema = runSchema.extend({ temporalUrl: z.string() });
export type RunResponse = Run & { temporalUrl: string };

export const policiesResponseSchema = z.object({
  externalId: z.string(),
  roleArn: z.string(),
  permissionPolicy: z.unknown(),
  trustPolicy: z.unknown(),
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
});

export const ingestResultSchema = z.object({
  received: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int(),
});

export const healthSchema = z.object({
  ok: z.boolean(),
  database: z.object({ ok: z.boolean(), message: z.string() }),
  temporal: z.object({ ok: z.boolean(), message: z.string() }),
});
