// What one export window produced: the run record, its objects and the manifest written last.
import { z } from 'zod';
import { cadenceSchema, compressionSchema, formatSchema, logTypeSchema } from './export-options';
import { exportIdSchema } from './ids';
import { windowSchema } from './windows';

export const exportedObjectSchema = z.object({
  key: z.string(),
  records: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** Hex SHA-256 of the object's bytes as stored (after compression). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ExportedObject = z.infer<typeof exportedObjectSchema>;

export const runStatusSchema = z.enum(['running', 'succeeded', 'failed']);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runErrorSchema = z.object({ type: z.string(), message: z.string() });
export type RunError = z.infer<typeof runErrorSchema>;

/** One row per (export, window): re-running a window updates it in place. */
export const runSchema = z.object({
  exportId: exportIdSchema,
  window: windowSchema,
  status: runStatusSchema,
  records: z.number().int().min(0),
  bytes: z.number().int().min(0),
  objects: z.array(exportedObjectSchema),
  manifestKey: z.string().nullable(),
  error: runErrorSchema.nullable(),
  workflowId: z.string(),
  workflowRunId: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** How many times this window has been started (re-runs included). */
  attempts: z.number().int().min(1),
});
export type Run = z.infer<typeof runSchema>;

export const MANIFEST_VERSION = 1;

/** The manifest: written after every part; its presence means the window is complete. */
export const manifestSchema = z.object({
  manifestVersion: z.literal(MANIFEST_VERSION),
  exportId: exportIdSchema,
  organization: z.string(),
  logType: logTypeSchema,
  format: formatSchema,
  compression: compressionSchema,
  cadence: cadenceSchema,
  window: windowSchema,
  objects: z.array(exportedObjectSchema),
  totals: z.object({
    objects: z.number().int().min(0),
    records: z.number().int().min(0),
    bytes: z.number().int().min(0),
  }),
});
export type Manifest = z.infer<typeof manifestSchema>;
