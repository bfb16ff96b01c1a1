// The workflow bundle holds our workflows, the SDK and the zod-free values they import from
// @log-exporter/schemas/workflow, and no zod: each workflow runs its modules in a context of its
// own, so a schema in the bundle would be built again for every workflow started or replayed.
import { bundleWorkflowCode } from '@temporalio/worker';

describe('workflow bundle', () => {
  it('holds no zod and only the zod-free modules of schemas', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../src'),
      logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} },
    });
    const modules = [...code.matchAll(/^\/\*\*\*\/ "\.\/([^"]+)"/gm)].map((m) => m[1] as string);
    expect(modules.filter((path) => path.includes('node_modules/zod/'))).toEqual([]);
    expect(modules.filter((path) => path.startsWith('libs/schemas/')).sort()).toEqual([
      'libs/schemas/src/errors.ts',
      'libs/schemas/src/search-attributes.ts',
      'libs/schemas/src/timestamps.ts',
      'libs/schemas/src/workflow-names.ts',
      'libs/schemas/workflow.ts',
    ]);
    expect(modules).toContain('libs/workflows/src/export-window.ts');
  }, 60_000);
});
