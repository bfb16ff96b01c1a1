export * from './projection';
export * from './create-encoder';
export * from './encode-stream';
export { csvField } from './encoders/csv';
export { apacheTime } from './encoders/apache';
export type { LineEncoder } from './encoders/encoder';
