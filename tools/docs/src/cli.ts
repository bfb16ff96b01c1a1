// `npm run docs`: writes docs/formats.md; `… check` exits 1 if the committed file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFormatsDoc } from './formats-doc';

export const FORMATS_DOC_PATH = join(__dirname, '..', '..', '..', 'docs', 'formats.md');

const command = process.argv[2] ?? 'write';
const rendered = renderFormatsDoc();
if (command === 'write') {
  writeFileSync(FORMATS_DOC_PATH, rendered);
  process.stdout.write(`wrote ${FORMATS_DOC_PATH}\n`);
} else if (command === 'check') {
  if (readFileSync(FORMATS_DOC_PATH, 'utf8') !== rendered) {
    process.stderr.write('docs/formats.md is out of date: run `npm run docs`\n');
    process.exit(1);
  }
} else {
  process.stderr.write(`unknown command ${JSON.stringify(command)}: use write or check\n`);
  process.exit(2);
}
