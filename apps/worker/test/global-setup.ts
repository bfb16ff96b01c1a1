// Once per `jest` run of the worker project: a Temporal dev server (unless TEMPORAL_ADDRESS points
// at one already, as under `npm test`) and the workflow code bundled once for every test worker.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { DATA_DIR, ensurePythonTools, freePort, startTemporalDevServer } from '@log-exporter/local-stack';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

export default async function globalSetup(): Promise<void> {
  ensurePythonTools();
  if (!process.env.TEMPORAL_ADDRESS) {
    const server = await startTemporalDevServer({ port: await freePort() });
    process.env.TEMPORAL_ADDRESS = server.address;
    (globalThis as { __temporalDevServer?: typeof server }).__temporalDevServer = server;
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('@log-exporter/workflows'),
    logger: quiet,
  });
  const dir = join(DATA_DIR, 'test');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, code);
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
