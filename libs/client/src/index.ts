export * from './export-window-client';
export * from './export-schedules';
export * from './backfill-client';
export * from './describe-window';
export { exportSearchAttributes } from './search-attributes';
export {
  exportWindowWorkflowId,
  exportScheduleId,
  backfillWorkflowId,
  canonicalWindowStart,
  DEFAULT_TASK_QUEUE,
} from '@log-exporter/schemas';
export * from './retention-schedule';
