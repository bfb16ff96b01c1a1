// Every workflow the worker registers. This file is the worker's `workflowsPath`.
export { exportWindow } from './export-window';
export { scheduledExport } from './scheduled-export';
export { backfillExport, progressQuery } from './backfill-export';
export { cleanUpLogs } from './clean-up-logs';
export { notifyCustomer } from './notify-customer';
