// Creating, changing and deleting exports. Each change is itself an audit event of the
// organisation (actor, event, object, target), stored with the org's audit logs, so it reaches the
// organisation's own audit export.
import { randomUUID } from 'node:crypto';
import {
  type AuditLogIngestRecord,
  type Destination,
  type ExportChange,
  type ExportConfig,
  type NewExport,
  defaultCompression,
  exportCombinationProblems,
  formatCompressesItself,
  formatMicrosRfc3339,
  settleIpHandling,
} from '@log-exporter/schemas';
import { type Principal, canSee } from './access/principal';
import type { AdminDeps } from './admin-deps';
import { HttpError } from './http/http-error';
import { checkNotifyUrl, settleNotifySecret } from './notify-settings';

/** Who made a change: the principal of the API token or web session, from where and through what. */
export interface Actor {
  principal: Principal;
  ipAddress: string | null;
  context: 'admin-api' | 'admin-web';
}

export function actorOf(principal: Principal, ipAddress: string | null, context: Actor['context']): Actor {
  return { principal, ipAddress, context };
}

type ExportEvent = 'log_export.created' | 'log_export.updated' | 'log_export.deleted';

function auditEvent(
  actor: Actor,
  event: ExportEvent,
  config: ExportConfig,
  destination: Destination | undefined,
): AuditLogIngestRecord {
  return {
    organization: config.organization,
    actor: actor.principal.name,
    actor_ip_address: actor.ipAddress,
    actor_kind: actor.principal.kind === 'ops' ? 'admin' : 'customer',
    actor_location: null,
    actor_slug_perm: null,
    actor_url: null,
    context: actor.context,
    event,
    event_at: formatMicrosRfc3339(Date.now() * 1000, 'micros'),
    object: `${config.logType} logs as ${config.format} into ${config.folder || '(no folder)'}`,
    object_kind: 'log_export',
    object_slug_perm: config.id,
    target: destination ? `s3://${destination.bucket}/${destination.prefix}` : null,
    target_kind: destination ? 'log_destination' : null,
    target_slug_perm: config.destinationId,
    uuid: randomUUID(),
  };
}

async function record(deps: AdminDeps, event: AuditLogIngestRecord): Promise<void> {
  await deps.store.logs.insertAuditLogs([event]);
}

/**
 * Brings the export's schedule in line with it. A Temporal outage does not fail the change: the
 * export is saved, the error logged, and the reconciler (admin start, POST /api/schedules/reconcile)
 * repairs the schedule later.
 */
async function syncSchedule(deps: AdminDeps, config: ExportConfig): Promise<void> {
  try {
    const outcome = await deps.temporal.ensureSchedule(config);
    deps.logger.info({ exportId: config.id, outcome, paused: !config.enabled }, 'schedule synced');
  } catch (err) {
    deps.logger.error(
      { exportId: config.id, err: (err as Error).message },
      'schedule not synced: the reconciler will repair it',
    );
  }
}

/** All schedules to the state of all exports; run at admin start and on demand. */
/** Makes the exports' schedules match the exports, and keeps the log clean-up's schedule. */
export async function reconcile(deps: AdminDeps) {
  const report = await deps.temporal.reconcileSchedules(await deps.store.exports.list());
  const retentionSchedule = await deps.temporal.ensureRetentionSchedule();
  deps.logger.info(
    {
      created: report.created.length,
      updated: report.updated.length,
      unchanged: report.unchanged.length,
      deleted: report.deleted.length,
      errors: report.errors,
      retentionSchedule,
    },
    'schedules reconciled',
  );
  return { ...report, retentionSchedule };
}

/** A created or changed export; `notifySecret` only when this change gave it a new one (shown once). */
export interface SavedExport {
  config: ExportConfig;
  notifySecret?: string;
}

export async function createExport(deps: AdminDeps, input: NewExport, actor: Actor): Promise<SavedExport> {
  const destination = await deps.store.destinations.get(input.destinationId);
  // Another organisation's destination is refused like an unknown one: its existence stays hidden.
  if (!destination || !canSee(actor.principal, destination.organization)) {
    throw new HttpError(400, 'invalid_request', `destination ${JSON.stringify(input.destinationId)} does not exist`, [
      { path: 'body.destinationId', message: 'unknown destination' },
    ]);
  }
  checkNotifyUrl(deps, input.notifyUrl);
  const config = await deps.store.exports.create(input, destination.organization);
  const notifySecret = await settleNotifySecret(deps, config);
  await record(deps, auditEvent(actor, 'log_export.created', config, destination));
  deps.logger.info(
    { exportId: config.id, organization: config.organization, actor: actor.principal.name },
    'export created',
  );
  await syncSchedule(deps, config);
  return { config, ...(notifySecret ? { notifySecret } : {}) };
}

export async function changeExport(
  deps: AdminDeps,
  id: string,
  requested: ExportChange,
  actor: Actor,
): Promise<SavedExport | undefined> {
  const current = await deps.store.exports.get(id);
  if (!current) return undefined;
  if (Object.keys(requested).length === 0) {
    throw new HttpError(400, 'invalid_request', 'nothing to change: send at least one field', [
      { path: 'body', message: 'no field to change' },
    ]);
  }
  // `exclude: ["ip"]` and `ipHandling: "drop"` are one setting: a change to either moves both.
  const touchesIp = requested.exclude !== undefined || requested.ipHandling !== undefined;
  const settled = touchesIp ? { ...requested, ...settleIpHandling(current, requested) } : requested;
  // A move to a format that compresses itself takes the object compression it needs, unless the
  // change names one (which must then be `none`, see exportCombinationProblems).
  const change =
    settled.format !== undefined && settled.compression === undefined && formatCompressesItself(settled.format)
      ? { ...settled, compression: defaultCompression(settled.format) }
      : settled;
  const merged = { ...current, ...change };
  const problems = exportCombinationProblems(merged);
  if (problems.length > 0) {
    throw new HttpError(
      400,
      'invalid_request',
      problems.map((p) => `body.${p.path.join('.')}: ${p.message}`).join('; '),
      problems.map((p) => ({ path: `body.${p.path.join('.')}`, message: p.message })),
    );
  }
  checkNotifyUrl(deps, change.notifyUrl);
  const updated = await deps.store.exports.update(id, change);
  if (!updated) return undefined;
  const notifySecret = await settleNotifySecret(deps, updated);
  await record(
    deps,
    auditEvent(actor, 'log_export.updated', updated, await deps.store.destinations.get(updated.destinationId)),
  );
  deps.logger.info({ exportId: id, change: Object.keys(change), actor: actor.principal.name }, 'export changed');
  await syncSchedule(deps, updated);
  return { config: updated, ...(notifySecret ? { notifySecret } : {}) };
}

export async function deleteExport(deps: AdminDeps, id: string, actor: Actor): Promise<boolean> {
  const current = await deps.store.exports.get(id);
  if (!current || !(await deps.store.exports.delete(id))) return false;
  await record(
    deps,
    auditEvent(actor, 'log_export.deleted', current, await deps.store.destinations.get(current.destinationId)),
  );
  deps.logger.info({ exportId: id, actor: actor.principal.name }, 'export deleted');
  try {
    await deps.temporal.removeSchedule(id);
  } catch (err) {
    deps.logger.error(
      { exportId: id, err: (err as Error).message },
      'schedule not deleted: the reconciler will delete it',
    );
  }
  return true;
}
