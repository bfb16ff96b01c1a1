// The exporter's own Prometheus metrics. Labels are bounded: log type (2), format (a handful),
// status (2) and error type (the closed list of failure types). No export ID label: one series per
// export would grow with the customer base; per-export detail is in the admin API and the runs.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ExportLabels {
  logType: string;
  format: string;
}

export interface ExportMetrics {
  /** One part (object) written to S3. */
  partUploaded(labels: ExportLabels, part: { records: number; bytes: number; seconds: number }): void;
  /** A window's manifest written: how long after the window's end. */
  manifestWritten(labels: ExportLabels, lagSeconds: number): void;
  /** A window run finished; `errorType` is the failure's type ("" on success). */
  windowFinished(labels: ExportLabels, status: 'succeeded' | 'failed', errorType: string): void;
  /** Records stored for an export's delivered windows since their delivery (late records). */
  undeliveredRecords(exportId: string, labels: ExportLabels, count: number): void;
}

export const METRIC_NAMES = {
  recordsExported: 'log_exporter_records_exported_total',
  bytesExported: 'log_exporter_bytes_exported_total',
  windows: 'log_exporter_windows_total',
  deliveryLag: 'log_exporter_window_delivery_lag_seconds',
  partUpload: 'log_exporter_part_upload_seconds',
  undelivered: 'log_exporter_undelivered_records',
} as const;

const EXPORT_LABELS = ['log_type', 'format'] as const;

export function createExportMetrics(registry: Registry = new Registry()): ExportMetrics {
  const registers = [registry];
  const records = new Counter({
    name: METRIC_NAMES.recordsExported,
    help: 'Records written to customers’ buckets (all parts, corrections included)',
    labelNames: EXPORT_LABELS,
    registers,
  });
  const bytes = new Counter({
    name: METRIC_NAMES.bytesExported,
    help: 'Bytes of part objects written to customers’ buckets (as stored: compressed)',
    labelNames: EXPORT_LABELS,
    registers,
  });
  const windows = new Counter({
    name: METRIC_NAMES.windows,
    help: 'Window runs finished, by status and failure type',
    labelNames: [...EXPORT_LABELS, 'status', 'error_type'],
    registers,
  });
  const lag = new Histogram({
    name: METRIC_NAMES.deliveryLag,
    help: 'Seconds from the end of a window to its manifest being written',
    labelNames: EXPORT_LABELS,
    // A daily export's first run waits for the settle delay; retries and late corrections take hours.
    buckets: [30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400],
    registers,
  });
  const upload = new Histogram({
    name: METRIC_NAMES.partUpload,
    help: 'Seconds to read, encode and upload one part',
    labelNames: EXPORT_LABELS,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers,
  });
  // Last count seen per export, summed at scrape time by log type and format: a bounded series
  // count, and an export whose late records were delivered (count 0) stops contributing.
  const undeliveredByExport = new Map<string, { labels: ExportLabels; count: number }>();
  new Gauge({
    name: METRIC_NAMES.undelivered,
    help: 'Records stored for delivered windows (within the late horizon) and not delivered yet',
    labelNames: EXPORT_LABELS,
    registers,
    collect() {
      this.reset();
      for (const { labels, count } of undeliveredByExport.values()) this.inc(toLabels(labels), count);
    },
  });
  return {
    partUploaded(labels, part) {
      records.inc(toLabels(labels), part.records);
      bytes.inc(toLabels(labels), part.bytes);
      upload.observe(toLabels(labels), part.seconds);
    },
    manifestWritten(labels, lagSeconds) {
      lag.observe(toLabels(labels), Math.max(0, lagSeconds));
    },
    windowFinished(labels, status, errorType) {
      windows.inc({ ...toLabels(labels), status, error_type: errorType });
    },
    undeliveredRecords(exportId, labels, count) {
      if (count > 0) undeliveredByExport.set(exportId, { labels, count });
      else undeliveredByExport.delete(exportId);
    },
  };
}

function toLabels(labels: ExportLabels): { log_type: string; format: string } {
  return { log_type: labels.logType, format: labels.format };
}
