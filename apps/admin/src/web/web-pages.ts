// The admin web pages: the same tasks as the API for ops and support staff, server-rendered, behind
// a login with the admin token. Forms post back here (CSRF-checked); nothing runs in the browser
// but the copy buttons.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type Destination,
  type ExportConfig,
  type Run,
  compressionSchema,
  createDestinationInputSchema,
  createExportInputSchema,
  describeZodError,
  destinationIdSchema,
  exportIdSchema,
  fieldGroupSchema,
  updateExportInputSchema,
} from '@log-exporter/schemas';
import type { AdminDeps } from '../admin-deps';
import { exportStatus } from '../api/representations';
import { type Actor, changeExport, createExport, deleteExport } from '../export-management';
import { tokensMatch } from '../http/auth';
import { HttpError } from '../http/http-error';
import { createOrReuseDestination, policiesFor, verify } from '../onboarding';
import { reconcileExport } from '../reconciliation';
import { requestRuns } from '../run-requests';
import { type Html, html, page } from './html';
import {
  SESSION_COOKIE,
  clearedSessionCookie,
  csrfIsValid,
  csrfToken,
  newSession,
  readCookie,
  sessionCookie,
  sessionIsValid,
} from './web-session';
import { ADMIN_CSS, ADMIN_JS } from './static-assets';

type Form = Record<string, string | string[]>;
type FieldErrors = Record<string, string>;

