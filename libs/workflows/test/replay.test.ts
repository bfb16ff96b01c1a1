// Replays recorded histories of every workflow against the current workflow code: a change that
// would make running workflows non-deterministic fails here, before it reaches a worker.
// Histories are recorded by the worker's integration tests: `npm run record-histories`.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

const HISTORIES = join(__dirname, 'histories');
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this Jest worker
}

/** Activity types in history order: local-activity markers carry theirs in a JSON payload. */
function order(file: string): string[] {
  const history = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')) as {
    events: {
      activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
      markerRecordedEventAttributes?: { details?: { data?: { payloads?: { data?: string }[] } } };
    }[];
  };
  return history.events.flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [scheduled];
    const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (!data) return [];
    return [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { activity_type: string }).activity_type];
  });
}

describe('recorded workflow histories', () => {
  // Recorded before each change that needed a patch, and kept: workflows started then must still
  // replay (the patched() branches).
  const EARLIER = [
    'backfill-export.json',
    'export-window-bucket-missing.json',
    'export-window-empty.json',
    'export-window-succeeded.json',
    'export-window-three-parts.json',
    'scheduled-export.json',
  ];
  const CURRENT = [
    ...EARLIER,
    'export-window-correction.json',
    'clean-up-logs.json',
    'export-window-notified-failure.json',
    'export-window-notified-recovery.json',
    'notify-customer.json',
  ];

  it('cover every workflow: exportWindow (success, parts, empty, failure, correction, notified), scheduledExport, backfillExport, cleanUpLogs, notifyCustomer', () => {
    expect(files.sort()).toEqual(
      [
        ...EARLIER.map((f) => `before-local-activities-${f}`),
        ...EARLIER.map((f) => `before-corrections-${f}`),
        ...CURRENT,
      ].sort(),
    );
  });

  it('records the quick steps of a current exportWindow as local-activity markers', () => {
    const history = readFileSync(join(HISTORIES, 'export-window-succeeded.json'), 'utf8');
    const before = readFileSync(join(HISTORIES, 'before-local-activities-export-window-succeeded.json'), 'utf8');
    const scheduled = (text: string) => (text.match(/"activityTaskScheduledEventAttributes"/g) ?? []).length;
    expect(scheduled(history)).toBe(1); // the one part upload
    expect(scheduled(before)).toBe(7);
    // two patch markers and six local activities (resolve, plan, run started, role, manifest, result)
    expect((history.match(/"markerRecordedEventAttributes"/g) ?? []).length).toBe(8);
    expect((before.match(/"markerRecordedEventAttributes"/g) ?? []).length).toBe(0);
  });

  it('plans before recording the run in a current exportWindow, as the corrections patch says', () => {
    const rest = ['assumeCustomerRole', 'uploadPart', 'writeManifest', 'recordRunResult'];
    expect(order('export-window-succeeded.json')).toEqual([
      'resolveExport',
      'planWindowParts',
      'recordRunStarted',
      ...rest,
    ]);
    expect(order('before-corrections-export-window-succeeded.json')).toEqual([
      'resolveExport',
      'recordRunStarted',
      'assumeCustomerRole',
      'planWindowParts',
      ...rest.slice(1),
    ]);
    // A correction runs the same steps (its plan names the late records only).
    expect(order('export-window-correction.json')).toEqual(order('export-window-succeeded.json'));
  });

  it('starts notifyCustomer as a child of its own only for an export that notifies', () => {
    const children = (file: string) =>
      (
        readFileSync(join(HISTORIES, file), 'utf8').match(/"startChildWorkflowExecutionInitiatedEventAttributes"/g) ??
        []
      ).length;
    expect(children('export-window-notified-failure.json')).toBe(1);
    expect(children('export-window-notified-recovery.json')).toBe(1);
    expect(children('export-window-bucket-missing.json')).toBe(0);
    expect(order('export-window-notified-failure.json').slice(-2)).toEqual(['recordRunResult', 'claimNotification']);
    expect(order('export-window-notified-recovery.json').slice(-2)).toEqual(['recordRunResult', 'claimNotification']);
    expect(order('export-window-bucket-missing.json')).not.toContain('claimNotification');
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')) as unknown;
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../src'), replayName: file }, history),
    ).resolves.toBeUndefined();
  });
});
