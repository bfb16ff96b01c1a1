// One record per change made in an organisation. The exported fields are the 16 of docs/formats.md,
// in that order; `organization` is carried at ingest for scope and routing, and is not exported.
import { z } from 'zod';
import { describeField as d } from './field-docs';
import { optionalText, requiredText, slug, timestampMicros } from './primitives';

export const auditLogRecordSchema = z.strictObject({
  actor: d(requiredText.max(1024), 'string', 'The user or system that performed the action.'),
  actor_ip_address: d(optionalText, 'string', 'IP address of the actor.'),
  actor_kind: d(requiredText.max(64), 'string', 'Kind of actor (e.g. user, service, system).'),
  actor_location: d(optionalText, 'string', 'Location of the actor, from their IP address.'),
  actor_slug_perm: d(optionalText, 'string', 'Permanent identifier of the actor.'),
  actor_url: d(optionalText, 'string', "URL of the actor's profile."),
  context: d(optionalText, 'string', 'Where the event happened (e.g. web, api, cli).'),
  event: d(requiredText.max(256), 'string', 'What happened (e.g. package.uploaded).'),
  event_at: d(timestampMicros, 'timestamp', 'When the event happened (UTC, to the microsecond); decides the window.'),
  object: d(optionalText, 'string', 'The object affected by the event.'),
  object_kind: d(optionalText, 'string', 'Kind of object (e.g. package, repository, user).'),
  object_slug_perm: d(optionalText, 'string', 'Permanent identifier of the object.'),
  target: d(optionalText, 'string', 'The target of the event (e.g. the repository a package was uploaded to).'),
  target_kind: d(optionalText, 'string', 'Kind of target.'),
  target_slug_perm: d(optionalText, 'string', 'Permanent identifier of the target.'),
  uuid: d(
    z
      .string()
      .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'expected a UUID'),
    'string',
    'Unique identifier of the event.',
  ),
});

export type AuditLogRecord = z.output<typeof auditLogRecordSchema>;

/** An audit record as ingested: the exported fields plus the organisation it belongs to. */
export const auditLogIngestSchema = auditLogRecordSchema.extend({ organization: slug });
export type AuditLogIngestRecord = z.output<typeof auditLogIngestSchema>;
export type AuditLogIngestInput = z.input<typeof auditLogIngestSchema>;

/** Every audit field, in output order; also the CSV column order. */
export const AUDIT_LOG_FIELDS = Object.keys(auditLogRecordSchema.shape) as (keyof AuditLogRecord)[];
