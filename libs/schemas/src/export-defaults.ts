// One definition of each export default. The environment's defaults (libs/config), the
// activities' settings, the S3 writer and the log clean-up take their values from here; the
// workflow keeps only the values older histories were recorded with, named as legacy there.

const MiB = 1024 * 1024;

export const EXPORT_DEFAULTS = {
  /** EXPORT_SETTLE_DELAY: how long after a window closes before it is exported. */
  settleDelayMs: 30 * 60_000,
  /** EXPORT_LATE_HORIZON: how far back scheduled runs deliver late records. */
  lateHorizonMs: 7 * 86_400_000,
  /** LOG_RETENTION: how long raw log rows are kept after their window. */
  logRetentionMs: 30 * 86_400_000,
  /** EXPORT_RETRY_FAILED_FOR: how far back scheduled runs retry failed windows. */
  retryFailedWindowsForMs: 7 * 86_400_000,
  /** EXPORT_PART_MAX_RECORDS: records per data object before a window is split into parts. */
  maxRecordsPerPart: 1_000_000,
  /** EXPORT_PART_CONCURRENCY: parts of one window uploaded at once. */
  partConcurrency: 1,
  /** EXPORT_HEARTBEAT_TIMEOUT: an upload silent this long is presumed dead and retried. */
  uploadHeartbeatTimeoutMs: 2 * 60_000,
  /**
   * S3 multipart chunk size: 5 MiB, the minimum S3 allows, with two chunks in flight. A window's
   * compressed output comes at a few MB/s, far below what two concurrent chunk uploads carry, and
   * memory stays ~15 MiB per upload.
   */
  uploadChunkBytes: 5 * MiB,
  uploadChunksInFlight: 2,
  /** EXPORT_SCHEDULE_SPREAD: each export's schedule fires at its own offset below this. */
  scheduleSpreadMs: 10 * 60_000,
  /** How often a running upload heartbeats its progress. */
  heartbeatIntervalMs: 5_000,
} as const;

/**
 * How much one worker process takes on at once (the WORKER_MAX_* environment). Sized for the
 * midnight burst, when every daily export's window starts in the same minutes: thousands of small
 * workflows. Each cached workflow holds its state in the worker's memory; the SDK's own default
 * cache grows with the machine's memory (thousands on a large one), which is what let a burst take
 * the worker past 600 MB. Evicted workflows replay from their history when they next run.
 */
export const WORKER_DEFAULTS = {
  /** WORKER_MAX_CACHED_WORKFLOWS */
  maxCachedWorkflows: 250,
  /** WORKER_MAX_CONCURRENT_WORKFLOW_TASKS */
  maxConcurrentWorkflowTasks: 20,
  /** WORKER_MAX_CONCURRENT_ACTIVITIES: uploads, plans and manifests running at once. */
  maxConcurrentActivities: 8,
  /** WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES */
  maxConcurrentLocalActivities: 20,
} as const;

/**
 * The admin app's guard against token guessing: failed attempts (API or login) per client address
 * per minute before the address is locked out, and for how long.
 */
export const ADMIN_AUTH_DEFAULTS = {
  /** FAILED_AUTH_PER_MINUTE */
  failedAuthPerMinute: 10,
  /** FAILED_AUTH_LOCKOUT */
  failedAuthLockoutMs: 15 * 60_000,
} as const;

/** Failure notifications (libs/notifications). */
export const NOTIFICATION_DEFAULTS = {
  /** At most one failure notification per export in this long. */
  failureIntervalMs: 24 * 3_600_000,
  /** One POST may take this long, connection included. */
  requestTimeoutMs: 10_000,
  /** ADMIN_PUBLIC_URL: where notifications link to (the admin app on this machine). */
  adminPublicUrl: 'http://localhost:8080',
} as const;

/** S3's limits on multipart uploads: chunks of at least 5 MiB (but the last), at most 10,000 chunks. */
export const S3_MIN_CHUNK_BYTES = 5 * MiB;
export const S3_MAX_CHUNKS = 10_000;
