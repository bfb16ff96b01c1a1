// The activities of one export window (README, How one window runs). All I/O lives here; the workflow only
// orders these calls. Log data flows database → encoder → gzip → S3 inside `uploadPart` and never
// through Temporal: activities return IDs, counts, keys and checksums.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { memoryUsageMb } from '@log-exporter/config';
import {
  EXPORT_DEFAULTS,
  type AssumedRoleSummary,
  type Destination,
  type ExportActivities,
  type ExportConfig,
  type ExportWindowInput,
  type ExportedObject,
  ExportFailure,
  type DeliveryPlan,
  type IngestSlice,
  type ManifestLink,
  type NotificationClaimInput,
  type PartPlan,
  PermanentErrorType,
  type ResolvedExport,
  type RunResultInput,
  type RunStartedInput,
  type ScheduledRunPlan,
  type WindowPlan,
  previousWindow,
  windowContaining,
  exportWindowInputSchema,
  manifestObjectKey,
  parseWindowFileName,
  partObjectKey,
  roleArnFor,
  windowEndMicros,
  windowStartingAt,
  formatMicrosIso,
} from '@log-exporter/schemas';
import { type Store, type WindowScope, countUndelivered } from '@log-exporter/store';
import { type EncodeStats, encodeToStream } from '@log-exporter/formats';
import { exportEncoding } from './export-encoding';
import { windowPages } from './window-pages';
import {
  type CustomerCredentials,
  type CustomerRole,
  type CustomerS3Clients,
  customerRoleFor,
  writeObjectStream,
  writeSmallObject,
} from '@log-exporter/aws';
import { type ManifestSigningKey, buildManifest, serializeManifest, signManifest } from '@log-exporter/manifests';
import { toActivityFailure } from './activity-failures';
import { contentTypeFor } from './content-types';
import { type ExportMetrics, createExportMetrics } from '@log-exporter/telemetry';

