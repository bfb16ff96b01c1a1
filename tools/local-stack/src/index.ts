// The local stack as a library, for tests, the demo and benchmarks.
export * from './paths';
export * from './python-tools';
export * from './ports';
export * from './child-process';
export * from './temporal-dev-server';
export * from './moto-server';
export * from './stack';
export * from './emulated-customer-account';
export { startTemporalForJest, stopTemporalForJest } from './jest/temporal-global-setup';
export * from './chromium';
export * from './postgres-server';
export * from './test-databases';
export { startPostgresForJest, stopPostgresForJest } from './jest/postgres-global-setup';
export * from './fault-proxy';
export * from './trust-enforcing-sts';
export * from './dev-signing-key';
export * from './parquet-reader';
