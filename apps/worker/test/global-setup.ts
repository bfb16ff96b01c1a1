// Once per `jest` run of the worker project: Temporal and PostgreSQL (shared or started here) and
// the workflow code bundled once for every test worker.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { DATA_DIR, startPostgresForJest, startTemporalForJest } from '@log-exporter/local-stack';
import { workflowInterceptorModules } from '../src/worker-telemetry';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

export default async function globalSetup(): Promise<void> {
  await Promise.all([startTemporalForJest(), startPostgresForJest()]);
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('@log-exporter/workflows'),
    workflowInterceptorModules: workflowInterceptorModules(),
    logger: quiet,
  });
  const dir = join(DATA_DIR, 'test');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, code);
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}
