// Schedules against a real Temporal dev server: one per export, kept equal to the export's
// configuration, repaired by the reconciler. No worker polls this task queue: nothing fires here
// (the worker's tests trigger schedules and check the window they export).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  type ScheduleSettings,
  type ScheduledExport,
  describeExportSchedule,
  ensureExportSchedule,
  exportScheduleId,
  reconcileExportSchedules,
  removeExportSchedule,
  scheduleOffsetSeconds,
} from '../src';

let connection: Connection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
});

const settings: ScheduleSettings = {
  taskQueue: `schedules-test-${randomUUID()}`,
  runAt: { hour: 0, minute: 45 },
  catchupWindowMs: 3 * 86_400_000,
  spreadMs: 0,
};

function anExport(overrides: Partial<ScheduledExport> = {}): ScheduledExport {
  return {
    id: `exp_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
    organization: 'acme',
    logType: 'client',
    cadence: 'daily',
    enabled: true,
    ...overrides,
  };
}

describe('export schedules', () => {
  it('creates a daily schedule at the configured UTC time with explicit policies', async () => {
    const config = anExport();
    expect(await ensureExportSchedule(client, config, settings)).toBe('created');
    const d = await client.schedule.getHandle(exportScheduleId(config.id)).describe();
    expect(d.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 0, end: 0, step: 1 }],
      minute: [{ start: 45, end: 45, step: 1 }],
    });
    expect(d.policies).toMatchObject({ overlap: 'BUFFER_ALL', catchupWindow: 3 * 86_400_000, pauseOnFailure: false });
    expect(d.action).toMatchObject({
      workflowType: 'scheduledExport',
      taskQueue: settings.taskQueue,
      args: [{ exportId: config.id }],
    });
    expect(d.state.paused).toBe(false);
    const next = (await describeExportSchedule(client, config.id))!.nextActionTimes[0]!;
    expect(next).toMatch(/T00:45:00\.000Z$/);
    await removeExportSchedule(client, config.id);
  });

  it('spreads exports over the spread, each at an offset of its own that never changes', async () => {
    const spread = { ...settings, spreadMs: 10 * 60_000 };
    const configs = Array.from({ length: 12 }, () => anExport());
    const offsets = configs.map((c) => scheduleOffsetSeconds(c.id, spread.spreadMs));
    for (const offset of offsets) expect(offset).toBeGreaterThanOrEqual(0);
    for (const offset of offsets) expect(offset).toBeLessThan(600);
    expect(new Set(offsets).size).toBeGreaterThan(6); // 12 IDs over 600 seconds: few can share one
    expect(configs.map((c) => scheduleOffsetSeconds(c.id, spread.spreadMs))).toEqual(offsets);

    const [daily, hourly] = [configs[0]!, { ...configs[1]!, cadence: 'hourly' as const }];
    for (const config of [daily, hourly]) {
      expect(await ensureExportSchedule(client, config, spread)).toBe('created');
      expect(await ensureExportSchedule(client, config, spread)).toBe('unchanged');
    }
    const at = (offset: number) => {
      const seconds = 45 * 60 + offset;
      return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}.000Z`;
    };
    const nextDaily = (await describeExportSchedule(client, daily.id))!.nextActionTimes[0]!;
    expect(nextDaily.endsWith(`T00:${at(offsets[0]!)}`)).toBe(true);
    const nextHourly = (await describeExportSchedule(client, hourly.id))!.nextActionTimes[0]!;
    expect(nextHourly.endsWith(`:${at(offsets[1]!)}`)).toBe(true);
    for (const config of [daily, hourly]) await removeExportSchedule(client, config.id);
  });

  it('leaves an equal schedule alone, updates a changed one, pauses a disabled export', async () => {
    const config = anExport();
    await ensureExportSchedule(client, config, settings);
    expect(await ensureExportSchedule(client, config, settings)).toBe('unchanged');
    expect(await ensureExportSchedule(client, { ...config, cadence: 'hourly' }, settings)).toBe('updated');
    const hourly = await describeExportSchedule(client, config.id);
    expect(new Date(hourly!.nextActionTimes[1]!).getTime() - new Date(hourly!.nextActionTimes[0]!).getTime()).toBe(
      3_600_000,
    );
    expect(await ensureExportSchedule(client, { ...config, cadence: 'hourly', enabled: false }, settings)).toBe(
      'updated',
    );
    expect(await describeExportSchedule(client, config.id)).toMatchObject({
      paused: true,
      note: 'paused: the export is disabled',
    });
    expect(await ensureExportSchedule(client, { ...config, cadence: 'hourly', enabled: true }, settings)).toBe(
      'updated',
    );
    expect((await describeExportSchedule(client, config.id))!.paused).toBe(false);
    expect(await removeExportSchedule(client, config.id)).toBe(true);
    expect(await removeExportSchedule(client, config.id)).toBe(false);
    expect(await describeExportSchedule(client, config.id)).toBeUndefined();
  });

  it('reconciles: restores a schedule deleted behind its back, deletes one whose export is gone', async () => {
    const kept = anExport();
    const gone = anExport();
    await ensureExportSchedule(client, kept, settings);
    await ensureExportSchedule(client, gone, settings);
    await client.schedule.getHandle(exportScheduleId(kept.id)).delete();

    const report = await reconcileExportSchedules(client, [kept], settings);

    expect(report.created).toEqual([kept.id]);
    expect(report.deleted).toContain(gone.id);
    expect(report.errors).toEqual([]);
    expect(await describeExportSchedule(client, kept.id)).toBeDefined();
    expect(await describeExportSchedule(client, gone.id)).toBeUndefined();
    expect((await reconcileExportSchedules(client, [kept], settings)).unchanged).toEqual([kept.id]);
    await removeExportSchedule(client, kept.id);
  });
});
