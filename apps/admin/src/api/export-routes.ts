import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createExportInputSchema, notificationSchema, slug, updateExportInputSchema } from '@log-exporter/schemas';
import { callerOf } from '../access/caller';
import { canSee, listingOrganization } from '../access/principal';
import type { AdminDeps } from '../admin-deps';
import {
  type Actor,
  type SavedExport,
  actorOf,
  changeExport,
  createExport,
  deleteExport,
  reconcile,
} from '../export-management';
import { rotateNotifySecret } from '../notify-settings';
import { tableDdl, tableName } from '../table-ddl';
import { TESTS_PER_MINUTE, testNotifierOf } from '../test-notification';
import { HttpError, errorBodySchema, notFound } from '../http/http-error';
import { defineRoute } from '../http/route';
import { reconcileExport, reconcileRuns } from '../reconciliation';
import { PREVIEW_MAX_LINES, previewLines, previewWindow } from '../preview';
import { requestRuns } from '../run-requests';
import { exportParams } from './id-params';
import {
  exportResponse,
  exportResponseSchema,
  previewResponseSchema,
  reconcileReportSchema,
  runResponseSchema,
  runsStartedSchema,
  scheduleStateSchema,
} from './representations';

const errors = {
  400: { description: 'a field is invalid; details name it', schema: errorBodySchema },
  404: { description: 'unknown export', schema: errorBodySchema },
};

const runRequestSchema = z.union([
  z.strictObject({ window: z.string().min(1), rerun: z.boolean().optional() }),
  z.strictObject({ from: z.string().min(1), to: z.string().min(1) }),
]);

/** The API caller as an audit actor: its token's name (no header can claim another). */
export function apiActor(request: FastifyRequest): Actor {
  return actorOf(callerOf(request), request.ip ?? null, 'admin-api');
}

const testNotificationResultSchema = z.object({
  notificationId: z.string(),
  delivered: z.boolean(),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable(),
});

