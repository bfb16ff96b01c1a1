export * from './export-metrics';
export * from './probes';
export * from './telemetry-server';
export * from './tracing';
