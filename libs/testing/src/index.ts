export * from './random';
export * from './client-logs';
export * from './audit-logs';
