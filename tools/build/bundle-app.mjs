// Builds an app for production: its entry point and our libraries bundled into dist/main.js
// (third-party packages stay in node_modules), and for the worker also the prebundled workflow
// code, which the worker loads instead of bundling at start-up.
//   node tools/build/bundle-app.mjs apps/worker [--workflows libs/workflows/src/index.ts
//     --workflow-interceptors libs/workflows/src/interceptors.ts]
//   node tools/build/bundle-app.mjs apps/verify --standalone dist/verify/verify.mjs
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [appDir, ...rest] = process.argv.slice(2);
if (!appDir) {
  console.error('usage: bundle-app.mjs <app dir> [--workflows <workflows entry>]');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..', '..');
const outDir = join(root, appDir, 'dist');
mkdirSync(outDir, { recursive: true });

const keepWorkspaceLibsInside = {
  name: 'externalize-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      // Our libraries are bundled in; the workflows stay a package: the worker loads them from the
      // prebuilt workflow bundle, or bundles them itself when run from source.
      args.path.startsWith('@log-exporter/') && args.path !== '@log-exporter/workflows'
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: [join(root, appDir, 'src', 'main.ts')],
  outfile: join(outDir, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [keepWorkspaceLibsInside],
});

// A single self-contained file (every package inside) for customers: `node verify.mjs …` with
// nothing installed. ESM with a `require` of its own for the CommonJS packages inside it; a
// target old enough for the Node releases customers still run.
const standaloneIndex = rest.indexOf('--standalone');
if (standaloneIndex !== -1) {
  const outfile = resolve(root, rest[standaloneIndex + 1]);
  await build({
    entryPoints: [join(root, appDir, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'linked',
    logLevel: 'warning',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
  });
  console.log(`built ${rest[standaloneIndex + 1]}`);
}

const workflowsIndex = rest.indexOf('--workflows');
if (workflowsIndex !== -1) {
  const require = createRequire(join(root, 'package.json'));
  const { bundleWorkflowCode } = require('@temporalio/worker');
  const interceptorsIndex = rest.indexOf('--workflow-interceptors');
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(root, rest[workflowsIndex + 1]),
    workflowInterceptorModules: interceptorsIndex === -1 ? [] : [join(root, rest[interceptorsIndex + 1])],
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  writeFileSync(join(outDir, 'workflow-bundle.js'), withoutSourcesContent(code));
}

/**
 * The bundle with its inline source map kept (the SDK requires one, and maps workflow stack
 * traces with it) but without the map's copy of every source file: 2.9 MB → 1.5 MB, which the
 * worker holds as the script's source and as the parsed map (idle RSS ~200 → ~187 MB).
 */
function withoutSourcesContent(code) {
  const at = code.lastIndexOf('//# sourceMappingURL=data:');
  const base64At = at === -1 ? -1 : code.indexOf('base64,', at);
  if (base64At === -1) throw new Error('workflow bundle: no inline source map');
  const map = JSON.parse(Buffer.from(code.slice(base64At + 'base64,'.length).trim(), 'base64').toString());
  delete map.sourcesContent;
  return `${code.slice(0, base64At)}base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}
console.log(`built ${appDir}/dist`);
