// Idempotent starts against a real Temporal dev server. No worker polls these task queues, so the
// workflows stay running: what is tested is how starts join, refuse and re-run (the export itself
// is tested in apps/worker).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { EXPORT_WINDOW_WORKFLOW, exportSearchAttributes, exportWindowWorkflowId, startExportWindow } from '../src';

let connection: Connection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
});

function uniqueExportId(): string {
  return `exp_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

describe('startExportWindow', () => {
  it('derives the workflow ID from (export, window) and tags the workflow for search', async () => {
    const exportId = uniqueExportId();
    const taskQueue = `client-test-${randomUUID()}`;
    const started = await startExportWindow(client, {
      exportId,
      windowStart: '2026-11-25',
      taskQueue,
      organization: 'acme',
      logType: 'client',
    });
    try {
      expect(started).toMatchObject({ status: 'running', workflowId: exportWindowWorkflowId(exportId, '2026-11-25') });
      const description = await started.handle.describe();
      expect(description.type).toBe(EXPORT_WINDOW_WORKFLOW);
      expect(description.typedSearchAttributes.get(exportSearchAttributes.exportId)).toBe(exportId);
      expect(description.typedSearchAttributes.get(exportSearchAttributes.organization)).toBe('acme');
      expect(description.typedSearchAttributes.get(exportSearchAttributes.windowStart)?.toISOString()).toBe(
        '2026-11-25T00:00:00.000Z',
      );
    } finally {
      await started.handle.terminate('test done');
    }
  });

  it('joins the running workflow when the same window is started again, however the start is spelled', async () => {
    const exportId = uniqueExportId();
    const taskQueue = `client-test-${randomUUID()}`;
    const first = await startExportWindow(client, { exportId, windowStart: '2026-11-25', taskQueue });
    try {
      const second = await startExportWindow(client, { exportId, windowStart: '2026-11-25T01:00:00+01:00', taskQueue });
      expect(second.status).toBe('running');
      expect(second.workflowId).toBe(first.workflowId);
      expect((await second.handle.describe()).runId).toBe((await first.handle.describe()).runId);
    } finally {
      await first.handle.terminate('test done');
    }
  });

  it('runs a window again after it failed or was terminated', async () => {
    const exportId = uniqueExportId();
    const taskQueue = `client-test-${randomUUID()}`;
    const first = await startExportWindow(client, { exportId, windowStart: '2026-11-25', taskQueue });
    const firstRun = (await first.handle.describe()).runId;
    await first.handle.terminate('simulated failure');
    const retry = await startExportWindow(client, { exportId, windowStart: '2026-11-25', taskQueue });
    try {
      expect(retry.status).toBe('running');
      expect((await retry.handle.describe()).runId).not.toBe(firstRun);
    } finally {
      await retry.handle.terminate('test done');
    }
  });
});
