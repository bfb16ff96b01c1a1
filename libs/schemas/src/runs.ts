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
  /** Hex SHA-256 of the manifest as written: the next window's manifest links to it. */
  manifestSha256: z.string().nullable(),
  error: runErrorSchema.nullable(),
  workflowId: z.string(),
  workflowRunId: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** How many times this window has been started (re-runs included). */
  attempts: z.number().int().min(1),
  /** The manifest revision last written (0: never delivered); every delivery adds one. */
  revision: z.number().int().min(0),
  /**
   * The ingest sequence the deliveries covered: every record of the window in scope stored up to
   * it is in the objects; later ones are late, for the next delivery. Null: never delivered.
   */
  deliveredSeq: z.number().int().min(0).nullable(),
});
export type Run = z.infer<typeof runSchema>;

/** One delivery of a window: the first, a correction of late records, or a full re-run. */
export const deliverySchema = z.object({
  revision: z.number().int().min(1),
  /** The slice of the ingest sequence delivered, (afterSeq, upToSeq]; afterSeq null: the whole window. */
  afterSeq: z.number().int().min(0).nullable(),
  upToSeq: z.number().int().min(0),
  /** Records and bytes in the objects this delivery added. */
  records: z.number().int().min(0),
  bytes: z.number().int().min(0),
  objects: z.array(exportedObjectSchema),
  manifestKey: z.string(),
  manifestSha256: z.string(),
  workflowId: z.string(),
  deliveredAt: z.string(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/**
 * Version of the manifest document: 2, chained to the previous window's manifest and signed; 3,
 * revised when late records are delivered (`revision`, `previousRevisions`). Readers accept both.
 */
export const MANIFEST_VERSION = 3;
export const READABLE_MANIFEST_VERSIONS = [2, 3] as const;
/** Version of the record schemas the data files follow (the fields of docs/formats.md). */
export const RECORD_SCHEMA_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

/** The previous window's manifest as it was when this one was written (null: none to link to). */
export const manifestLinkSchema = z.object({
  window: windowSchema,
  key: z.string(),
  sha256: sha256Hex,
});
export type ManifestLink = z.infer<typeof manifestLinkSchema>;

export const manifestSignatureSchema = z.object({
  algorithm: z.literal('Ed25519'),
  /** First 16 hex digits of the SHA-256 of the raw 32-byte public key. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Base64 signature of the manifest's signing payload (see libs/manifests). */
  value: z.string().min(1),
});
export type ManifestSignature = z.infer<typeof manifestSignatureSchema>;

/** An earlier revision of the same window's manifest, by the SHA-256 of its bytes. */
export const manifestRevisionSchema = z.object({
  revision: z.number().int().min(1),
  sha256: sha256Hex,
});
export type ManifestRevision = z.infer<typeof manifestRevisionSchema>;

/**
 * The manifest: written after every part; its presence means the window is complete. When late
 * records are delivered, it is written again, with the next `revision`, listing every object of
 * the window (the earlier ones unchanged, then the new ones). Members are in the order written
 * (and signed); fields absent from version 2 are optional, so its signatures still check.
 */
export const manifestSchema = z.object({
  manifestVersion: z.union([z.literal(READABLE_MANIFEST_VERSIONS[0]), z.literal(READABLE_MANIFEST_VERSIONS[1])]),
  schemaVersion: z.number().int().min(1),
  exportId: exportIdSchema,
  organization: z.string(),
  logType: logTypeSchema,
  format: formatSchema,
  compression: compressionSchema,
  cadence: cadenceSchema,
  window: windowSchema,
  /** 1 for the first delivery, one more for each later one. Absent in version 2 (revision 1). */
  revision: z.number().int().min(1).optional(),
  objects: z.array(exportedObjectSchema),
  totals: z.object({
    objects: z.number().int().min(0),
    records: z.number().int().min(0),
    bytes: z.number().int().min(0),
  }),
  previousManifest: manifestLinkSchema.nullable(),
  /** Every earlier revision of this window's manifest, oldest first: the next window may link to one. */
  previousRevisions: z.array(manifestRevisionSchema).optional(),
  signature: manifestSignatureSchema.nullable(),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type UnsignedManifest = Omit<Manifest, 'signature'>;
