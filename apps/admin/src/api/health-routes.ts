// Probes: /livez (the process answers; never its dependencies, so a database outage does not
// get the pod restarted), /readyz (the database and Temporal answer), /healthz (alias of /readyz).
import { checkReadiness } from '@log-exporter/telemetry';
import type { z } from 'zod';
import type { AdminDeps } from '../admin-deps';
import { defineRoute } from '../http/route';
import { healthSchema, livenessSchema } from './representations';

export function healthRoutes(deps: AdminDeps) {
  const readiness = () =>
    checkReadiness({
      database: async () => {
        await deps.store.ping();
        return `${deps.store.kind} answers`;
      },
      temporal: async () => {
        await deps.temporal.ping();
        return 'Temporal answers';
      },
    });
  const readinessRoute = (path: string, summary: string) =>
    defineRoute({
      method: 'GET',
      path,
      summary,
      tag: 'health',
      access: 'public',
      responses: {
        200: { description: 'the database and Temporal answer', schema: healthSchema },
        503: { description: 'the database or Temporal does not answer', schema: healthSchema },
      },
      handler: async () => {
        const result = (await readiness()) as z.output<typeof healthSchema>;
        return result.ok ? { status: 200, body: result } : { status: 503, body: result };
      },
    });
  return [
    defineRoute({
      method: 'GET',
      path: '/livez',
      summary: 'Liveness: the process answers (dependencies are not checked)',
      tag: 'health',
      access: 'public',
      responses: { 200: { description: 'the process answers', schema: livenessSchema } },
      handler: async () => ({ status: 200, body: { ok: true as const } }),
    }),
    readinessRoute('/readyz', 'Readiness: whether the database and Temporal answer'),
    readinessRoute('/healthz', 'Alias of /readyz (kept for existing probes)'),
  ];
}
