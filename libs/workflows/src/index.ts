// Every workflow the worker registers. This file is the worker's `workflowsPath`.
export { exportWindow } from './export-window';
