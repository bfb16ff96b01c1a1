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

describe('recorded workflow histories', () => {
  const CURRENT = [
    'backfill-export.json',
    'export-window-bucket-missing.json',
    'export-window-empty.json',
    'export-window-succeeded.json',
    'export-window-three-parts.json',
    'scheduled-export.json',
  ];

  it('cover every workflow: exportWindow (success, parts, empty, failure), scheduledExport, backfillExport', () => {
    // The current histories, and the same ones recorded before the quick steps became local
    // activities: workflows started then must still replay (the patched() branch).
    expect(files.sort()).toEqual([...CURRENT.map((f) => `before-local-activities-${f}`), ...CURRENT].sort());
  });

  it('records the quick steps of a current exportWindow as local-activity markers', () => {
    const history = readFileSync(join(HISTORIES, 'export-window-succeeded.json'), 'utf8');
    const before = readFileSync(join(HISTORIES, 'before-local-activities-export-window-succeeded.json'), 'utf8');
    const scheduled = (text: string) => (text.match(/"activityTaskScheduledEventAttributes"/g) ?? []).length;
    expect(scheduled(history)).toBe(1); // the one part upload
    expect(scheduled(before)).toBe(7);
    // the patch marker and six local activities (resolve, run started, role, plan, manifest, result)
    expect((history.match(/"markerRecordedEventAttributes"/g) ?? []).length).toBe(7);
    expect((before.match(/"markerRecordedEventAttributes"/g) ?? []).length).toBe(0);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')) as unknown;
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../src'), replayName: file }, history),
    ).resolves.toBeUndefined();
  });
});
