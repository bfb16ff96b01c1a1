export * from './export-worker';
