// The web pages: the same tasks as the API, server-rendered, for ops (every organisation) and for
// customers (their own organisation only: another's destinations and exports are "not found").
// Each handler loads what its page shows, scoped to the viewer, and renders one view (views/).
// Forms post back here (CSRF-checked by web-auth.ts) and redirect after success.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type Destination,
  type ExportConfig,
  createDestinationInputSchema,
  createExportInputSchema,
  destinationIdSchema,
  exportIdSchema,
  updateExportInputSchema,
} from '@log-exporter/schemas';
import { callerOf } from '../access/caller';
import { canSee } from '../access/principal';
import type { AdminDeps } from '../admin-deps';
import { exportStatus } from '../api/representations';
import { type Actor, actorOf, changeExport, createExport, deleteExport } from '../export-management';
import { rotateNotifySecret } from '../notify-settings';
import { tableDdl, tableName } from '../table-ddl';
import { testNotifierOf } from '../test-notification';
import { OneTimeSecrets } from './one-time-secrets';
import { HttpError } from '../http/http-error';
import { cloudFormationTemplate, infrastructureFileName, terraformSnippet } from '../infrastructure-code';
import { createOrReuseDestination, policiesFor, verify } from '../onboarding';
import { reconcileExport } from '../reconciliation';
import { type Preview, previewLines, previewWindow } from '../preview';
import { requestRuns } from '../run-requests';
import { CHART_WINDOWS, chartSlots } from './delivery-chart';
import {
  type FieldErrors,
  type Form,
  changeInput,
  destinationInput,
  exportInput,
  fieldErrors,
  formOfExport,
  one,
} from './form';
import { VERIFY_DOWNLOAD_PATH, registerDownloads } from './downloads';
import { registerTokenPages } from './token-pages';
import { createPageSender, registerWebAuth } from './web-auth';
import { csrfToken } from './web-session';
import { destinationFormView } from './views/destination-form-page';
import { exportView } from './views/export-page';
import { exportsView } from './views/exports-page';
import { handoverView } from './views/handover-page';
import { newExportView } from './views/new-export-page';
import { notFoundView } from './views/not-found-page';

type Flash = { kind: 'ok' | 'error'; text: string };

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** The notice a redirect after a form asks for: built from counts, never from free text. */
function noticeFrom(query: unknown): Flash | undefined {
  const q = z
    .object({
      started: z.coerce.number().int().min(0).optional(),
      from: z
        .string()
        .regex(/^[\dT:Z-]{0,25}$/)
        .optional(),
      saved: z.literal('1').optional(),
    })
    .catch({})
    .parse(query);
  if (q.saved) return { kind: 'ok', text: 'Saved.' };
  if (q.started === undefined) return undefined;
  const text =
    `${q.started} window(s) requested from ${q.from ?? '?'}: a window delivered before gets only ` +
    `its late records (tick "export the whole window again" to rewrite it)`;
  return { kind: 'ok', text };
}

/**
 * A refusal's field errors for the form (`body.notifyUrl` → `notifyUrl`); without details, the
 * message goes next to `fallback`.
 */
function errorsOfRefusal(err: HttpError, fallback?: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of err.details)
    errors[detail.path.replace(/^body\./, '').split('.')[0] as string] ??= detail.message;
  if (Object.keys(errors).length === 0 && fallback) errors[fallback] = err.message;
  return errors;
}

