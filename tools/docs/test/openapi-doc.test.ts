import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApiDocument } from '@log-exporter/admin';

describe('docs/openapi.json', () => {
  it('is the document the admin app generates from its routes (run `npm run docs` when this fails)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8');
    const generated = await renderOpenApiDocument();
    expect(committed).toBe(generated);
    const document = JSON.parse(generated) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/exports/{id}/runs', '/readyz', '/livez']),
    );
  });
});
