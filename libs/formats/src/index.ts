export * from './projection';
export * from './create-encoder';
export * from './encode-stream';
export { COMPRESSION_THREADS, GZIP_LEVEL, ZSTD_LEVEL } from './compress';
export { csvField } from './encoders/csv';
export { apacheTime } from './encoders/apache';
export type { LineEncoder } from './encoders/encoder';
export { type IpRewrite, canonicalIp, createIpPseudonymizer, createIpRewrite, truncateIp } from './ip-handling';
export {
  PARQUET_ROW_GROUP_ROWS,
  PARQUET_ROW_GROUP_TEXT_BYTES,
  type ParquetColumn,
  allParquetColumns,
  encodeParquet,
  parquetColumns,
} from './parquet';
