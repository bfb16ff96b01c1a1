// A worker killed with SIGKILL in the middle of a window: a new worker process finishes it. Parts
// whose upload Temporal recorded as completed before the kill are not uploaded again; the others
// are; and the window's objects hold every record exactly once. The worker is the real app, in a
// process of its own, on each database backend.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { s3BucketReader } from '@log-exporter/aws';
import { startExportWindow } from '@log-exporter/client';
import { generateSigningKey, parseSigningKey, verifyExportedFiles } from '@log-exporter/manifests';
import { type Service, TEST_DATABASE_KINDS, listKeys, readObject } from '@log-exporter/local-stack';
import type { ClientLogRecord, ExportWindowResult } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { createExport, onboardCustomer, processSuite } from './harness';

const WINDOW = { start: '2026-11-12T00:00:00Z', end: '2026-11-13T00:00:00Z' };
const SIGNING_KEY = generateSigningKey();
const RECORDS = 40_000;
const PER_PART = 4_000;

interface UploadLine {
  msg: string;
  part?: number;
  key?: string;
}

function uploadsIn(logFile: string): number[] {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as UploadLine)
    .filter((line) => line.msg === 'uploaded part')
    .map((line) => line.part as number);
}

describe.each(TEST_DATABASE_KINDS)('on %s', (kind) => {
  const suite = processSuite(kind, () => [
    ...generateClientLogs({ seed: 55, organization: 'acme', window: WINDOW, count: RECORDS }),
  ]);

  function startResumeWorker(taskQueue: string, name: string): Service {
    return suite.startWorker({
      name: `resume-${kind}-${name}`,
      taskQueue,
      env: {
        EXPORT_PART_MAX_RECORDS: String(PER_PART),
        EXPORT_PART_CONCURRENCY: '1',
        EXPORT_HEARTBEAT_TIMEOUT: '3s',
        MANIFEST_SIGNING_KEY: SIGNING_KEY,
      },
    });
  }

  it('finishes the window in a new worker, re-uploading only the parts not completed before the kill', async () => {
    const { moto, store, client } = suite;
    const { destination, account } = await onboardCustomer(store, moto, {
      organization: 'acme',
      bucket: `acme-resume-${kind}`,
    });
    const config = await createExport(store, destination, { logType: 'client', format: 'json', folder: 'client' });
    const taskQueue = `resume-${kind}-${process.pid}-${Date.now()}`;

    const first = startResumeWorker(taskQueue, 'first');
    const started = await startExportWindow(client.client, {
      exportId: config.id,
      windowStart: WINDOW.start,
      taskQueue,
    });

    // Kill -9 once three parts are uploaded: mid-window, with parts still to go.
    const deadline = Date.now() + 120_000;
    while (uploadsIn(first.logFile).length < 3) {
      if (Date.now() > deadline) throw new Error(`the first worker uploaded no 3 parts:\n${first.tail()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    process.kill(-(first.process.pid as number), 'SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    const beforeKill = uploadsIn(first.logFile);
    expect(beforeKill.length).toBeLessThan(RECORDS / PER_PART);

    const second = startResumeWorker(taskQueue, 'second');
    const result = (await started.handle.result()) as ExportWindowResult;
    await second.stop();

    // Which uploads did the first worker complete (as Temporal recorded it)? Those must not run
    // again. Told apart by the identity that reported each completion: the last part is the second
    // worker's. (Event times cannot tell: a completion sent just before the kill lands after it.)
    const history = await started.handle.fetchHistory();
    const scheduled = new Set<string>();
    const completions: { part: number; identity: string; eventId: number }[] = [];
    for (const event of history.events ?? []) {
      const attrs = event.activityTaskScheduledEventAttributes;
      if (attrs?.activityType?.name === 'uploadPart') scheduled.add(String(event.eventId));
      const done = event.activityTaskCompletedEventAttributes;
      if (done && scheduled.has(String(done.scheduledEventId))) {
        const payload = JSON.parse(Buffer.from(done.result!.payloads![0]!.data!).toString()) as { key: string };
        const part = Number(/_part(\d{5})\./.exec(payload.key)![1]);
        completions.push({ part, identity: done.identity ?? '', eventId: Number(event.eventId) });
      }
    }
    const secondIdentity = completions.reduce((a, b) => (b.eventId > a.eventId ? b : a)).identity;
    const completedBeforeKill = new Set(completions.filter((c) => c.identity !== secondIdentity).map((c) => c.part));
    const afterKill = uploadsIn(second.logFile);
    const allParts = Array.from({ length: RECORDS / PER_PART }, (_, i) => i + 1);
    expect(completedBeforeKill.size).toBeGreaterThanOrEqual(1);
    expect(afterKill.filter((p) => completedBeforeKill.has(p))).toEqual([]); // nothing done twice
    expect([...afterKill].sort((a, b) => a - b)).toEqual(allParts.filter((p) => !completedBeforeKill.has(p)));

    // Every record exactly once, in window order, across the parts.
    expect(result.objects.map((o) => o.records)).toEqual(allParts.map(() => PER_PART));
    const exported: ClientLogRecord[] = [];
    for (const object of result.objects) {
      const lines = gunzipSync(await readObject(account.s3, `acme-resume-${kind}`, object.key))
        .toString('utf8')
        .trimEnd()
        .split('\n');
      exported.push(...lines.map((l) => JSON.parse(l) as ClientLogRecord));
    }
    const stored: ClientLogRecord[] = [];
    for await (const page of store.logs.clientLogPages(
      { logType: 'client', organization: 'acme', repositories: null, window: WINDOW },
      { after: null, until: null },
    )) {
      stored.push(...page);
    }
    expect(new Set(exported.map((r) => r.request_id)).size).toBe(RECORDS);
    expect(exported).toEqual(stored);
    expect((await listKeys(account.s3, `acme-resume-${kind}`)).filter((k) => k.includes('_manifest_'))).toHaveLength(1);
    // What the customer sees: every file listed, intact, signed by the worker's key.
    const report = await verifyExportedFiles({
      reader: s3BucketReader(account.s3, `acme-resume-${kind}`),
      prefix: destination.prefix,
      from: WINDOW.start.slice(0, 10),
      to: WINDOW.start.slice(0, 10),
      publicKeys: [parseSigningKey(SIGNING_KEY).publicKey],
    });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ manifests: 1, objects: RECORDS / PER_PART, records: RECORDS });
    expect(await store.runs.get(config.id, WINDOW.start)).toMatchObject({ status: 'succeeded', records: RECORDS });
  }, 240_000);
});
