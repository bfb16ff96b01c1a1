// The structured logger (pino). Credential-shaped fields are redacted wherever they appear, so a
// stray object in a log call cannot leak keys, session tokens, External IDs or the admin token.
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'externalId',
  'credentials',
  'authorization',
  'token',
  '*.accessKeyId',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.externalId',
  '*.credentials',
  '*.authorization',
  '*.AccessKeyId',
  '*.SecretAccessKey',
  '*.SessionToken',
  '*.ExternalId',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
];

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture them. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export type { Logger };

/** The process's memory in MB, for log lines (what an operator sizes the worker's container by). */
export function memoryUsageMb(): { rss: number; heapTotal: number; heapUsed: number; external: number } {
  const usage = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return {
    rss: mb(usage.rss),
    heapTotal: mb(usage.heapTotal),
    heapUsed: mb(usage.heapUsed),
    external: mb(usage.external),
  };
}