export function exportRoutes(deps: AdminDeps) {
  const failingAfter = deps.settings.failingAfter;
  const sendTestNotification = testNotifierOf(deps);

  /** The export with its health; `everyWindow` also reconciles windows past the late horizon. */
  async function respond(saved: SavedExport, everyWindow = false) {
    const { config, notifySecret } = saved;
    const reconciliation = await reconcileExport(deps.store, config, deps.settings, { horizonOnly: !everyWindow });
    const lastNotification = (await deps.store.notifications.latest(config.id)) ?? null;
    return exportResponse(config, failingAfter, reconciliation, lastNotification, notifySecret);
  }

  /** The export, if the caller may see it: another organisation's answers 404 like an unknown one. */
  async function load(request: FastifyRequest, id: string) {
    const config = await deps.store.exports.get(id);
    if (!config || !canSee(callerOf(request), config.organization)) throw notFound('export', id);
    return config;
  }

  return [
    defineRoute({
      method: 'POST',
      path: '/api/exports',
      summary: "Create an export: one log type of the destination's organisation, in one format and folder",
      tag: 'exports',
      access: 'organization',
      body: createExportInputSchema,
      responses: { 201: { description: 'created', schema: exportResponseSchema }, 400: errors[400] },
      handler: async ({ body, request }) => ({
        status: 201,
        body: await respond(await createExport(deps, body, apiActor(request))),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/exports',
      summary: 'List exports with their health (last success, last error, status)',
      tag: 'exports',
      access: 'organization',
      query: z.strictObject({ organization: slug.optional() }),
      responses: { 200: { description: 'exports', schema: z.array(exportResponseSchema) }, 400: errors[400] },
      handler: async ({ query, request }) => {
        const organization = listingOrganization(callerOf(request), query.organization);
        if (organization === null) return { status: 200, body: [] };
        const configs = await deps.store.exports.list(organization === undefined ? {} : { organization });
        return { status: 200, body: await Promise.all(configs.map((config) => respond({ config }))) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/exports/:id',
      summary: 'Read an export, with reconciliation: records stored but not delivered, per window',
      tag: 'exports',
      access: 'organization',
      params: exportParams,
      responses: { 200: { description: 'the export', schema: exportResponseSchema }, 404: errors[404] },
      handler: async ({ params, request }) => ({
        status: 200,
        body: await respond({ config: await load(request, params.id) }, true),
      }),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/exports/:id',
      summary:
        'Change an export (format, folder, repositories, exclusions, IP handling, compression, cadence, enabled, notify URL)',
      tag: 'exports',
      access: 'organization',
      params: exportParams,
      body: updateExportInputSchema,
      responses: {
        200: { description: 'the changed export', schema: exportResponseSchema },
        400: errors[400],
        404: errors[404],
      },
      handler: async ({ params, body, request }) => {
        await load(request, params.id);
        const updated = await changeExport(deps, params.id, body, apiActor(request));
        if (!updated) throw notFound('export', params.id);
        return { status: 200, body: await respond(updated) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/exports/:id',
      summary: 'Delete an export (its run history stays)',
      tag: 'exports',
      access: 'organization',
      params: exportParams,
      responses: { 204: { description: 'deleted' }, 404: errors[404] },
      handler: async ({ params, request }) => {
        await load(request, params.id);
        if (!(await deleteExport(deps, params.id, apiActor(request)))) throw notFound('export', params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/exports/:id/notify-secret',
      summary:
        'Make a new secret for signing notification bodies (X-Log-Exporter-Signature); shown once, the old one stops at once',
      tag: 'notifications',
      access: 'organization',
      params: exportParams,
      responses: {
        201: { description: 'the new secret', schema: z.object({ notifySecret: z.string() }) },
        404: errors[404],
        409: { description: 'the export has no notifyUrl', schema: errorBodySchema },
      },
      handler: async ({ params, request }) => {
        const config = await load(request, params.id);
        const notifySecret = await rotateNotifySecret(deps, config);
        deps.logger.info({ exportId: config.id, actor: callerOf(request).name }, 'notification secret rotated');
        return { status: 201, body: { notifySecret } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/exports/:id/notifications/test',
      summary:
        'POST a signed test notification (event export.test) to the notify URL now, and say how the receiver answered',
      tag: 'notifications',
      access: 'organization',
      params: exportParams,
      responses: {
        200: { description: 'what the receiver answered', schema: testNotificationResultSchema },
        404: errors[404],
        409: { description: 'the export has no notifyUrl', schema: errorBodySchema },
        429: { description: `more than ${TESTS_PER_MINUTE} tests per export per minute`, schema: errorBodySchema },
      },
      handler: async ({ params, request }) => ({
        status: 200,
        body: await sendTestNotification(await load(request, params.id)),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/exports/:id/notifications',
      summary: 'The export’s notifications, newest first: what each reported and how its delivery went',
      tag: 'notifications',
      access: 'organization',
      params: exportParams,
      responses: { 200: { description: 'notifications', schema: z.array(notificationSchema) }, 404: errors[404] },
      handler: async ({ params, request }) => {
        const config = await load(request, params.id);
        return { status: 200, body: await deps.store.notifications.list(config.id, 50) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/exports/:id/table-ddl',
      summary:
        'The Athena / Glue CREATE EXTERNAL TABLE statement for the export: its columns and types after exclusions, the SerDe of its format, its folder, partition projection on dt (and hour)',
      tag: 'exports',
      access: 'organization',
      params: exportParams,
      produces: 'text/plain',
      responses: { 200: { description: 'the statement (SQL)', schema: z.string() }, 404: errors[404] },
      handler: async ({ params, request }) => {
        const config = await load(request, params.id);
        const destination = await deps.store.destinations.get(config.destinationId);
        if (!destination) throw notFound('destination', config.destinationId);
        return {
          status: 200,
          body: tableDdl(config, destination),
          headers: {
            'content-type': 'text/plain; charset=utf-8',
            'content-disposition': `inline; filename="${tableName(config)}.sql"`,
          },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/exports/:id/runs',
      summary:
        'Run one window now ({ window }; rerun: true rewrites it whole), or backfill every window starting in [from, to] ({ from, to }); a window delivered before gets only the records stored since (late records)',
      tag: 'runs',
      access: 'organization',
      params: exportParams,
      body: runRequestSchema,
      responses: {
        202: {
          description:
            'started (or joined): one workflow per window; a delivered window gets only its late records, or nothing',
          schema: runsStartedSchema,
        },
        400: errors[400],
        404: errors[404],
        503: { description: 'Temporal is unreachable', schema: errorBodySchema },
      },
      handler: async ({ params, body, request }) => {
        const requested = await requestRuns(deps, await load(request, params.id), body);
        return {
          status: 202,
          body: {
            workflowIds: requested.windows.map((s) => s.workflowId),
            windows: requested.windows,
            ...(requested.backfill ? { backfill: requested.backfill } : {}),
          },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/exports/:id/preview',
      summary:
        'The first lines of a window exactly as the export writes them (format, exclusions, scope), uncompressed; writes nothing. Parquet rows are shown as JSON lines of their columns',
      tag: 'runs',
      access: 'organization',
      params: exportParams,
      body: z.strictObject({
        window: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(PREVIEW_MAX_LINES).optional(),
      }),
      responses: {
        200: { description: 'the lines, and how many records the window holds', schema: previewResponseSchema },
        400: errors[400],
        404: errors[404],
      },
      handler: async ({ params, body, request }) => {
        const config = await load(request, params.id);
        const preview = await previewLines(deps, config, previewWindow(config.cadence, body.window), body.limit);
        return { status: 200, body: preview };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/exports/:id/schedule',
      summary: "The export's Temporal Schedule: paused or not, next runs, recent runs",
      tag: 'schedules',
      access: 'organization',
      params: exportParams,
      responses: {
        200: { description: 'the schedule', schema: scheduleStateSchema },
        404: {
          description: 'unknown export, or it has no schedule (run POST /api/schedules/reconcile)',
          schema: errorBodySchema,
        },
        503: { description: 'Temporal is unreachable', schema: errorBodySchema },
      },
      handler: async ({ params, request }) => {
        await load(request, params.id);
        const state = await deps.temporal.describeSchedule(params.id).catch((err: unknown) => {
          throw new HttpError(503, 'temporal_unavailable', `Temporal did not answer: ${(err as Error).message}`);
        });
        if (!state) throw notFound('schedule of export', params.id);
        return { status: 200, body: state };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/schedules/reconcile',
      summary: 'Make the Temporal Schedules match the exports (create missing, fix changed, delete orphaned)',
      tag: 'schedules',
      access: 'ops',
      responses: {
        200: { description: 'what was done', schema: reconcileReportSchema },
        503: { description: 'Temporal is unreachable', schema: errorBodySchema },
      },
      handler: async () => {
        const report = await reconcile(deps).catch((err: unknown) => {
          throw new HttpError(503, 'temporal_unavailable', `Temporal did not answer: ${(err as Error).message}`);
        });
        return { status: 200, body: report };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/exports/:id/runs',
      summary: 'Run history: window, status, records, bytes, objects with checksums, manifest, error, workflow',
      tag: 'runs',
      access: 'organization',
      params: exportParams,
      query: z.strictObject({
        limit: z
          .string()
          .regex(/^\d{1,4}$/, 'expected a number from 1 to 1000')
          .transform(Number)
          .pipe(z.number().int().min(1).max(1000))
          .optional(),
      }),
      responses: {
        200: { description: 'runs, newest window first', schema: z.array(runResponseSchema) },
        400: errors[400],
        404: errors[404],
      },
      handler: async ({ params, query, request }) => {
        const config = await load(request, params.id);
        const runs = await deps.store.runs.list(params.id, { limit: query.limit ?? 100 });
        const reconciled = await reconcileRuns(deps.store, config, runs);
        return {
          status: 200,
          body: runs.map((run) => ({
            ...run,
            temporalUrl: deps.temporal.workflowUrl(run.workflowId),
            deliveredRecords: reconciled.get(run.window.start)?.deliveredRecords ?? 0,
            undeliveredRecords: reconciled.get(run.window.start)?.undeliveredRecords ?? 0,
          })),
        };
      },
    }),
  ];
}
