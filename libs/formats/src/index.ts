export * from './projection';
export * from './create-encoder';
export * from './encode-stream';
export { COMPRESSION_THREADS, GZIP_LEVEL, ZSTD_LEVEL } from './compress';
export { csvField } from './encoders/csv';
export { apacheTime } from './encoders/apache';
export type { LineEncoder } from './encoders/encoder';
export { type IpRewrite, canonicalIp, createIpPseudonymizer, createIpRewrite, truncateIp } from './ip-handling';
