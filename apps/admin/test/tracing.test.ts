// One trace from an API request to every activity of the window it starts: the admin route's
// server span, the Temporal client's StartWorkflow, the workflow's RunWorkflow and each
// RunActivity, all with one trace ID. Spans go to an in-memory exporter (the test's own), through
// the same wiring the OTEL_* variables switch on in production. Real admin app, Temporal, worker, moto.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MotoServer } from '@log-exporter/local-stack';
import { previousWindow, windowContaining } from '@log-exporter/schemas';
import { type Tracing, startTracing } from '@log-exporter/telemetry';
import { generateClientLogs } from '@log-exporter/testing';
import { startAdminWorker } from './admin-worker';
import { type AdminHarness, onboardClientExport, startAdmin, startMoto } from './harness';

const WINDOW = previousWindow('daily', windowContaining('daily', Date.now()));
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let moto: MotoServer;
let admin: AdminHarness;
let worker: { stop(): Promise<void> };

beforeAll(async () => {
  tracing = startTracing('log-exporter-test', new SimpleSpanProcessor(exporter));
  moto = await startMoto();
  admin = await startAdmin({ moto });
  worker = await startAdminWorker(admin, moto, { tracing });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await admin?.close();
  await moto?.stop();
  await tracing?.shutdown();
});

it('follows POST /api/exports/:id/runs through the workflow to each activity in one trace', async () => {
  const { exportId, account } = await onboardClientExport(admin, moto, {
    organization: 'traceco',
    awsAccountId: '515151515151',
    bucket: 'traceco-logs',
  });
  try {
    await admin.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 5, organization: 'traceco', window: WINDOW, count: 200 }),
    ]);
    exporter.reset();
    const response = await admin.api('POST', `/api/exports/${exportId}/runs`, { window: WINDOW.start });
    expect(response.statusCode).toBe(202);
    const [workflowId] = response.json().workflowIds as string[];
    await (await admin.deps.temporal.client()).workflow.getHandle(workflowId!).result();
    await tracing.spanProcessor.forceFlush();

    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === 'POST /api/exports/:id/runs');
    expect(server).toBeDefined();
    const traceId = server!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    expect(inTrace).toEqual(
      expect.arrayContaining([
        'POST /api/exports/:id/runs',
        'StartWorkflow:exportWindow',
        'RunWorkflow:exportWindow',
        'RunActivity:resolveExport',
        'RunActivity:recordRunStarted',
        'RunActivity:assumeCustomerRole',
        'RunActivity:planWindowParts',
        'RunActivity:uploadPart',
        'RunActivity:writeManifest',
        'RunActivity:recordRunResult',
      ]),
    );
    // Nothing of the window ran outside that trace.
    const elsewhere = spans.filter((s) => s.name.startsWith('RunActivity:') && s.spanContext().traceId !== traceId);
    expect(elsewhere.map((s) => s.name)).toEqual([]);
  } finally {
    account.s3.destroy();
  }
}, 120_000);
