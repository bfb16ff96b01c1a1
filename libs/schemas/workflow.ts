// `@log-exporter/schemas/workflow`: the values workflow code may import, none of them needing zod
// (types come from `@log-exporter/schemas` as `import type`, which the bundle drops). Each
// workflow runs its modules in a context of its own, so zod schemas in the workflow bundle were
// built again for every workflow started or replayed (npm run bench:many: zod's schema
// construction was ~10% of the workflow thread).
export * from './src/errors';
export * from './src/search-attributes';
export * from './src/workflow-names';
