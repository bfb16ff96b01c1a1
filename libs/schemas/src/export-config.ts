// An export: one log type of one organisation, in one format, into one folder of a destination.
import { z } from 'zod';
import { keyPrefixSchema } from './aws-names';
import {
  type Format,
  type LogType,
  cadenceSchema,
  compressionSchema,
  fieldGroupSchema,
  formatSchema,
  formatSupportsLogType,
  logTypeSchema,
} from './export-options';
import { destinationIdSchema, exportIdSchema } from './ids';
import { slug } from './primitives';

const repositoriesSchema = z
  .array(slug)
  .min(1, 'list at least one repository, or leave repositories out to export the whole organisation')
  .max(1000)
  .transform((list) => [...new Set(list)].sort())
  .nullable();

const excludeSchema = z.array(fieldGroupSchema).transform((list) => [...new Set(list)].sort());

/** What can be set on an export; defaults are the ones a new export gets. */
const exportSettingsShape = {
  logType: logTypeSchema,
  format: formatSchema,
  folder: keyPrefixSchema,
  repositories: repositoriesSchema.default(null),
  exclude: excludeSchema.default([]),
  compression: compressionSchema.default('gzip'),
  cadence: cadenceSchema.default('daily'),
  enabled: z.boolean().default(true),
};

/** Settings that are valid alone but not together; also run on an export after a change. */
export function exportCombinationProblems(value: {
  format?: Format;
  logType?: LogType;
  repositories?: string[] | null;
}): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  if (value.format && value.logType && !formatSupportsLogType(value.format, value.logType)) {
    problems.push({
      path: ['format'],
      message: `format "${value.format}" cannot carry ${value.logType} logs (Apache lines describe downloads: client logs only)`,
    });
  }
  if (value.logType === 'audit' && value.repositories) {
    problems.push({
      path: ['repositories'],
      message:
        'audit logs are exported for the whole organisation: leave repositories out (they scope client logs only)',
    });
  }
  return problems;
}

function checkFormatForLogType(
  value: { format?: Format; logType?: LogType; repositories?: string[] | null },
  ctx: z.RefinementCtx,
): void {
  for (const problem of exportCombinationProblems(value)) ctx.addIssue({ code: 'custom', ...problem });
}

export const createExportInputSchema = z
  .strictObject({ destinationId: destinationIdSchema, ...exportSettingsShape })
  .superRefine(checkFormatForLogType);
export type CreateExportInput = z.input<typeof createExportInputSchema>;
/** A validated new export, defaults applied. */
export type NewExport = z.output<typeof createExportInputSchema>;

/** A change to an export. The log type is fixed at creation: a new log type is a new export. */
export const updateExportInputSchema = z
  .strictObject({
    format: formatSchema,
    folder: keyPrefixSchema,
    repositories: repositoriesSchema,
    exclude: excludeSchema,
    compression: compressionSchema,
    cadence: cadenceSchema,
    enabled: z.boolean(),
  })
  .partial();
export type UpdateExportInput = z.input<typeof updateExportInputSchema>;
/** A validated change to an export. */
export type ExportChange = z.output<typeof updateExportInputSchema>;

export const exportHealthSchema = z.object({
  lastSuccessAt: z.string().nullable(),
  lastSuccessWindow: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  lastError: z.string().nullable(),
  consecutiveFailures: z.number().int().min(0),
});
export type ExportHealth = z.infer<typeof exportHealthSchema>;

export const exportConfigSchema = z
  .object({
    id: exportIdSchema,
    destinationId: destinationIdSchema,
    organization: slug,
    logType: logTypeSchema,
    format: formatSchema,
    folder: z.string(),
    repositories: z.array(slug).nullable(),
    exclude: z.array(fieldGroupSchema),
    compression: compressionSchema,
    cadence: cadenceSchema,
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    health: exportHealthSchema,
  })
  .superRefine(checkFormatForLogType);
export type ExportConfig = z.infer<typeof exportConfigSchema>;
