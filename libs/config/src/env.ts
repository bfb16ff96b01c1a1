// Environment variables of the worker and the admin app (README, Environment), parsed with zod at
// start-up. A bad value stops the process with a message naming the variable and the value.
import { z } from 'zod';
import {
  ADMIN_AUTH_DEFAULTS,
  DEFAULT_TASK_QUEUE,
  EXPORT_DEFAULTS,
  NOTIFICATION_DEFAULTS,
  WORKER_DEFAULTS,
  awsAccountIdSchema,
  awsRegionSchema,
} from '@log-exporter/schemas';

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port, e.g. localhost:7233');

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 30m, 90s, 1h, 3d or 500ms')
  .transform((value) => Number.parseInt(value, 10) * (DURATION_UNITS[value.replace(/^\d+/, '')] as number));

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a UTC time of day HH:MM, e.g. 00:45')
  .transform((value) => ({ hour: Number(value.slice(0, 2)), minute: Number(value.slice(3, 5)) }));

const positiveInt = z
  .string()
  .regex(/^\d+$/, 'expected a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1));

const port = z
  .string()
  .regex(/^\d+$/, 'expected a port number')
  .transform(Number)
  .pipe(z.number().int().min(1).max(65535));

/** A port to listen on, where 0 asks the system for any free one (the process logs which). */
const listenPort = z
  .string()
  .regex(/^\d+$/, 'expected a port number (0: any free port)')
  .transform(Number)
  .pipe(z.number().int().min(0).max(65535));

const flag = z.enum(['true', 'false'], { message: 'expected true or false' }).transform((value) => value === 'true');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const commonEnvShape = {
  TEMPORAL_ADDRESS: hostPort.default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'expected sqlite:<path> or postgres://…')
    .default('sqlite:.data/log-exporter.db'),
  /** Our AWS account: the principal in every trust policy we hand out. */
  EXPORTER_AWS_ACCOUNT_ID: awsAccountIdSchema.default('884446598447'),
  AWS_REGION: awsRegionSchema.default('us-east-1'),
  /** The SDK's own override for every AWS service: set to the local emulator in dev and tests. */
  AWS_ENDPOINT_URL: z.url({ message: 'expected a URL such as http://127.0.0.1:5000' }).optional(),
  /** The SDK's override for STS alone (the local stack's trust-enforcing stand-in); AWS_ENDPOINT_URL if unset. */
  AWS_ENDPOINT_URL_STS: z.url({ message: 'expected a URL such as http://127.0.0.1:5001' }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** How long after a window closes before it is exported, so most late records land in it. */
  EXPORT_SETTLE_DELAY: duration.default(EXPORT_DEFAULTS.settleDelayMs),
  /**
   * How far back each scheduled run looks for delivered windows with late records (stored after
   * their delivery) and delivers them; older ones are counted and shown, and delivered on request.
   */
  EXPORT_LATE_HORIZON: duration.default(EXPORT_DEFAULTS.lateHorizonMs),
  /** How long raw log rows are kept after their window ends (never while it has undelivered records). */
  LOG_RETENTION: duration.default(EXPORT_DEFAULTS.logRetentionMs),
  /**
   * Notify URLs on loopback (127.0.0.0/8, ::1, localhost), over plain http too: for local use and
   * tests only. Private and link-local addresses are refused whatever this says.
   */
  ALLOW_LOOPBACK_WEBHOOKS: flag.default(false),
  /** The admin app's address as people reach it: notifications link to the export's page there. */
  ADMIN_PUBLIC_URL: z
    .url({ message: 'expected a URL such as https://exports.example.com' })
    .default(NOTIFICATION_DEFAULTS.adminPublicUrl),
};

export const workerEnvSchema = z.object({
  ...commonEnvShape,
  /** Records per data object before a window is split into numbered parts. */
  EXPORT_PART_MAX_RECORDS: positiveInt.default(EXPORT_DEFAULTS.maxRecordsPerPart),
  /** How far back each scheduled run retries windows whose last run failed. */
  EXPORT_RETRY_FAILED_FOR: duration.default(EXPORT_DEFAULTS.retryFailedWindowsForMs),
  /** Parts of one window uploaded at once. */
  EXPORT_PART_CONCURRENCY: positiveInt
    .pipe(z.number().max(32, 'expected at most 32'))
    .default(EXPORT_DEFAULTS.partConcurrency),
  /** An upload silent this long is presumed dead (its worker crashed) and is retried. */
  EXPORT_HEARTBEAT_TIMEOUT: duration.default(EXPORT_DEFAULTS.uploadHeartbeatTimeoutMs),
  /**
   * Ed25519 key that signs every manifest: base64 of the 32-byte seed, or PKCS#8 PEM. Unset:
   * manifests are written unsigned (the worker warns, and `verify` reports them).
   */
  MANIFEST_SIGNING_KEY: z.string().min(1).optional(),
  /** Port of the worker's /metrics (Prometheus), /livez and /readyz; 0: any free port (logged). */
  WORKER_METRICS_PORT: listenPort.default(9464),
  /** Interface of that endpoint; all of them, so Prometheus and the kubelet reach it. */
  WORKER_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  /** Workflows kept in memory between their tasks (others replay from history when they next run). */
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt.default(WORKER_DEFAULTS.maxCachedWorkflows),
  /** Workflow tasks run at once. */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt
    .pipe(z.number().min(2, 'expected at least 2 (the SDK needs one for its sticky queue)'))
    .default(WORKER_DEFAULTS.maxConcurrentWorkflowTasks),
  /** Activities (part uploads, plans, manifests) run at once. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(WORKER_DEFAULTS.maxConcurrentActivities),
  /** Local activities run at once. */
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: positiveInt.default(WORKER_DEFAULTS.maxConcurrentLocalActivities),
});
export type WorkerEnv = z.output<typeof workerEnvSchema>;

export const adminEnvSchema = z
  .object({
    ...commonEnvShape,
    ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters'),
    ADMIN_PORT: port.default(8080),
    /** Interface to listen on; loopback unless deployed behind a proxy. */
    ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * Behind a TLS-terminating proxy: trust its X-Forwarded-* headers (Fastify's trustProxy: true,
     * a hop count, or addresses/CIDRs, comma-separated). Session cookies are then Secure when the
     * proxy says the request came over https, and rate limits count the client's address.
     */
    TRUST_PROXY: z
      .string()
      .min(1)
      .transform((value): boolean | number | string => {
        if (value === 'true') return true;
        if (value === 'false') return false;
        return /^\d+$/.test(value) ? Number(value) : value;
      })
      .default(false),
    /** Failed token attempts (API or login) per client address per minute before a lockout. */
    FAILED_AUTH_PER_MINUTE: positiveInt.default(ADMIN_AUTH_DEFAULTS.failedAuthPerMinute),
    /** How long an address past that limit is locked out. */
    FAILED_AUTH_LOCKOUT: duration.default(ADMIN_AUTH_DEFAULTS.failedAuthLockoutMs),
    /** The built verify.mjs (`npm run build`) that customers download from the hand-over page. */
    VERIFY_BUNDLE_PATH: z.string().min(1).default('dist/verify/verify.mjs'),
    /** Where links to workflows point. */
    TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
    /** Consecutive failed windows after which an export shows as failing. */
    EXPORT_FAILING_AFTER: positiveInt.default(3),
    /** Most windows one backfill request may start. */
    MAX_BACKFILL_WINDOWS: positiveInt.default(400),
    /** Public keys that sign manifests, comma-separated (base64 of the raw 32 bytes), newest first. */
    MANIFEST_PUBLIC_KEYS: z.string().min(1).optional(),
    /** Largest NDJSON ingest request, in bytes. */
    INGEST_BODY_LIMIT_BYTES: positiveInt.default(16 * 1024 * 1024),
    /** UTC time of day of daily exports (its minute: of hourly ones); after the window closes and settles. */
    EXPORT_SCHEDULE_AT: timeOfDay.default({ hour: 0, minute: 45 }),
    /**
     * Each export's schedule fires at EXPORT_SCHEDULE_AT plus an offset of its own below this (from
     * a hash of its ID), so the midnight burst of daily exports spreads out. It must end within the
     * hour (hourly exports fire at that minute of every hour).
     */
    EXPORT_SCHEDULE_SPREAD: duration.default(EXPORT_DEFAULTS.scheduleSpreadMs),
    /** Missed scheduled runs younger than this are run on recovery (each for its own window). */
    EXPORT_SCHEDULE_CATCHUP: duration.default(3 * 86_400_000),
    /** Windows a backfill exports at once. */
    BACKFILL_CONCURRENCY: positiveInt.pipe(z.number().max(32, 'expected at most 32')).default(4),
  })
  .superRefine((env, ctx) => {
    const minutesLeft = 60 - env.EXPORT_SCHEDULE_AT.minute;
    if (env.EXPORT_SCHEDULE_SPREAD > minutesLeft * 60_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['EXPORT_SCHEDULE_SPREAD'],
        message: `runs past the hour after EXPORT_SCHEDULE_AT's minute ${env.EXPORT_SCHEDULE_AT.minute}: at most ${minutesLeft}m`,
      });
    }
  });
export type AdminEnv = z.output<typeof adminEnvSchema>;

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parses the environment; throws an EnvError listing each bad variable and its value. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const value = cleaned[name];
    const shown = value === undefined ? 'unset' : name.includes('TOKEN') ? '(hidden)' : JSON.stringify(value);
    return `  ${name}=${shown}: ${issue.message}`;
  });
  throw new EnvError(`invalid environment:\n${lines.join('\n')}`);
}
