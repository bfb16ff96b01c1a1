export * from './export-window-client';
export { exportSearchAttributes } from './search-attributes';
export { exportWindowWorkflowId, canonicalWindowStart, DEFAULT_TASK_QUEUE } from '@log-exporter/schemas';
