export * from './measure';
export * from './bench-formats';
