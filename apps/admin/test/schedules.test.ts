// Each export's Temporal Schedule follows it through the API: created with it, paused when it is
// disabled, deleted with it, and restored by the reconciler when deleted behind our back.
import type { MotoServer } from '@log-exporter/local-stack';
import { exportScheduleId } from '@log-exporter/schemas';
import { type AdminHarness, DESTINATION, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let admin: AdminHarness;

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
});

afterAll(async () => {
  await admin?.close();
  await moto?.stop();
});

describe('schedules follow exports', () => {
  it('creates, pauses, restores and deletes the schedule as the export changes', async () => {
    const destination = (await admin.api('POST', '/api/destinations', DESTINATION)).json();
    const created = (
      await admin.api('POST', '/api/exports', {
        destinationId: destination.id,
        logType: 'client',
        format: 'csv',
        folder: 'c',
      })
    ).json();

    const active = await admin.api('GET', `/api/exports/${created.id}/schedule`);
    expect(active.statusCode).toBe(200);
    expect(active.json()).toMatchObject({ scheduleId: exportScheduleId(created.id), paused: false });
    // 00:45 UTC plus the export's own offset below EXPORT_SCHEDULE_SPREAD (10 minutes)
    expect(active.json().nextActionTimes[0]).toMatch(/T00:(4[5-9]|5[0-4]):[0-5]\d\.000Z$/);

    expect((await admin.api('PATCH', `/api/exports/${created.id}`, { enabled: false })).json().status).toBe('disabled');
    expect((await admin.api('GET', `/api/exports/${created.id}/schedule`)).json()).toMatchObject({ paused: true });
    await admin.api('PATCH', `/api/exports/${created.id}`, { enabled: true, cadence: 'hourly' });
    const hourly = (await admin.api('GET', `/api/exports/${created.id}/schedule`)).json();
    expect(hourly.paused).toBe(false);
    expect(Date.parse(hourly.nextActionTimes[1]) - Date.parse(hourly.nextActionTimes[0])).toBe(3_600_000);

    // Someone deletes the schedule in the Temporal UI; the reconciler puts it back.
    const client = await admin.deps.temporal.client();
    await client.schedule.getHandle(exportScheduleId(created.id)).delete();
    expect((await admin.api('GET', `/api/exports/${created.id}/schedule`)).statusCode).toBe(404);
    const report = await admin.api('POST', '/api/schedules/reconcile');
    expect(report.statusCode).toBe(200);
    expect(report.json().created).toEqual([created.id]);
    expect((await admin.api('GET', `/api/exports/${created.id}/schedule`)).json()).toMatchObject({ paused: false });
    expect((await admin.api('POST', '/api/schedules/reconcile')).json().unchanged).toEqual([created.id]);

    expect((await admin.api('DELETE', `/api/exports/${created.id}`)).statusCode).toBe(204);
    expect(await admin.deps.temporal.describeSchedule(created.id)).toBeUndefined();
  });

  it('deletes, on reconcile, the schedule of an export deleted while Temporal did not hear of it', async () => {
    const destination = (await admin.api('POST', '/api/destinations', DESTINATION)).json();
    const created = (
      await admin.api('POST', '/api/exports', {
        destinationId: destination.id,
        logType: 'audit',
        format: 'json',
        folder: 'a',
      })
    ).json();
    await admin.store.exports.delete(created.id); // behind the API's back: the schedule stays
    expect(await admin.deps.temporal.describeSchedule(created.id)).toBeDefined();
    expect((await admin.api('POST', '/api/schedules/reconcile')).json().deleted).toContain(created.id);
    expect(await admin.deps.temporal.describeSchedule(created.id)).toBeUndefined();
  });
});
