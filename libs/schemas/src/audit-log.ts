// One record per change made in an organisation. The exported fields are the 16 of design.md §3,
// in that order; `organization` is carried at ingest for scope and routing, and is not exported.
import { z } from 'zod';
import { optionalText, requiredText, slug, timestampMicros } from './primitives';

export const auditLogRecordSchema = z.strictObject({
  actor: requiredText.max(1024),
  actor_ip_address: optionalText,
  actor_kind: requiredText.max(64),
  actor_location: optionalText,
  actor_slug_perm: optionalText,
  actor_url: optionalText,
  context: optionalText,
  event: requiredText.max(256),
  event_at: timestampMicros,
  object: optionalText,
  object_kind: optionalText,
  object_slug_perm: optionalText,
  target: optionalText,
  target_kind: optionalText,
  target_slug_perm: optionalText,
  uuid: z
    .string()
    .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'expected a UUID'),
});

export type AuditLogRecord = z.output<typeof auditLogRecordSchema>;

/** An audit record as ingested: the exported fields plus the organisation it belongs to. */
export const auditLogIngestSchema = auditLogRecordSchema.extend({ organization: slug });
export type AuditLogIngestRecord = z.output<typeof auditLogIngestSchema>;
export type AuditLogIngestInput = z.input<typeof auditLogIngestSchema>;

/** Every audit field, in output order; also the CSV column order. */
export const AUDIT_LOG_FIELDS = Object.keys(auditLogRecordSchema.shape) as (keyof AuditLogRecord)[];
