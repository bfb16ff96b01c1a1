// Files logged-in users download: verify.mjs, the self-contained checker of delivered files
// (`npm run build` writes it; VERIFY_BUNDLE_PATH says where), linked from the hand-over page.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from '../admin-deps';

export const VERIFY_DOWNLOAD_PATH = '/downloads/verify.mjs';

export function registerDownloads(app: FastifyInstance, deps: AdminDeps): void {
  app.get(VERIFY_DOWNLOAD_PATH, async (_request, reply) => {
    const path = deps.settings.verifyBundlePath;
    const found = path ? await stat(path).catch(() => undefined) : undefined;
    if (!path || !found?.isFile()) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(
          'verify.mjs is not built on this server: `npm run build` writes dist/verify/verify.mjs (VERIFY_BUNDLE_PATH)',
        );
    }
    return reply
      .type('text/javascript; charset=utf-8')
      .header('content-disposition', 'attachment; filename="verify.mjs"')
      .header('content-length', String(found.size))
      .send(createReadStream(path));
  });
}
