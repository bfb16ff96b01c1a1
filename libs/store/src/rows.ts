// Rows as both databases return them, and their mapping to the domain shapes of libs/schemas.
import type { Delivery, Destination, ExportConfig, Run } from '@log-exporter/schemas';

export interface DestinationRow {
  id: string;
  organization: string;
  aws_account_id: string;
  bucket: string;
  region: string;
  prefix: string;
  role_name: string;
  external_id: string;
  created_at: string;
}

export function toDestination(row: DestinationRow): Destination {
  return {
    id: row.id,
    organization: row.organization,
    awsAccountId: row.aws_account_id,
    bucket: row.bucket,
    region: row.region,
    prefix: row.prefix,
    roleName: row.role_name,
    externalId: row.external_id,
    createdAt: row.created_at,
  };
}

export interface ExportRow {
  id: string;
  destination_id: string;
  organization: string;
  log_type: string;
  format: string;
  folder: string;
  repositories: string | null;
  exclude: string;
  ip_handling: string;
  /** Secret: read only by ExportRepository.ipHashKey, never mapped onto ExportConfig. */
  ip_hash_key: string | null;
  compression: string;
  parquet_compression: string;
  cadence: string;
  notify_url: string | null;
  /** Secret: read only by ExportRepository.notifySecret. */
  notify_secret: string | null;
  /** 0/1 in SQLite, boolean in PostgreSQL. */
  enabled: number | boolean;
  created_at: string;
  updated_at: string;
  last_success_at: string | null;
  last_success_window: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
}

export function toExport(row: ExportRow): ExportConfig {
  return {
    id: row.id,
    destinationId: row.destination_id,
    organization: row.organization,
    logType: row.log_type as ExportConfig['logType'],
    format: row.format as ExportConfig['format'],
    folder: row.folder,
    repositories: row.repositories === null ? null : (JSON.parse(row.repositories) as string[]),
    exclude: JSON.parse(row.exclude) as ExportConfig['exclude'],
    ipHandling: row.ip_handling as ExportConfig['ipHandling'],
    compression: row.compression as ExportConfig['compression'],
    parquetCompression: row.parquet_compression as ExportConfig['parquetCompression'],
    cadence: row.cadence as ExportConfig['cadence'],
    enabled: row.enabled === 1 || row.enabled === true,
    notifyUrl: row.notify_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    health: {
      lastSuccessAt: row.last_success_at,
      lastSuccessWindow: row.last_success_window,
      lastFailureAt: row.last_failure_at,
      lastError: row.last_error,
      consecutiveFailures: row.consecutive_failures,
    },
  };
}

export interface RunRow {
  export_id: string;
  window_start: string;
  window_end: string;
  status: Run['status'];
  records: number;
  bytes: number;
  objects: string;
  manifest_key: string | null;
  manifest_sha256?: string | null;
  error_type: string | null;
  error_message: string | null;
  workflow_id: string;
  workflow_run_id: string | null;
  started_at: string;
  finished_at: string | null;
  attempts: number;
  revision: number;
  delivered_seq: number | null;
}

export function toRun(row: RunRow): Run {
  return {
    exportId: row.export_id,
    window: { start: row.window_start, end: row.window_end },
    status: row.status,
    records: row.records,
    bytes: row.bytes,
    objects: JSON.parse(row.objects) as Run['objects'],
    manifestKey: row.manifest_key,
    manifestSha256: row.manifest_sha256 ?? null,
    error: row.error_type === null ? null : { type: row.error_type, message: row.error_message ?? '' },
    workflowId: row.workflow_id,
    workflowRunId: row.workflow_run_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
    revision: row.revision,
    deliveredSeq: row.delivered_seq,
  };
}

export interface DeliveryRow {
  export_id: string;
  window_start: string;
  revision: number;
  after_seq: number | null;
  up_to_seq: number;
  records: number;
  bytes: number;
  objects: string;
  manifest_key: string;
  manifest_sha256: string;
  workflow_id: string;
  delivered_at: string;
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    revision: row.revision,
    afterSeq: row.after_seq,
    upToSeq: row.up_to_seq,
    records: row.records,
    bytes: row.bytes,
    objects: JSON.parse(row.objects) as Delivery['objects'],
    manifestKey: row.manifest_key,
    manifestSha256: row.manifest_sha256,
    workflowId: row.workflow_id,
    deliveredAt: row.delivered_at,
  };
}
