// `npm run docs`: writes docs/formats.md (from the encoders and schemas) and docs/openapi.json
// (from the admin app's route declarations); `… check` exits 1 if a committed file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApiDocument } from '@log-exporter/admin';
import { renderFormatsDoc } from './formats-doc';

const DOCS_DIR = join(__dirname, '..', '..', '..', 'docs');
export const FORMATS_DOC_PATH = join(DOCS_DIR, 'formats.md');
export const OPENAPI_DOC_PATH = join(DOCS_DIR, 'openapi.json');

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'write';
  const rendered: Array<[string, string]> = [
    [FORMATS_DOC_PATH, renderFormatsDoc()],
    [OPENAPI_DOC_PATH, await renderOpenApiDocument()],
  ];
  if (command === 'write') {
    for (const [path, text] of rendered) {
      writeFileSync(path, text);
      process.stdout.write(`wrote ${path}\n`);
    }
  } else if (command === 'check') {
    const stale = rendered.filter(([path, text]) => readFileSync(path, 'utf8') !== text).map(([path]) => path);
    if (stale.length > 0) {
      process.stderr.write(`out of date (run \`npm run docs\`): ${stale.join(', ')}\n`);
      process.exit(1);
    }
  } else {
    process.stderr.write(`unknown command ${JSON.stringify(command)}: use write or check\n`);
    process.exit(2);
  }
}

void main();