function one(form: Form, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

function many(form: Form, name: string): string[] {
  const value = form[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of describeZodError(error)) errors[issue.path.split('.')[0] as string] ??= issue.message;
  return errors;
}

function errorFor(errors: FieldErrors, field: string): Html | string {
  return errors[field] ? html`<p class="field-error" role="alert">${errors[field]}</p>` : '';
}

function fmt(value: string | null | undefined): string {
  return value ?? '—';
}

function megabytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${(bytes / 1_048_576).toFixed(2)} MiB`;
}

export function registerWebPages(app: FastifyInstance, deps: AdminDeps): void {
  const secret = deps.settings.adminToken;

  function session(request: FastifyRequest): string | undefined {
    const value = readCookie(request.headers.cookie, SESSION_COOKIE);
    return sessionIsValid(secret, value) ? value : undefined;
  }

  function webActor(request: FastifyRequest): Actor {
    return { name: 'admin (web)', ipAddress: request.ip ?? null, context: 'admin-web' };
  }

  function send(
    reply: FastifyReply,
    status: number,
    title: string,
    body: Html,
    request: FastifyRequest,
    flash?: { kind: 'ok' | 'error'; text: string },
  ) {
    const current = session(request);
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(
        page({ title, body, ...(current ? { csrf: csrfToken(secret, current) } : {}), ...(flash ? { flash } : {}) }),
      );
  }

  /** Every page but /login needs a session; every POST also a matching CSRF token. */
  app.addHook('preHandler', async (request, reply) => {
    const url = request.url.split('?')[0] as string;
    if (
      url.startsWith('/api/') ||
      ['/healthz', '/livez', '/readyz', '/metrics'].includes(url) ||
      url.startsWith('/static/') ||
      url === '/login'
    )
      return;
    const current = session(request);
    if (!current) {
      if (request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return reply.code(401).type('text/plain').send('log in first');
    }
    if (request.method === 'POST' && !csrfIsValid(secret, current, ((request.body ?? {}) as Form)._csrf)) {
      return reply
        .code(403)
        .type('text/plain')
        .send('the form expired or did not come from this site: reload the page and try again');
    }
  });

  const csrfField = (request: FastifyRequest) =>
    html`<input type="hidden" name="_csrf" value="${csrfToken(secret, session(request) ?? '')}" />`;

  // ---- static assets
  app.get('/static/admin.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(ADMIN_JS));
  app.get('/static/admin.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(ADMIN_CSS));

  // ---- login
  const loginPage = (request: FastifyRequest, reply: FastifyReply, status: number, error?: string) => {
    const next = z
      .string()
      .regex(/^\/(?!\/)[^\s]*$/)
      .catch('/')
      .parse((request.query as Record<string, unknown>).next ?? '/');
    return send(
      reply,
      status,
      'Log in',
      html`<h1>Log in</h1>
        <form method="post" action="/login" class="stacked">
          <input type="hidden" name="next" value="${next}" />
          <label for="token">Admin token</label>
          <input type="password" id="token" name="token" autocomplete="current-password" required />
          ${error ? html`<p class="field-error" role="alert">${error}</p>` : ''}
          <p><button type="submit">Log in</button></p>
        </form>`,
      request,
    );
  };
  app.get('/login', async (request, reply) => loginPage(request, reply, 200));
  app.post('/login', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (!tokensMatch(one(form, 'token'), secret)) {
      deps.logger.warn({ ip: request.ip }, 'admin web login refused');
      try {
        await app.countFailedAuth(request, reply);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 429) throw err;
        return loginPage(request, reply, 429, 'Too many failed attempts from your address: wait a minute.');
      }
      return loginPage(request, reply, 401, 'That is not the admin token.');
    }
    const next = z
      .string()
      .regex(/^\/(?!\/)[^\s]*$/)
      .catch('/')
      .parse(one(form, 'next') || '/');
    reply.header('set-cookie', sessionCookie(newSession(secret), request.protocol === 'https'));
    return reply.redirect(next, 303);
  });
  app.post('/logout', async (_request, reply) => {
    reply.header('set-cookie', clearedSessionCookie());
    return reply.redirect('/login', 303);
  });

  // ---- exports list (home)
  app.get('/', async (request, reply) => {
    const [exports, destinations] = await Promise.all([deps.store.exports.list(), deps.store.destinations.list()]);
    const byId = new Map(destinations.map((d) => [d.id, d]));
    const reconciled = await Promise.all(
      exports.map((e) => reconcileExport(deps.store, e, deps.settings, { horizonOnly: true })),
    );
    const rows = exports.map((e, i) => {
      const status = exportStatus(e, deps.settings.failingAfter, reconciled[i]!);
      const d = byId.get(e.destinationId);
      return html`<tr>
        <td><a href="/exports/${e.id}">${e.id}</a></td>
        <td>${e.organization}</td>
        <td>${e.logType}</td>
        <td>${e.format}</td>
        <td>
          <code>${d ? `s3://${d.bucket}/${[d.prefix, e.folder].filter(Boolean).join('/')}` : e.destinationId}</code>
        </td>
        <td>${e.cadence}</td>
        <td class="status-${status}">${status}</td>
        <td>${fmt(e.health.lastSuccessWindow)}</td>
        <td>${fmt(e.health.lastError)}</td>
      </tr>`;
    });
    const destinationRows = destinations.map(
      (d) =>
        html`<tr>
          <td><a href="/destinations/${d.id}">${d.id}</a></td>
          <td>${d.organization}</td>
          <td>${d.awsAccountId}</td>
          <td><code>s3://${d.bucket}/${d.prefix}</code></td>
          <td>${d.roleName}</td>
          <td>${d.region}</td>
        </tr>`,
    );
    return send(
      reply,
      200,
      'Exports',
      html`<h1>Exports</h1>
        <table aria-label="exports">
          <thead>
            <tr>
              <th>Export</th>
              <th>Organisation</th>
              <th>Logs</th>
              <th>Format</th>
              <th>Writes to</th>
              <th>Cadence</th>
              <th>Status</th>
              <th>Last success (window)</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            ${
              rows.length
                ? rows
                : html`<tr>
                    <td colspan="9">No exports yet: <a href="/destinations/new">onboard a customer</a>.</td>
                  </tr>`
            }
          </tbody>
        </table>
        <h2>Destinations</h2>
        <table aria-label="destinations">
          <thead>
            <tr>
              <th>Destination</th>
              <th>Organisation</th>
              <th>AWS account</th>
              <th>Bucket / prefix</th>
              <th>Role</th>
              <th>Region</th>
            </tr>
          </thead>
          <tbody>
            ${
              destinationRows.length
                ? destinationRows
                : html`<tr>
                    <td colspan="6">None yet.</td>
                  </tr>`
            }
          </tbody>
        </table>`,
      request,
    );
  });

  // ---- destinations
  const destinationForm = (request: FastifyRequest, values: Form, errors: FieldErrors) =>
    html`<h1>New destination</h1>
      <p>
        What the customer told us (seed step 4). One destination per organisation is the norm; adding a log type reuses
        it.
      </p>
      <form method="post" action="/destinations" class="stacked">
        ${csrfField(request)}
        ${(
          [
            ['organization', 'Organisation (namespace slug)', 'acmecorp'],
            ['awsAccountId', 'AWS account ID (12 digits)', '995557609558'],
            ['bucket', 'S3 bucket', 'cloudsmith-acmecorp-logs'],
            ['prefix', 'Prefix (optional)', 'cloudsmith-logs'],
            ['roleName', 'IAM role name', 'CloudsmithLogsWriter'],
            ['region', 'Bucket region', 'us-east-1'],
          ] as const
        ).map(
          ([name, label, placeholder]) =>
            html`<label for="${name}">${label}</label>
              <input
                type="text"
                id="${name}"
                name="${name}"
                value="${one(values, name)}"
                placeholder="${placeholder}"
              />
              ${errorFor(errors, name)}`,
        )}
        <p><button type="submit">Create destination</button></p>
      </form>`;

  app.get('/destinations/new', async (request, reply) =>
    send(reply, 200, 'New destination', destinationForm(request, {}, {}), request),
  );
  app.post('/destinations', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const input = Object.fromEntries(
      ['organization', 'awsAccountId', 'bucket', 'prefix', 'roleName', 'region']
        .map((name) => [name, one(form, name)])
        .filter(
          ([name, value]) =>
            value !== '' ||
            name === 'organization' ||
            name === 'bucket' ||
            name === 'roleName' ||
            name === 'awsAccountId',
        ),
    );
    const parsed = createDestinationInputSchema.safeParse(input);
    if (!parsed.success)
      return send(reply, 400, 'New destination', destinationForm(request, form, fieldErrors(parsed.error)), request);
    const { destination } = await createOrReuseDestination(deps, parsed.data);
    return reply.redirect(`/destinations/${destination.id}`, 303);
  });

  async function handoverPage(
    request: FastifyRequest,
    reply: FastifyReply,
    destination: Destination,
    verification?: Awaited<ReturnType<typeof verify>>,
  ) {
    const p = policiesFor(deps, destination);
    const exports = (await deps.store.exports.list({ organization: destination.organization })).filter(
      (e) => e.destinationId === destination.id,
    );
    const permission = JSON.stringify(p.permissionPolicy, null, 2);
    const trust = JSON.stringify(p.trustPolicy, null, 2);
    return send(
      reply,
      200,
      `Hand-over ${destination.organization}`,
      html`<h1>Hand-over for ${destination.organization}</h1>
        <p>
          Send the customer these values and steps. The External ID is what protects them from the confused-deputy
          problem: it must appear exactly in their role's trust policy.
        </p>
        <table aria-label="hand-over values">
          <tr>
            <th>External ID</th>
            <td>
              <code id="external-id">${p.externalId}</code> <button type="button" data-copy="external-id">Copy</button>
            </td>
          </tr>
          <tr>
            <th>Role ARN</th>
            <td><code id="role-arn">${p.roleArn}</code> <button type="button" data-copy="role-arn">Copy</button></td>
          </tr>
          <tr>
            <th>Bucket</th>
            <td><code>s3://${destination.bucket}/${destination.prefix}</code> (${destination.region})</td>
          </tr>
          <tr>
            <th>Our AWS account</th>
            <td><code>${deps.settings.exporterAccountId}</code></td>
          </tr>
        </table>
        <h2>Setup steps for the customer</h2>
        <ol class="steps">
          <li>
            Create the S3 bucket <code>${destination.bucket}</code> in ${destination.region} (or use the existing one).
          </li>
          <li>
            ${destination.prefix ? html`Logs go under the prefix <code>${destination.prefix}/</code>.` : 'Logs go to the top of the bucket (no prefix).'}
            ${exports.length ? html` Folders per log type: ${exports.map((e) => html`<code>${e.folder || '(none)'}</code> (${e.logType}) `)}.` : ''}
          </li>
          <li>
            In IAM, create a role for "Another AWS account" named <code>${destination.roleName}</code>, with account ID
            <code>${deps.settings.exporterAccountId}</code>, tick "Require external ID" and enter the External ID above.
          </li>
          <li>
            Give the role this permission policy:
            <pre id="permission-policy">${permission}</pre>
            <button type="button" data-copy="permission-policy">Copy</button>
          </li>
          <li>
            Make sure its trust relationship is exactly:
            <pre id="trust-policy">${trust}</pre>
            <button type="button" data-copy="trust-policy">Copy</button>
          </li>
          <li>Tell us when it is done; we verify below.</li>
        </ol>
        <h2>Verify</h2>
        <form method="post" action="/destinations/${destination.id}/verify">
          ${csrfField(request)}<button type="submit">Verify the customer's setup</button>
        </form>
        ${
          verification
            ? html`<table aria-label="verification">
                  <thead>
                    <tr>
                      <th>Step</th>
                      <th>Result</th>
                      <th>Details</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${verification.steps.map(
                      (s) =>
                        html`<tr>
                          <td>${s.name}</td>
                          <td class="${s.ok ? 'ok' : 'failed'}">${s.ok ? 'passed' : 'failed'}</td>
                          <td>${s.message}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
                <p class="${verification.ok ? 'ok' : 'failed'}" id="verification-result">
                  ${verification.ok ? 'Verification passed: exports can write here.' : 'Verification failed: see the failed step.'}
                </p>`
            : ''
        }
        <h2>Exports into this destination</h2>
        <ul>
          ${exports.map((e) => html`<li><a href="/exports/${e.id}">${e.id}</a>: ${e.logType} logs as ${e.format} into <code>${e.folder || '(no folder)'}</code></li>`)}
        </ul>
        <p><a href="/exports/new?destinationId=${destination.id}">Add an export to this destination</a></p>`,
      request,
    );
  }

  async function destinationOr404(request: FastifyRequest, reply: FastifyReply): Promise<Destination | undefined> {
    const id = destinationIdSchema.safeParse((request.params as { id?: string }).id);
    const destination = id.success ? await deps.store.destinations.get(id.data) : undefined;
    if (!destination)
      await send(
        reply,
        404,
        'Not found',
        html`<h1>No such destination</h1>
          <p><a href="/">Back to exports</a></p>`,
        request,
      );
    return destination;
  }

  app.get('/destinations/:id', async (request, reply) => {
    const destination = await destinationOr404(request, reply);
    if (destination) return handoverPage(request, reply, destination);
  });
  app.post('/destinations/:id/verify', async (request, reply) => {
    const destination = await destinationOr404(request, reply);
    if (destination) return handoverPage(request, reply, destination, await verify(deps, destination));
  });

  // ---- exports
  async function exportForm(request: FastifyRequest, values: Form, errors: FieldErrors) {
    const destinations = await deps.store.destinations.list();
    const selected =
      one(values, 'destinationId') || String((request.query as Record<string, unknown>).destinationId ?? '');
    const exclude = new Set(many(values, 'exclude'));
    const option = (name: string, value: string, label: string) =>
      html`<option value="${value}" ${one(values, name) === value ? html`selected` : ''}>${label}</option>`;
    return html`<h1>New export</h1>
      <form method="post" action="/exports" class="stacked">
        ${csrfField(request)}
        <label for="destinationId">Destination</label>
        <select id="destinationId" name="destinationId">
          ${destinations.map(
            (d) =>
              html`<option value="${d.id}" ${d.id === selected ? html`selected` : ''}>
                ${d.organization}: s3://${d.bucket}/${d.prefix} (${d.id})
              </option>`,
          )}</select
        >${errorFor(errors, 'destinationId')}
        <label for="logType">Log type</label>
        <select id="logType" name="logType">
          ${option('logType', 'client', 'Client logs (downloads)')}${option('logType', 'audit', 'Audit logs')}</select
        >${errorFor(errors, 'logType')}
        <label for="format">Format</label>
        <select id="format" name="format">
          ${option('format', 'json-ts', 'JSON Stream + Timestamp (recommended)')}${option('format', 'json', 'JSON Stream')}${option('format', 'csv', 'CSV')}${option('format', 'apache', 'Apache (client logs only)')}</select
        >${errorFor(errors, 'format')}
        <label for="folder">Folder (inside the prefix)</label>
        <input
          type="text"
          id="folder"
          name="folder"
          value="${one(values, 'folder')}"
          placeholder="client-logs"
        />${errorFor(errors, 'folder')}
        <label for="repositories"
          >Repositories (client logs; comma-separated slugs; empty for the whole organisation)</label
        >
        <input
          type="text"
          id="repositories"
          name="repositories"
          value="${one(values, 'repositories')}"
        />${errorFor(errors, 'repositories')}
        <fieldset>
          <legend>Exclude</legend>
          ${fieldGroupSchema.options.map(
            (g) =>
              html`<label class="inline"
                ><input type="checkbox" name="exclude" value="${g}" ${exclude.has(g) ? html`checked` : ''} />
                ${g}</label
              > `,
          )}
        </fieldset>
        ${errorFor(errors, 'exclude')}
        <label for="compression">Compression</label>
        <select id="compression" name="compression">
          ${compressionSchema.options.map((c) => option('compression', c, c))}
        </select>
        <label for="cadence">Cadence</label>
        <select id="cadence" name="cadence">
          ${option('cadence', 'daily', 'daily')}${option('cadence', 'hourly', 'hourly')}
        </select>
        <p><button type="submit">Create export</button></p>
      </form>`;
  }

  function exportInput(form: Form): Record<string, unknown> {
    const repositories = one(form, 'repositories')
      .split(/[\s,]+/)
      .filter(Boolean);
    return {
      ...(one(form, 'destinationId') ? { destinationId: one(form, 'destinationId') } : {}),
      ...(one(form, 'logType') ? { logType: one(form, 'logType') } : {}),
      format: one(form, 'format'),
      folder: one(form, 'folder'),
      repositories: repositories.length ? repositories : null,
      exclude: many(form, 'exclude'),
      compression: one(form, 'compression') || 'gzip',
      cadence: one(form, 'cadence') || 'daily',
    };
  }

  app.get('/exports/new', async (request, reply) =>
    send(reply, 200, 'New export', await exportForm(request, {}, {}), request),
  );
  app.post('/exports', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const parsed = createExportInputSchema.safeParse(exportInput(form));
    if (!parsed.success)
      return send(reply, 400, 'New export', await exportForm(request, form, fieldErrors(parsed.error)), request);
    try {
      const created = await createExport(deps, parsed.data, webActor(request));
      return reply.redirect(`/exports/${created.id}`, 303);
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) {
        return send(
          reply,
          err.status,
          'New export',
          await exportForm(request, form, { destinationId: err.message }),
          request,
        );
      }
      throw err;
    }
  });

  async function exportOr404(request: FastifyRequest, reply: FastifyReply): Promise<ExportConfig | undefined> {
    const id = exportIdSchema.safeParse((request.params as { id?: string }).id);
    const config = id.success ? await deps.store.exports.get(id.data) : undefined;
    if (!config)
      await send(
        reply,
        404,
        'Not found',
        html`<h1>No such export</h1>
          <p><a href="/">Back to exports</a></p>`,
        request,
      );
    return config;
  }

  function runRow(run: Run, undelivered: number): Html {
    // Built apart, so the cells hold just their text when nothing is late or revised.
    const status = run.revision > 1 ? html`${run.status}<br />revision ${run.revision}` : run.status;
    const records =
      undelivered > 0
        ? html`${run.records}<br /><span class="undelivered">${undelivered} not delivered yet</span>`
        : String(run.records);
    return html`<tr>
      <td>${run.window.start}</td>
      <td class="status-${run.status}">${status}</td>
      <td>${records}</td>
      <td>${megabytes(run.bytes)}</td>
      <td>
        ${
          run.objects.length
            ? html`<ul>
                ${run.objects.map((o) => html`<li><code class="object-key">${o.key}</code><br />${o.records} records, ${o.bytes} bytes, sha256 <code>${o.sha256.slice(0, 16)}…</code></li>`)}
              </ul>`
            : '—'
        }
        ${run.manifestKey ? html`<p>manifest <code class="manifest-key">${run.manifestKey}</code></p>` : ''}
      </td>
      <td>${run.error ? html`<span class="failed">${run.error.type}: ${run.error.message}</span>` : '—'}</td>
      <td>
        <a href="${deps.temporal.workflowUrl(run.workflowId)}" target="_blank" rel="noopener">workflow</a><br />attempts
        ${run.attempts}
      </td>
      <td>${run.startedAt}<br />${fmt(run.finishedAt)}</td>
    </tr>`;
  }

  async function exportPage(
    request: FastifyRequest,
    reply: FastifyReply,
    config: ExportConfig,
    status = 200,
    flash?: { kind: 'ok' | 'error'; text: string },
    editErrors: FieldErrors = {},
  ) {
    const [destination, runs, reconciliation] = await Promise.all([
      deps.store.destinations.get(config.destinationId),
      deps.store.runs.list(config.id, { limit: 60 }),
      reconcileExport(deps.store, config, deps.settings, { horizonOnly: false }),
    ]);
    const health = exportStatus(config, deps.settings.failingAfter, reconciliation);
    const undelivered = new Map(reconciliation.windows.map((w) => [w.windowStart, w.undeliveredRecords]));
    const exclude = new Set(config.exclude);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    return send(
      reply,
      status,
      `Export ${config.id}`,
      html`<h1>Export ${config.id}</h1>
        <table aria-label="export">
          <tr>
            <th>Organisation</th>
            <td>${config.organization}</td>
          </tr>
          <tr>
            <th>Logs</th>
            <td>${config.logType} as ${config.format}, ${config.compression}, ${config.cadence}</td>
          </tr>
          <tr>
            <th>Writes to</th>
            <td>
              <code
                >${destination ? `s3://${destination.bucket}/${[destination.prefix, config.folder].filter(Boolean).join('/')}/` : config.destinationId}</code
              >
              ${destination ? html` (<a href="/destinations/${destination.id}">hand-over</a>)` : ''}
            </td>
          </tr>
          <tr>
            <th>Scope</th>
            <td>${config.repositories ? config.repositories.join(', ') : 'the whole organisation'}</td>
          </tr>
          <tr>
            <th>Excluded</th>
            <td>${config.exclude.length ? config.exclude.join(', ') : 'nothing'}</td>
          </tr>
          <tr>
            <th>Status</th>
            <td class="status-${health}" id="export-status">${health}</td>
          </tr>
          <tr>
            <th>Not delivered yet</th>
            <td id="export-undelivered">
              ${reconciliation.undeliveredRecords}
              record(s)${reconciliation.degradedReason ? html`: ${reconciliation.degradedReason}` : ''}
              ${reconciliation.beyondHorizon.windows > 0 ? html`<br />${reconciliation.beyondHorizon.records} of them in ${reconciliation.beyondHorizon.windows} window(s) older than the late horizon` : ''}
            </td>
          </tr>
          <tr>
            <th>Last success</th>
            <td>${fmt(config.health.lastSuccessWindow)} (at ${fmt(config.health.lastSuccessAt)})</td>
          </tr>
          <tr>
            <th>Last error</th>
            <td>${fmt(config.health.lastError)}; consecutive failures: ${config.health.consecutiveFailures}</td>
          </tr>
        </table>
        <h2>Run now</h2>
        <form method="post" action="/exports/${config.id}/run" class="stacked">
          ${csrfField(request)}
          <label for="window"
            >Window start (a UTC date${config.cadence === 'hourly' ? ' or hour, e.g. 2026-11-25T13:00:00Z' : ''})</label
          >
          <input type="text" id="window" name="window" value="${yesterday}" />
          <label class="inline"
            ><input type="checkbox" name="rerun" value="1" /> export the whole window again (rewrites its objects;
            without it, a delivered window gets only its late records)</label
          >
          <p><button type="submit">Run now</button></p>
        </form>
        <h2>Backfill</h2>
        <form method="post" action="/exports/${config.id}/backfill" class="stacked">
          ${csrfField(request)} <label for="from">From (inclusive)</label
          ><input type="text" id="from" name="from" placeholder="2026-11-01" /> <label for="to">To (inclusive)</label
          ><input type="text" id="to" name="to" placeholder="2026-11-07" />
          <p><button type="submit">Backfill</button></p>
        </form>
        <h2>Run history</h2>
        <table aria-label="runs">
          <thead>
            <tr>
              <th>Window</th>
              <th>Status</th>
              <th>Records</th>
              <th>Bytes</th>
              <th>Objects</th>
              <th>Error</th>
              <th>Temporal</th>
              <th>Started / finished</th>
            </tr>
          </thead>
          <tbody>
            ${
              runs.length
                ? runs.map((run) => runRow(run, undelivered.get(run.window.start) ?? 0))
                : html`<tr>
                    <td colspan="8">No runs yet.</td>
                  </tr>`
            }
          </tbody>
        </table>
        <h2>Change</h2>
        <form method="post" action="/exports/${config.id}/edit" class="stacked">
          ${csrfField(request)}
          <label for="edit-format">Format</label>
          <select id="edit-format" name="format">
            ${(['json-ts', 'json', 'csv', 'apache'] as const).map((f) => html`<option value="${f}" ${f === config.format ? html`selected` : ''}>${f}</option>`)}</select
          >${errorFor(editErrors, 'format')} <label for="edit-folder">Folder</label
          ><input
            type="text"
            id="edit-folder"
            name="folder"
            value="${config.folder}"
          />${errorFor(editErrors, 'folder')} <label for="edit-repositories">Repositories</label
          ><input
            type="text"
            id="edit-repositories"
            name="repositories"
            value="${(config.repositories ?? []).join(', ')}"
          />${errorFor(editErrors, 'repositories')}
          <fieldset>
            <legend>Exclude</legend>
            ${fieldGroupSchema.options.map((g) => html`<label class="inline"><input type="checkbox" name="exclude" value="${g}" ${exclude.has(g) ? html`checked` : ''} /> ${g}</label> `)}
          </fieldset>
          <label for="edit-compression">Compression</label>
          <select id="edit-compression" name="compression">
            ${compressionSchema.options.map((c) => html`<option value="${c}" ${c === config.compression ? html`selected` : ''}>${c}</option>`)}
          </select>
          <label for="edit-cadence">Cadence</label>
          <select id="edit-cadence" name="cadence">
            ${(['daily', 'hourly'] as const).map((c) => html`<option value="${c}" ${c === config.cadence ? html`selected` : ''}>${c}</option>`)}
          </select>
          <label class="inline"
            ><input type="checkbox" name="enabled" value="1" ${config.enabled ? html`checked` : ''} /> enabled</label
          >
          <p><button type="submit">Save changes</button></p>
        </form>
        <form method="post" action="/exports/${config.id}/delete">
          ${csrfField(request)}<button type="submit">Delete this export</button>
        </form>`,
      request,
      flash,
    );
  }

  app.get('/exports/:id', async (request, reply) => {
    const config = await exportOr404(request, reply);
    if (config) return exportPage(request, reply, config, 200, noticeFrom(request.query));
  });

  async function startRuns(
    request: FastifyRequest,
    reply: FastifyReply,
    body: { window: string; rerun?: boolean } | { from: string; to: string },
  ) {
    const config = await exportOr404(request, reply);
    if (!config) return;
    try {
      const started = (await requestRuns(deps, config, body)).windows;
      // Post/redirect/get: reloading the page afterwards must not start the runs again.
      const notice = new URLSearchParams({ started: String(started.length), from: started[0]?.windowStart ?? '' });
      return reply.redirect(`/exports/${config.id}?${notice}`, 303);
    } catch (err) {
      if (err instanceof HttpError)
        return exportPage(request, reply, config, err.status, { kind: 'error', text: err.message });
      throw err;
    }
  }

  /** The notice a redirect after a form asks for: built from counts, never from free text. */
  function noticeFrom(query: unknown): { kind: 'ok'; text: string } | undefined {
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
    const { destinationId: _d, logType: _l, ...change } = exportInput(form);
    const parsed = updateExportInputSchema.safeParse({ ...change, enabled: one(form, 'enabled') === '1' });
    if (!parsed.success)
      return exportPage(
        request,
        reply,
        config,
        400,
        { kind: 'error', text: 'Not saved: see the fields below.' },
        fieldErrors(parsed.error),
      );
    try {
      await changeExport(deps, config.id, parsed.data, webActor(request));
      return reply.redirect(`/exports/${config.id}?saved=1`, 303);
    } catch (err) {
      if (err instanceof HttpError && err.status < 500)
        return exportPage(request, reply, config, err.status, { kind: 'error', text: err.message });
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
