export * from './buffer-pool';
export * from './hand-over';