export interface ExportSettings {
  /** How long after a window closes before it is exported (late records settle). */
  settleDelayMs: number;
  /** Upper bound of records in one data object; larger windows are split into numbered parts. */
  maxRecordsPerPart: number;
  /** S3 multipart chunk size in bytes, and how many chunks of one object upload at once. */
  uploadPartSize: number;
  uploadQueueSize: number;
  /** How often a running upload heartbeats its progress. */
  heartbeatIntervalMs: number;
  /** Failed windows this far back are retried by each scheduled run, until they succeed. */
  retryFailedWindowsForMs: number;
  /** Parts of one window uploaded at once. */
  partConcurrency: number;
  /** How long an upload may go without a heartbeat before Temporal retries it (e.g. its worker died). */
  uploadHeartbeatTimeoutMs: number;
  /** How far back each scheduled run looks for delivered windows with late records to correct. */
  lateHorizonMs: number;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = {
  settleDelayMs: EXPORT_DEFAULTS.settleDelayMs,
  maxRecordsPerPart: EXPORT_DEFAULTS.maxRecordsPerPart,
  uploadPartSize: EXPORT_DEFAULTS.uploadChunkBytes,
  uploadQueueSize: EXPORT_DEFAULTS.uploadChunksInFlight,
  heartbeatIntervalMs: EXPORT_DEFAULTS.heartbeatIntervalMs,
  retryFailedWindowsForMs: EXPORT_DEFAULTS.retryFailedWindowsForMs,
  partConcurrency: EXPORT_DEFAULTS.partConcurrency,
  uploadHeartbeatTimeoutMs: EXPORT_DEFAULTS.uploadHeartbeatTimeoutMs,
  lateHorizonMs: EXPORT_DEFAULTS.lateHorizonMs,
};

export interface ExportActivityDeps {
  store: Store;
  credentials: CustomerCredentials;
  s3: CustomerS3Clients;
  logger: Logger;
  settings?: Partial<ExportSettings>;
  /** Signs every manifest; without one, manifests are written unsigned (and `verify` says so). */
  manifestSigningKey?: ManifestSigningKey | null;
  /** Where records, bytes, upload times and outcomes are counted (Prometheus); a private registry if absent. */
  metrics?: ExportMetrics;
}

function roleOf(destination: Destination): CustomerRole {
  return customerRoleFor(destination, `log-exporter-${destination.id}`);
}

function scopeOf(resolved: ResolvedExport, ingested?: IngestSlice): WindowScope {
  return {
    logType: resolved.logType,
    organization: resolved.organization,
    repositories: resolved.repositories,
    window: resolved.window,
    ...(ingested ? { ingested } : {}),
  };
}

/** The highest part number among these objects' keys (0 for none). */
function highestPartNumber(objects: readonly ExportedObject[]): number {
  let highest = 0;
  for (const object of objects) {
    const name = parseWindowFileName(object.key.slice(object.key.lastIndexOf('/') + 1));
    if (name?.kind === 'part') highest = Math.max(highest, name.partNumber);
  }
  return highest;
}

export function createExportActivities(deps: ExportActivityDeps): ExportActivities {
  const settings: ExportSettings = { ...DEFAULT_EXPORT_SETTINGS, ...deps.settings };
  const { store } = deps;
  const metrics = deps.metrics ?? createExportMetrics();

  /** Logger for one activity call, bound to the export and window it works on. */
  function activityLogger(exportId: string, windowStart?: string) {
    let attempt: number | undefined;
    let activity: string | undefined;
    try {
      const info = Context.current().info;
      attempt = info.attempt;
      activity = info.activityType;
    } catch {
      // called outside an activity (unit tests): no Temporal context to describe
    }
    return deps.logger.child({ exportId, window: windowStart, activity, attempt });
  }

  async function loadExport(exportId: string): Promise<ExportConfig> {
    const config = await store.exports.get(exportId);
    if (!config) {
      throw ExportFailure.permanent(
        PermanentErrorType.ExportNotFound,
        `export ${exportId} does not exist (deleted?): nothing to export`,
      );
    }
    return config;
  }

  async function loadDestination(destinationId: string, exportId: string): Promise<Destination> {
    const destination = await store.destinations.get(destinationId);
    if (!destination) {
      throw ExportFailure.permanent(
        PermanentErrorType.DestinationNotFound,
        `destination ${destinationId} of export ${exportId} does not exist`,
      );
    }
    return destination;
  }

  /**
   * What this run of the window delivers. Never delivered (or a re-run): the whole window up to
   * the committed ingest sequence, as revision 1 (or the next), from part 1. Delivered before: the
   * records stored since, as the next revision, after the window's objects.
   */
  async function planDelivery(
    resolved: ResolvedExport,
    rerun: boolean,
  ): Promise<{ plan: Omit<DeliveryPlan, 'upToDate'>; firstPartNumber: number }> {
    const previous = await store.runs.get(resolved.exportId, resolved.window.start);
    const delivered = previous !== undefined && previous.revision > 0;
    const deliveries = delivered ? await store.runs.deliveries(resolved.exportId, resolved.window.start) : [];
    // Read the cut before counting: records committed later are above it, for the next delivery.
    const upToSeq = await store.logs.committedSeq();
    const correcting = delivered && !rerun;
    const everWritten = [...(previous?.objects ?? []), ...deliveries.flatMap((d) => d.objects)];
    return {
      plan: {
        revision: (previous?.revision ?? 0) + 1,
        afterSeq: correcting ? (previous.deliveredSeq ?? 0) : null,
        upToSeq,
        keptObjects: correcting ? previous.objects : [],
        previousRevisions: deliveries
          .filter((d) => /^[0-9a-f]{64}$/.test(d.manifestSha256))
          .map((d) => ({ revision: d.revision, sha256: d.manifestSha256 })),
      },
      firstPartNumber: correcting ? highestPartNumber(everWritten) + 1 : 1,
    };
  }

  /** Runs an activity body, converting our errors into Temporal failures. */
  async function run<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw toActivityFailure(err);
    }
  }

  return {
    async resolveExport(input: ExportWindowInput): Promise<ResolvedExport> {
      return run(async () => {
        const parsed = exportWindowInputSchema.safeParse(input);
        if (!parsed.success) {
          throw ExportFailure.permanent(
            PermanentErrorType.InvalidWindow,
            `invalid export window request ${JSON.stringify(input)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        }
        const config = await loadExport(parsed.data.exportId);
        const destination = await loadDestination(config.destinationId, config.id);
        let window;
        try {
          window = windowStartingAt(config.cadence, parsed.data.windowStart);
        } catch (err) {
          throw ExportFailure.permanent(
            PermanentErrorType.InvalidWindow,
            `export ${config.id}: ${(err as Error).message}`,
          );
        }
        const layout = {
          prefix: destination.prefix,
          folder: config.folder,
          exportId: config.id,
          logType: config.logType,
          format: config.format,
          compression: config.compression,
          cadence: config.cadence,
        };
        const resolved: ResolvedExport = {
          exportId: config.id,
          organization: config.organization,
          destinationId: destination.id,
          logType: config.logType,
          format: config.format,
          compression: config.compression,
          ...(config.format === 'parquet' ? { parquetCompression: config.parquetCompression } : {}),
          cadence: config.cadence,
          repositories: config.repositories,
          exclude: config.exclude,
          ipHandling: config.ipHandling,
          bucket: destination.bucket,
          region: destination.region,
          roleArn: roleArnFor(destination.awsAccountId, destination.roleName),
          window,
          readyAt: formatMicrosIso(windowEndMicros(window) + settings.settleDelayMs * 1000),
          layout,
          manifestKey: manifestObjectKey(layout, window),
          tuning: {
            partConcurrency: settings.partConcurrency,
            uploadHeartbeatTimeoutMs: settings.uploadHeartbeatTimeoutMs,
          },
          notifies: config.notifyUrl !== null,
        };
        activityLogger(config.id, window.start).info(
          { bucket: resolved.bucket, manifestKey: resolved.manifestKey },
          'resolved export window',
        );
        return resolved;
      });
    },

    async recordRunStarted(input: RunStartedInput): Promise<void> {
      return run(async () => {
        await store.runs.markStarted(input);
        activityLogger(input.exportId, input.window.start).info({ workflowId: input.workflowId }, 'run started');
      });
    },

    async assumeCustomerRole(input: { exportId: string; destinationId: string }): Promise<AssumedRoleSummary> {
      return run(async () => {
        const destination = await loadDestination(input.destinationId, input.exportId);
        const role = roleOf(destination);
        const credentials = await deps.credentials.get(role);
        activityLogger(input.exportId).info({ roleArn: role.roleArn }, 'assumed customer role');
        return { roleArn: role.roleArn, expiresAt: credentials.expiration.toISOString() };
      });
    },

    async planWindowParts(input: { resolved: ResolvedExport; rerun?: boolean }): Promise<WindowPlan> {
      return run(async () => {
        const { resolved } = input;
        const delivery = await planDelivery(resolved, input.rerun === true);
        const scope = scopeOf(resolved, { after: delivery.plan.afterSeq, upTo: delivery.plan.upToSeq });
        const total = await store.logs.countInWindow(scope);
        const parts: PartPlan[] = [];
        let after: PartPlan['after'] = null;
        let remaining = total;
        // A correction continues after the highest part number the window ever had: a key that
        // was written once is never written again with other bytes.
        let partNumber = delivery.firstPartNumber;
        const part = (until: PartPlan['until'], plannedRecords: number): PartPlan => ({
          partNumber,
          key: partObjectKey(resolved.layout, resolved.window, partNumber),
          after,
          until,
          plannedRecords,
          ingested: scope.ingested as IngestSlice,
        });
        while (remaining > settings.maxRecordsPerPart) {
          const until = await store.logs.cursorAfter(scope, after, settings.maxRecordsPerPart - 1);
          if (!until) break; // records vanished since counting: the last part takes what is left
          parts.push(part(until, settings.maxRecordsPerPart));
          after = until;
          remaining -= settings.maxRecordsPerPart;
          partNumber++;
        }
        if (remaining > 0) parts.push(part(null, remaining));
        const plan: DeliveryPlan = { ...delivery.plan, upToDate: delivery.plan.afterSeq !== null && total === 0 };
        activityLogger(resolved.exportId, resolved.window.start).info(
          {
            records: total,
            parts: parts.length,
            revision: plan.revision,
            ingested: scope.ingested,
            correction: plan.afterSeq !== null,
            upToDate: plan.upToDate,
          },
          'planned window parts',
        );
        return { totalRecords: total, parts, delivery: plan };
      });
    },

    async uploadPart(input: { resolved: ResolvedExport; part: PartPlan }): Promise<ExportedObject> {
      return run(async () => {
        const { resolved, part } = input;
        const log = activityLogger(resolved.exportId, resolved.window.start).child({ part: part.partNumber });
        const destination = await loadDestination(resolved.destinationId, resolved.exportId);
        const role = roleOf(destination);
        const scope = scopeOf(resolved, part.ingested);
        const range = { after: part.after, until: part.until };
        const encoding = {
          ...(await exportEncoding(store.exports, resolved.exportId, resolved)),
          compression: resolved.compression,
          parquetCompression: resolved.parquetCompression,
        };
        const pages = windowPages(store.logs, encoding, scope, range);
        const stats: EncodeStats = { records: 0 };
        const body = encodeToStream(pages, encoding, stats);
        const context = Context.current();
        const startedAt = performance.now();
        let bytesSent = 0;
        const beat = setInterval(() => {
          context.heartbeat({ partNumber: part.partNumber, records: stats.records, bytesSent });
          if (log.isLevelEnabled('debug'))
            log.debug({ records: stats.records, bytesSent, memoryMb: memoryUsageMb() }, 'part progress');
        }, settings.heartbeatIntervalMs);
        try {
          const written = await deps.s3.use(role, resolved.region, (s3) =>
            writeObjectStream(
              s3,
              { bucket: resolved.bucket, key: part.key, region: resolved.region, roleArn: resolved.roleArn },
              body,
              {
                contentType: contentTypeFor(resolved.format, resolved.compression),
                partSize: settings.uploadPartSize,
                queueSize: settings.uploadQueueSize,
                signal: context.cancellationSignal,
                onProgress: (sent) => {
                  bytesSent = sent;
                },
              },
            ),
          );
          log.info({ key: written.key, records: stats.records, bytes: written.bytes }, 'uploaded part');
          metrics.partUploaded(resolved, {
            records: stats.records,
            bytes: written.bytes,
            seconds: (performance.now() - startedAt) / 1000,
          });
          return { key: written.key, records: stats.records, bytes: written.bytes, sha256: written.sha256 };
        } catch (err) {
          if (err instanceof ExportFailure && err.retryable) deps.credentials.invalidate(role);
          log.warn({ err: describeError(err) }, 'part upload failed');
          throw err;
        } finally {
          clearInterval(beat);
        }
      });
    },

    async writeManifest(input: {
      resolved: ResolvedExport;
      objects: ExportedObject[];
      delivery?: DeliveryPlan;
    }): Promise<ExportedObject> {
      return run(async () => {
        const { resolved, objects, delivery } = input;
        // The chain: the previous window's manifest as recorded when it was written. None when
        // that window has not succeeded (yet): verify then starts the chain again here.
        const previous = await store.runs.get(
          resolved.exportId,
          previousWindow(resolved.cadence, resolved.window).start,
        );
        const link: ManifestLink | null =
          previous?.status === 'succeeded' && previous.manifestKey && previous.manifestSha256
            ? { window: previous.window, key: previous.manifestKey, sha256: previous.manifestSha256 }
            : null;
        const revision = delivery
          ? { revision: delivery.revision, previousRevisions: delivery.previousRevisions }
          : undefined;
        const manifest = signManifest(
          buildManifest(resolved, objects, link, revision),
          deps.manifestSigningKey ?? null,
        );
        const destination = await loadDestination(resolved.destinationId, resolved.exportId);
        const written = await deps.s3.use(roleOf(destination), resolved.region, (s3) =>
          writeSmallObject(
            s3,
            { bucket: resolved.bucket, key: resolved.manifestKey, region: resolved.region, roleArn: resolved.roleArn },
            serializeManifest(manifest),
            'application/json',
            Context.current().cancellationSignal,
          ),
        );
        activityLogger(resolved.exportId, resolved.window.start).info(
          {
            key: written.key,
            objects: objects.length,
            records: manifest.totals.records,
            revision: manifest.revision,
            signedBy: manifest.signature?.keyId ?? null,
            linkedTo: link?.key ?? null,
          },
          'wrote manifest',
        );
        metrics.manifestWritten(resolved, (Date.now() - Date.parse(resolved.window.end)) / 1000);
        return { key: written.key, records: manifest.totals.records, bytes: written.bytes, sha256: written.sha256 };
      });
    },

    async planScheduledRun(input: { exportId: string; scheduledAt: string }): Promise<ScheduledRunPlan> {
      return run(async () => {
        const config = await store.exports.get(input.exportId);
        if (!config) {
          activityLogger(input.exportId).warn(
            { scheduledAt: input.scheduledAt },
            'scheduled run for a deleted export: nothing to do',
          );
          return {
            exists: false,
            organization: '',
            logType: 'client',
            targetWindowStart: '',
            retryWindowStarts: [],
            lateWindowStarts: [],
          };
        }
        const scheduledMs = Date.parse(input.scheduledAt);
        if (Number.isNaN(scheduledMs)) {
          throw ExportFailure.permanent(
            PermanentErrorType.InvalidWindow,
            `scheduled time ${JSON.stringify(input.scheduledAt)} is not a time`,
          );
        }
        // The window that closed last before the schedule fired: catch-up runs get their own day.
        const target = previousWindow(config.cadence, windowContaining(config.cadence, scheduledMs));
        const since = new Date(scheduledMs - settings.retryFailedWindowsForMs).toISOString();
        const recent = await store.runs.list(config.id, { limit: 1_000 });
        const retries = recent
          .filter((r) => r.status === 'failed' && r.window.start < target.start && r.window.start >= since)
          .map((r) => r.window.start)
          .sort();
        // Delivered windows of the late horizon with records stored since: each gets a correction.
        const lateSince = new Date(scheduledMs - settings.lateHorizonMs).toISOString();
        const late: string[] = [];
        let undelivered = 0;
        for (const r of recent) {
          if (r.status !== 'succeeded' || r.window.start >= target.start || r.window.start < lateSince) continue;
          const count = await countUndelivered(store.logs, config, r);
          undelivered += count;
          if (count > 0) late.push(r.window.start);
        }
        late.sort();
        metrics.undeliveredRecords(config.id, config, undelivered);
        activityLogger(config.id, target.start).info(
          { scheduledAt: input.scheduledAt, retries, late },
          'planned scheduled run',
        );
        return {
          exists: true,
          organization: config.organization,
          logType: config.logType,
          targetWindowStart: target.start,
          retryWindowStarts: retries,
          lateWindowStarts: late,
        };
      });
    },

    async recordRunResult(input: RunResultInput): Promise<void> {
      return run(async () => {
        const stored = await store.runs.markFinished(input);
        const log = activityLogger(input.exportId, input.window.start);
        const config = await store.exports.get(input.exportId);
        if (config)
          metrics.windowFinished(
            config,
            stored.status === 'succeeded' ? 'succeeded' : 'failed',
            input.error?.type ?? '',
          );
        if (stored.status === 'succeeded') {
          log.info({ records: stored.records, bytes: stored.bytes, objects: stored.objects.length }, 'run succeeded');
        } else {
          log.error({ error: stored.error }, 'run failed');
        }
      });
    },

    async claimNotification(input: NotificationClaimInput): Promise<{ notificationId: string } | null> {
      return run(async () => {
        const claimed = await store.notifications.claim({
          exportId: input.exportId,
          kind: input.outcome === 'failed' ? 'failure' : 'recovery',
          window: input.window,
          error: input.error,
          workflowId: input.workflowId,
        });
        if (claimed)
          activityLogger(input.exportId, input.window.start).info(
            { notificationId: claimed.id, kind: claimed.kind },
            'notification due',
          );
        return claimed && { notificationId: claimed.id };
      });
    },
  };
}

function describeError(err: unknown): { type?: string; message: string } {
  if (err instanceof ExportFailure) return { type: err.type, message: err.message };
  if (err instanceof ApplicationFailure) return { type: err.type ?? undefined, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}
