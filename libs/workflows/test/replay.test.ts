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
  it('cover every workflow: exportWindow (success, parts, empty, failure), scheduledExport, backfillExport', () => {
    expect(files.sort()).toEqual([
      'backfill-export.json',
      'export-window-bucket-missing.json',
      'export-window-empty.json',
      'export-window-succeeded.json',
      'export-window-three-parts.json',
      'scheduled-export.json',
    ]);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')) as unknown;
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../src'), replayName: file }, history),
    ).resolves.toBeUndefined();
  });
});
