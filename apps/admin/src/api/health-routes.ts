import type { AdminDeps } from '../admin-deps';
import { defineRoute } from '../http/route';
import { healthSchema } from './representations';

export function healthRoutes(deps: AdminDeps) {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      summary: 'Liveness, plus whether the database and Temporal answer',
      tag: 'health',
      auth: false,
      responses: {
        200: { description: 'everything answers', schema: healthSchema },
        503: { description: 'the database or Temporal does not answer', schema: healthSchema },
      },
      handler: async () => {
        const [database, temporal] = await Promise.all([
          deps.store.ping().then(
            () => ({ ok: true, message: `${deps.store.kind} answers` }),
            (err: unknown) => ({ ok: false, message: `database: ${(err as Error).message}` }),
          ),
          deps.temporal.ping().then(
            () => ({ ok: true, message: 'Temporal answers' }),
            (err: unknown) => ({ ok: false, message: `Temporal: ${(err as Error).message}` }),
          ),
        ]);
        const ok = database.ok && temporal.ok;
        return { status: ok ? 200 : 503, body: { ok, database, temporal } };
      },
    }),
  ];
}