export function registerWebPages(app: FastifyInstance, deps: AdminDeps): void {
  const secret = deps.settings.adminToken;
  const sendPage = createPageSender(secret);
  registerWebAuth(app, deps);
  registerDownloads(app, deps);
  registerTokenPages(app, deps);

  const csrf = (request: FastifyRequest) => csrfToken(secret, request.webSession ?? '');
  // Notification secrets wait here between a form post and the page that shows them once.
  const secrets = new OneTimeSecrets();
  /** The query part that hands a new secret to the next page view ('' when there is none). */
  const secretTicket = (notifySecret: string | undefined, separator: '?' | '&') =>
    notifySecret ? `${separator}secret=${secrets.put(notifySecret)}` : '';
  const webActor = (request: FastifyRequest): Actor => actorOf(callerOf(request), request.ip ?? null, 'admin-web');
  /** What the viewer may see: ops everything, a customer its organisation. */
  const visible = (request: FastifyRequest) => callerOf(request).organization ?? undefined;

  async function destinationOr404(request: FastifyRequest, reply: FastifyReply): Promise<Destination | undefined> {
    const id = destinationIdSchema.safeParse((request.params as { id?: string }).id);
    const destination = id.success ? await deps.store.destinations.get(id.data) : undefined;
    if (destination && canSee(callerOf(request), destination.organization)) return destination;
    await sendPage(request, reply, { status: 404, title: 'Not found', body: notFoundView('destination') });
    return undefined;
  }

  async function exportOr404(request: FastifyRequest, reply: FastifyReply): Promise<ExportConfig | undefined> {
    const id = exportIdSchema.safeParse((request.params as { id?: string }).id);
    const config = id.success ? await deps.store.exports.get(id.data) : undefined;
    if (config && canSee(callerOf(request), config.organization)) return config;
    await sendPage(request, reply, { status: 404, title: 'Not found', body: notFoundView('export') });
    return undefined;
  }

  // ---- exports list (home)
  app.get('/', async (request, reply) => {
    const organization = visible(request);
    const [exports, destinations] = await Promise.all([
      deps.store.exports.list(organization ? { organization } : {}),
      deps.store.destinations.list(organization),
    ]);
    const withStatus = await Promise.all(
      exports.map(async (config) => ({
        config,
        status: exportStatus(
          config,
          deps.settings.failingAfter,
          await reconcileExport(deps.store, config, deps.settings, { horizonOnly: true }),
        ),
      })),
    );
    return sendPage(request, reply, {
      title: 'Exports',
      body: exportsView({ exports: withStatus, destinations, organization: organization ?? null }),
    });
  });

  // ---- destinations
  const destinationPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: Form,
    errors: FieldErrors,
  ) =>
    sendPage(request, reply, {
      status,
      title: 'New destination',
      body: destinationFormView({ csrf: csrf(request), values, errors, organization: callerOf(request).organization }),
    });

  app.get('/destinations/new', async (request, reply) => destinationPage(request, reply, 200, {}, {}));
  app.post('/destinations', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const own = callerOf(request).organization;
    const input = { ...destinationInput(form), ...(own ? { organization: own } : {}) };
    const parsed = createDestinationInputSchema.safeParse(input);
    if (!parsed.success) return destinationPage(request, reply, 400, form, fieldErrors(parsed.error));
    const { destination } = await createOrReuseDestination(deps, parsed.data);
    return reply.redirect(`/destinations/${destination.id}`, 303);
  });

  async function handoverPage(
    request: FastifyRequest,
    reply: FastifyReply,
    destination: Destination,
    verification?: Awaited<ReturnType<typeof verify>>,
  ) {
    const exports = (await deps.store.exports.list({ organization: destination.organization })).filter(
      (e) => e.destinationId === destination.id,
    );
    const policies = policiesFor(deps, destination);
    return sendPage(request, reply, {
      title: `Hand-over ${destination.organization}`,
      body: handoverView({
        destination,
        policies,
        infrastructure: {
          cloudformation: cloudFormationTemplate(destination, policies),
          terraform: terraformSnippet(destination, policies),
        },
        exporterAccountId: deps.settings.exporterAccountId,
        exports,
        ...(verification ? { verification } : {}),
        publicKeys: deps.settings.manifestPublicKeys.map((k) => k.base64),
        csrf: csrf(request),
        audience: callerOf(request).kind,
        verifyDownload: VERIFY_DOWNLOAD_PATH,
        today: yesterday(),
      }),
    });
  }

  app.get('/destinations/:id', async (request, reply) => {
    const destination = await destinationOr404(request, reply);
    if (destination) return handoverPage(request, reply, destination);
  });
  for (const kind of ['cloudformation', 'terraform'] as const) {
    app.get(`/destinations/:id/${kind}`, async (request, reply) => {
      const destination = await destinationOr404(request, reply);
      if (!destination) return;
      const policies = policiesFor(deps, destination);
      return reply
        .type(kind === 'cloudformation' ? 'application/yaml; charset=utf-8' : 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${infrastructureFileName(destination, kind)}"`)
        .send(
          kind === 'cloudformation'
            ? cloudFormationTemplate(destination, policies)
            : terraformSnippet(destination, policies),
        );
    });
  }
  app.post('/destinations/:id/verify', async (request, reply) => {
    const destination = await destinationOr404(request, reply);
    if (destination) return handoverPage(request, reply, destination, await verify(deps, destination));
  });

  // ---- exports
  async function newExportPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: Form,
    errors: FieldErrors,
    preview?: Preview,
  ) {
    return sendPage(request, reply, {
      status,
      title: 'New export',
      body: newExportView({
        csrf: csrf(request),
        destinations: await deps.store.destinations.list(visible(request)),
        values,
        errors,
        ...(preview ? { preview } : {}),
      }),
    });
  }

  app.get('/exports/new', async (request, reply) => {
    const destinationId = String((request.query as Record<string, unknown>).destinationId ?? '');
    return newExportPage(request, reply, 200, destinationId ? { destinationId } : {}, {});
  });
  app.post('/exports', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const parsed = createExportInputSchema.safeParse(exportInput(form));
    if (!parsed.success) return newExportPage(request, reply, 400, form, fieldErrors(parsed.error));
    if (one(form, 'preview') === '1') {
      // Preview the settings typed, on the last closed window: nothing is created or written.
      const destination = await deps.store.destinations.get(parsed.data.destinationId);
      if (!destination || !canSee(callerOf(request), destination.organization))
        return newExportPage(request, reply, 400, form, { destinationId: 'unknown destination' });
      const settings = { ...parsed.data, organization: destination.organization };
      const preview = await previewLines(deps, settings, previewWindow(settings.cadence, undefined));
      return newExportPage(request, reply, 200, form, {}, preview);
    }
    try {
      const created = await createExport(deps, parsed.data, webActor(request));
      return reply.redirect(`/exports/${created.config.id}${secretTicket(created.notifySecret, '?')}`, 303);
    } catch (err) {
      if (err instanceof HttpError && err.status < 500)
        return newExportPage(request, reply, err.status, form, errorsOfRefusal(err, 'destinationId'));
      throw err;
    }
  });

  async function exportPage(
    request: FastifyRequest,
    reply: FastifyReply,
    config: ExportConfig,
    options: {
      status?: number;
      flash?: Flash;
      editValues?: Form;
      editErrors?: FieldErrors;
      preview?: Preview;
      newSecret?: string;
    } = {},
  ) {
    const [destination, runs, reconciliation, lastNotification] = await Promise.all([
      deps.store.destinations.get(config.destinationId),
      deps.store.runs.list(config.id, { limit: Math.max(60, CHART_WINDOWS) }),
      reconcileExport(deps.store, config, deps.settings, { horizonOnly: false }),
      deps.store.notifications.latest(config.id),
    ]);
    const undelivered = new Map(reconciliation.windows.map((w) => [w.windowStart, w.undeliveredRecords]));
    return sendPage(request, reply, {
      status: options.status ?? 200,
      title: `Export ${config.id}`,
      ...(options.flash ? { flash: options.flash } : {}),
      body: exportView({
        config,
        destination,
        runs,
        reconciliation,
        status: exportStatus(config, deps.settings.failingAfter, reconciliation),
        chart: chartSlots({ cadence: config.cadence, runs, undelivered, now: Date.now() }),
        csrf: csrf(request),
        workflowUrl: callerOf(request).kind === 'ops' ? (id) => deps.temporal.workflowUrl(id) : null,
        editValues: options.editValues ?? formOfExport(config),
        editErrors: options.editErrors ?? {},
        today: yesterday(),
        ...(options.preview ? { preview: options.preview } : {}),
        lastNotification: lastNotification ?? null,
        ...(options.newSecret ? { newSecret: options.newSecret } : {}),
      }),
    });
  }

  app.get('/exports/:id', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (!config) return;
    const ticket = (request.query as Record<string, unknown>).secret;
    const newSecret = typeof ticket === 'string' ? secrets.take(ticket) : undefined;
    const lost: Flash = { kind: 'error', text: 'That secret was shown already (or expired): make a new one below.' };
    const flash = typeof ticket === 'string' && !newSecret ? lost : noticeFrom(request.query);
    return exportPage(request, reply, config, {
      ...(flash ? { flash } : {}),
      ...(newSecret ? { newSecret } : {}),
    });
  });

  app.get('/exports/:id/table-ddl', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (!config) return;
    const destination = await deps.store.destinations.get(config.destinationId);
    if (!destination) return reply.code(404).type('text/plain; charset=utf-8').send('the destination is gone');
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${tableName(config)}.sql"`)
      .send(tableDdl(config, destination));
  });

  /** Runs an action of the export page; a refusal (HttpError) shows the page again with its message. */
  async function refusalsOnExportPage(
    request: FastifyRequest,
    reply: FastifyReply,
    config: ExportConfig,
    action: () => Promise<unknown>,
  ) {
    try {
      return await action();
    } catch (err) {
      if (err instanceof HttpError)
        return exportPage(request, reply, config, { status: err.status, flash: { kind: 'error', text: err.message } });
      throw err;
    }
  }

  app.post('/exports/:id/notifications/test', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (!config) return;
    return refusalsOnExportPage(request, reply, config, async () => {
      const result = await testNotifierOf(deps)(config);
      const flash: Flash = result.delivered
        ? { kind: 'ok', text: `Test notification delivered: the receiver answered ${result.responseStatus}.` }
        : { kind: 'error', text: `Test notification not delivered: ${result.error}` };
      return exportPage(request, reply, config, { flash });
    });
  });

  app.post('/exports/:id/notify-secret', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (!config) return;
    return refusalsOnExportPage(request, reply, config, async () => {
      const secret = await rotateNotifySecret(deps, config);
      return reply.redirect(`/exports/${config.id}${secretTicket(secret, '?')}`, 303);
    });
  });

  async function startRuns(
    request: FastifyRequest,
    reply: FastifyReply,
    body: { window: string; rerun?: boolean } | { from: string; to: string },
  ) {
    const config = await exportOr404(request, reply);
    if (!config) return;
    return refusalsOnExportPage(request, reply, config, async () => {
      const started = (await requestRuns(deps, config, body)).windows;
      // Post/redirect/get: reloading the page afterwards must not start the runs again.
      const notice = new URLSearchParams({ started: String(started.length), from: started[0]?.windowStart ?? '' });
      return reply.redirect(`/exports/${config.id}?${notice}`, 303);
    });
  }

  app.post('/exports/:id/preview', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (!config) return;
    const window = one((request.body ?? {}) as Form, 'window');
    return refusalsOnExportPage(request, reply, config, async () => {
      const preview = await previewLines(deps, config, previewWindow(config.cadence, window || undefined));
      return exportPage(request, reply, config, { preview });
    });
  });
  app.post('/exports/:id/run', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    return startRuns(request, reply, { window: one(form, 'window'), ...(one(form, 'rerun') ? { rerun: true } : {}) });
  });
  app.post('/exports/:id/backfill', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    return startRuns(request, reply, { from: one(form, 'from'), to: one(form, 'to') });
  });
  app.post('/exports/:id/edit', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (!config) return;
    const form = (request.body ?? {}) as Form;
    const parsed = updateExportInputSchema.safeParse(changeInput(form));
    if (!parsed.success)
      return exportPage(request, reply, config, {
        status: 400,
        flash: { kind: 'error', text: 'Not saved: see the fields below.' },
        editValues: form,
        editErrors: fieldErrors(parsed.error),
      });
    try {
      const saved = await changeExport(deps, config.id, parsed.data, webActor(request));
      return reply.redirect(`/exports/${config.id}?saved=1${secretTicket(saved?.notifySecret, '&')}`, 303);
    } catch (err) {
      if (err instanceof HttpError && err.status < 500)
        return exportPage(request, reply, config, {
          status: err.status,
          flash: { kind: 'error', text: err.message },
          editValues: form,
          editErrors: errorsOfRefusal(err),
        });
      throw err;
    }
  });
  app.post('/exports/:id/delete', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (!config) return;
    await deleteExport(deps, config.id, webActor(request));
    return reply.redirect('/', 303);
  });
}
