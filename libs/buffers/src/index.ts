export * from './buffer-pool';
