// Reconciliation through the admin API only, as ops see it: a delivered window, then late records
// ingested into it: the export and its runs show them as not delivered and the export degraded;
// a run request delivers them, and the counts go back to 0 and the export to healthy. Real admin
// app, Temporal dev server, worker, moto and SQLite.
import { type MotoServer, listKeys } from '@log-exporter/local-stack';
import { previousWindow, windowContaining } from '@log-exporter/schemas';
import { generateClientLogs } from '@log-exporter/testing';
import { startAdminWorker } from './admin-worker';
import { type AdminHarness, AUTH, TOKEN, onboardClientExport, startAdmin, startMoto } from './harness';

// Yesterday: within the late horizon, so the next scheduled run would deliver what is late.
const WINDOW = previousWindow('daily', windowContaining('daily', Date.now()));
const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

let moto: MotoServer;
let admin: AdminHarness;
let worker: { stop(): Promise<void> };

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
  worker = await startAdminWorker(admin, moto);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await admin?.close();
  await moto?.stop();
});

async function ingest(records: unknown[]): Promise<void> {
  const response = await admin.app.inject({
    method: 'POST',
    url: '/api/logs/client',
    headers: { ...AUTH, 'content-type': 'application/x-ndjson' },
    payload: ndjson(records),
  });
  expect(response.statusCode).toBe(200);
}

/** Requests a run of the window and waits for its workflow. */
async function runWindow(exportId: string): Promise<void> {
  const response = await admin.api('POST', `/api/exports/${exportId}/runs`, { window: WINDOW.start });
  expect(response.statusCode).toBe(202);
  const [workflowId] = response.json().workflowIds as string[];
  await (await admin.deps.temporal.client()).workflow.getHandle(workflowId!).result();
}

it('shows late records as not delivered and the export degraded, until a run request delivers them', async () => {
  const { exportId, account } = await onboardClientExport(admin, moto, {
    organization: 'lateco',
    awsAccountId: '414141414141',
    bucket: 'lateco-logs',
  });
  try {
    await ingest([...generateClientLogs({ seed: 41, organization: 'lateco', window: WINDOW, count: 400 })]);
    await runWindow(exportId);
    const read = async () => (await admin.api('GET', `/api/exports/${exportId}`)).json();
    const runs = async () => (await admin.api('GET', `/api/exports/${exportId}/runs`)).json();
    expect(await read()).toMatchObject({ status: 'healthy', reconciliation: { undeliveredRecords: 0 } });

    await ingest([...generateClientLogs({ seed: 42, organization: 'lateco', window: WINDOW, count: 25 })]);
    const degraded = await read();
    expect(degraded).toMatchObject({
      status: 'degraded',
      reconciliation: {
        undeliveredRecords: 25,
        windows: [{ windowStart: WINDOW.start, deliveredRecords: 400, undeliveredRecords: 25 }],
      },
    });
    expect(degraded.reconciliation.degradedReason).toMatch(/^25 stored record\(s\) of 1 window\(s\) not delivered yet/);
    expect((await runs())[0]).toMatchObject({ revision: 1, deliveredRecords: 400, undeliveredRecords: 25 });
    const listed = (await admin.api('GET', '/api/exports?organization=lateco')).json();
    expect(listed[0]).toMatchObject({ status: 'degraded' });
    const login = await admin.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${TOKEN}&next=%2F`,
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const page = await admin.app.inject({ method: 'GET', url: `/exports/${exportId}`, headers: { cookie } });
    expect(page.body).toMatch(/id="export-status">degraded</);
    expect(page.body).toContain('25 not delivered yet');

    await runWindow(exportId);
    expect(await read()).toMatchObject({ status: 'healthy', reconciliation: { undeliveredRecords: 0, windows: [] } });
    expect((await runs())[0]).toMatchObject({
      revision: 2,
      records: 425,
      deliveredRecords: 425,
      undeliveredRecords: 0,
    });
    const keys = await listKeys(account.s3, 'lateco-logs');
    expect(keys.filter((k) => /_part0000[12]\.jsonl\.gz$/.test(k))).toHaveLength(2);
  } finally {
    account.s3.destroy();
  }
});

it('counts late records of windows older than the late horizon apart, never dropping them', async () => {
  const old = { start: '2026-09-01T00:00:00Z', end: '2026-09-02T00:00:00Z' };
  const destination = (
    await admin.api('POST', '/api/destinations', {
      organization: 'oldco',
      awsAccountId: '515151515151',
      bucket: 'oldco-logs',
      roleName: 'CloudsmithLogsWriter',
    })
  ).json();
  const created = (
    await admin.api('POST', '/api/exports', {
      destinationId: destination.id,
      logType: 'client',
      format: 'csv',
      folder: 'client',
    })
  ).json();
  await ingest([...generateClientLogs({ seed: 51, organization: 'oldco', window: old, count: 30 })]);
  // The window as a delivery long ago left it: everything stored up to now, as revision 1.
  await admin.store.runs.markFinished({
    exportId: created.id,
    window: old,
    workflowId: 'export-window/old',
    status: 'succeeded',
    objects: [{ key: 'k', records: 30, bytes: 1, sha256: 'a'.repeat(64) }],
    manifestKey: 'm',
    manifestSha256: 'b'.repeat(64),
    error: null,
    delivery: { revision: 1, afterSeq: null, upToSeq: await admin.store.logs.committedSeq(), objects: [] },
  });
  await ingest([...generateClientLogs({ seed: 52, organization: 'oldco', window: old, count: 4 })]);
  const read = (await admin.api('GET', `/api/exports/${created.id}`)).json();
  expect(read).toMatchObject({
    status: 'degraded',
    reconciliation: { undeliveredRecords: 4, beyondHorizon: { windows: 1, records: 4 } },
  });
  expect(read.reconciliation.degradedReason).toMatch(/older than the late horizon are not delivered: request a run/);
});
