// An export: one log type of one organisation, in one format, into one folder of a destination.
import { z } from 'zod';
import { keyPrefixSchema } from './aws-names';
import {
  type Compression,
  type FieldGroup,
  type Format,
  type IpHandling,
  type LogType,
  cadenceSchema,
  DEFAULT_PARQUET_COMPRESSION,
  compressionSchema,
  defaultCompression,
  fieldGroupSchema,
  formatCompressesItself,
  formatSchema,
  formatSupportsLogType,
  ipHandlingSchema,
  logTypeSchema,
  parquetCompressionSchema,
} from './export-options';
import { destinationIdSchema, exportIdSchema } from './ids';
import { notifyUrlSchema } from './notifications';
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
  /** Absent: `drop` when `exclude` lists `ip`, else `keep` (see settleIpHandling). */
  ipHandling: ipHandlingSchema.optional(),
  /** Absent: gzip, or none for a format that compresses itself (see defaultCompression). */
  compression: compressionSchema.optional(),
  /** The page codec of Parquet files; other formats ignore it. */
  parquetCompression: parquetCompressionSchema.default(DEFAULT_PARQUET_COMPRESSION),
  cadence: cadenceSchema.default('daily'),
  enabled: z.boolean().default(true),
  /** Where failure and recovery notifications are POSTed; null: none. */
  notifyUrl: notifyUrlSchema.nullable().default(null),
};

type ProblemList = { path: string[]; message: string }[];

/** An export's IP settings: `exclude` lists `ip` exactly when `ipHandling` is `drop`. */
export interface IpSettings {
  exclude: FieldGroup[];
  ipHandling: IpHandling;
}

/**
 * The IP settings after a change (`current` null for a new export). `ipHandling: "drop"` and
 * `exclude: ["ip"]` are two spellings of one setting, kept in step: setting one sets the other,
 * and a body that sends both must not contradict itself.
 */
export function settleIpHandling(
  current: IpSettings | null,
  change: { exclude?: FieldGroup[]; ipHandling?: IpHandling },
): IpSettings {
  const exclude = change.exclude ?? current?.exclude ?? [];
  if (change.ipHandling !== undefined) {
    const rest = exclude.filter((group) => group !== 'ip');
    return {
      exclude: change.ipHandling === 'drop' ? [...rest, 'ip' as const].sort() : rest,
      ipHandling: change.ipHandling,
    };
  }
  if (exclude.includes('ip')) return { exclude, ipHandling: 'drop' };
  const kept = current && current.ipHandling !== 'drop' ? current.ipHandling : 'keep';
  return { exclude, ipHandling: kept };
}

/** A body sending both spellings must say the same thing. */
export function ipHandlingProblems(change: { exclude?: FieldGroup[]; ipHandling?: IpHandling }): ProblemList {
  const { exclude, ipHandling } = change;
  if (ipHandling === undefined || ipHandling === 'drop' || !exclude?.includes('ip')) return [];
  return [
    {
      path: ['ipHandling'],
      message: `ipHandling "${ipHandling}" contradicts exclude "ip", which drops the IP fields: send ipHandling "drop", or leave "ip" out of exclude`,
    },
  ];
}

/** Settings that are valid alone but not together; also run on an export after a change. */
export function exportCombinationProblems(value: {
  format?: Format;
  logType?: LogType;
  repositories?: string[] | null;
  compression?: Compression;
}): ProblemList {
  const problems: ProblemList = [];
  if (value.format && value.compression && formatCompressesItself(value.format) && value.compression !== 'none') {
    problems.push({
      path: ['compression'],
      message: `format "${value.format}" compresses inside the file (set parquetCompression to zstd or snappy): compression must be "none", not "${value.compression}"`,
    });
  }
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

/** A zod refinement reporting each problem `find` sees, at its path. */
function refineWith<T>(find: (value: T) => ProblemList) {
  return (value: T, ctx: z.RefinementCtx): void => {
    for (const problem of find(value)) ctx.addIssue({ code: 'custom', ...problem });
  };
}

export const createExportInputSchema = z
  .strictObject({ destinationId: destinationIdSchema, ...exportSettingsShape })
  .superRefine(refineWith(exportCombinationProblems))
  .superRefine(refineWith(ipHandlingProblems))
  .transform((value) => ({
    ...value,
    compression: value.compression ?? defaultCompression(value.format),
    ...settleIpHandling(null, value),
  }));
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
    ipHandling: ipHandlingSchema,
    compression: compressionSchema,
    parquetCompression: parquetCompressionSchema,
    cadence: cadenceSchema,
    enabled: z.boolean(),
    notifyUrl: notifyUrlSchema.nullable(),
  })
  .partial()
  .superRefine(refineWith(ipHandlingProblems));
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
    ipHandling: ipHandlingSchema,
    compression: compressionSchema,
    parquetCompression: parquetCompressionSchema,
    cadence: cadenceSchema,
    enabled: z.boolean(),
    notifyUrl: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    health: exportHealthSchema,
  })
  .superRefine(refineWith(exportCombinationProblems));
export type ExportConfig = z.infer<typeof exportConfigSchema>;
