// Scale-out: two worker processes (the real app) on one task queue share the parts of one window.
// Each may run one activity at a time (WORKER_MAX_CONCURRENT_ACTIVITIES=1) while the window
// uploads two parts at once (EXPORT_PART_CONCURRENCY=2), so the second part in flight can only go
// to the other worker. The window's history says which worker (identity) completed each part; the
// objects hold every record exactly once.
import { gunzipSync } from 'node:zlib';
import { startExportWindow } from '@log-exporter/client';
import { TEST_DATABASE_KINDS, readObject } from '@log-exporter/local-stack';
import type { ClientLogRecord, ExportWindowResult } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { createExport, onboardCustomer, processSuite } from './harness';

const WINDOW = { start: '2026-11-14T00:00:00Z', end: '2026-11-15T00:00:00Z' };
const RECORDS = 24_000;
const PER_PART = 3_000;

describe.each(TEST_DATABASE_KINDS)('on %s', (kind) => {
  const suite = processSuite(kind, () => [
    ...generateClientLogs({ seed: 77, organization: 'acme', window: WINDOW, count: RECORDS }),
  ]);

  it('two workers on one task queue each upload parts of the same window, every record once', async () => {
    const { moto, store, client } = suite;
    const bucket = `acme-scale-${kind}`;
    const { destination, account } = await onboardCustomer(store, moto, { organization: 'acme', bucket });
    const config = await createExport(store, destination, { logType: 'client', format: 'json', folder: 'client' });
    const taskQueue = `scale-out-${kind}-${process.pid}-${Date.now()}`;
    const workers = ['a', 'b'].map((name) =>
      suite.startWorker({
        name: `scale-out-${kind}-${name}`,
        taskQueue,
        env: {
          EXPORT_PART_MAX_RECORDS: String(PER_PART),
          EXPORT_PART_CONCURRENCY: '2',
          WORKER_MAX_CONCURRENT_ACTIVITIES: '1',
        },
      }),
    );
    // Both poll before the window starts.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pollers =
        (
          await client.client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: taskQueue },
            taskQueueType: 2, // activity
          })
        ).pollers ?? [];
      if (new Set(pollers.map((p) => p.identity)).size >= 2) break;
      if (Date.now() > deadline)
        throw new Error(`two workers are not polling:\n${workers.map((w) => w.tail()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const started = await startExportWindow(client.client, {
      exportId: config.id,
      windowStart: WINDOW.start,
      taskQueue,
    });
    const result = (await started.handle.result()) as ExportWindowResult;

    const history = await started.handle.fetchHistory();
    const uploads = new Set<string>();
    const partsBy = new Map<string, number[]>();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'uploadPart') uploads.add(String(event.eventId));
      const done = event.activityTaskCompletedEventAttributes;
      if (done && uploads.has(String(done.scheduledEventId))) {
        const { key } = JSON.parse(Buffer.from(done.result!.payloads![0]!.data!).toString()) as { key: string };
        const identity = done.identity ?? '';
        partsBy.set(identity, [...(partsBy.get(identity) ?? []), Number(/_part(\d{5})\./.exec(key)![1])]);
      }
    }
    expect(partsBy.size).toBe(2);
    for (const parts of partsBy.values()) expect(parts.length).toBeGreaterThanOrEqual(1);
    const allParts = [...partsBy.values()].flat().sort((a, b) => a - b);
    expect(allParts).toEqual(Array.from({ length: RECORDS / PER_PART }, (_, i) => i + 1));

    const ids = new Set<string>();
    for (const object of result.objects) {
      const lines = gunzipSync(await readObject(account.s3, bucket, object.key))
        .toString('utf8')
        .trimEnd()
        .split('\n');
      for (const line of lines) ids.add((JSON.parse(line) as ClientLogRecord).request_id);
    }
    expect(ids.size).toBe(RECORDS);
    expect(result.objects.reduce((n, o) => n + o.records, 0)).toBe(RECORDS);
  });
});
