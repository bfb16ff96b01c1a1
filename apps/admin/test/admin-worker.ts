// A real export worker on the admin harness's task queue, store and credentials: the admin app's
// run requests are then exported for real (the worker app's own wiring, in this process).
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import {
  createExportActivities,
  createNotificationActivities,
  createRetentionActivities,
} from '@log-exporter/activities';
import { CustomerS3Clients } from '@log-exporter/aws';
import type { MotoServer } from '@log-exporter/local-stack';
import { createExportWorker } from '@log-exporter/worker';
import type { Tracing } from '@log-exporter/telemetry';
import type { AdminHarness } from './harness';

export async function startAdminWorker(
  admin: AdminHarness,
  moto: MotoServer,
  options: { tracing?: Tracing } = {},
): Promise<{ stop(): Promise<void> }> {
  const s3 = new CustomerS3Clients(admin.deps.credentials, { endpoint: moto.endpoint });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const logger = pino({ level: 'silent' });
  const worker = await createExportWorker({
    connection,
    namespace: 'default',
    taskQueue: admin.taskQueue,
    activities: {
      ...createExportActivities({
        store: admin.store,
        credentials: admin.deps.credentials,
        s3,
        logger,
        settings: { settleDelayMs: 0 },
      }),
      ...createRetentionActivities({ store: admin.store, logger }),
      // Test receivers listen on loopback.
      ...createNotificationActivities({ store: admin.store, logger, settings: { allowLoopback: true } }),
    },
    shutdownGraceTime: '1 second',
    ...(options.tracing ? { tracing: options.tracing } : {}),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      s3.destroy();
    },
  };
}
