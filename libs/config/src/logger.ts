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
