import { rmSync } from 'node:fs';
import { stopTemporalForJest } from '@log-exporter/local-stack';

export default async function globalTeardown(): Promise<void> {
  await stopTemporalForJest();
  if (process.env.TEST_WORKFLOW_BUNDLE) rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
}
