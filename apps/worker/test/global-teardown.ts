import { rmSync } from 'node:fs';
import { stopPostgresForJest, stopTemporalForJest } from '@log-exporter/local-stack';

export default async function globalTeardown(): Promise<void> {
  await Promise.all([stopTemporalForJest(), stopPostgresForJest()]);
  if (process.env.TEST_WORKFLOW_BUNDLE) rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
}
