// One record per download request served by the CDN. Field names, order and meaning are the
// output contract (design.md §3): CSV columns come first, in the seed's header order.
import { z } from 'zod';
import { optionalText, repositoryPath, requiredText, timestampMicros, timestampSeconds } from './primitives';

const nonNegativeInt = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const clientLogRecordSchema = z.strictObject({
  datetime: timestampSeconds,
  repository: repositoryPath,
  status: z.number().int().min(100).max(599),
  method: requiredText.max(32),
  uri: requiredText,
  host: requiredText.max(255),
  ip_address: optionalText,
  bytes: nonNegativeInt,
  city: optionalText,
  country: optionalText,
  edge: optionalText,
  eula: optionalText,
  format: optionalText,
  package: optionalText,
  recorded: timestampMicros,
  referer: optionalText,
  request_id: requiredText.max(256),
  token: optionalText,
  user: optionalText,
  user_agent: optionalText,
  continent: optionalText,
  eula_number: nonNegativeInt.nullable().default(null),
  package_name: optionalText,
  package_version: optionalText,
  protocol: optionalText,
  time_taken: z.number().min(0).max(86_400).nullable().default(null),
  token_name: optionalText,
  user_name: optionalText,
});

/** A client log record in canonical form (timestamps normalised to UTC). */
export type ClientLogRecord = z.output<typeof clientLogRecordSchema>;
/** What a producer may send: optional fields may be left out. */
export type ClientLogRecordInput = z.input<typeof clientLogRecordSchema>;

/** Every client field, in output order (JSON key order). */
export const CLIENT_LOG_FIELDS = Object.keys(clientLogRecordSchema.shape) as (keyof ClientLogRecord)[];

/** The seed's CSV header, exactly: the CSV column order. */
export const CLIENT_LOG_CSV_FIELDS = [
  'datetime',
  'repository',
  'status',
  'method',
  'uri',
  'host',
  'ip_address',
  'bytes',
  'city',
  'country',
  'edge',
  'eula',
  'format',
  'package',
  'recorded',
  'referer',
  'request_id',
  'token',
  'user',
  'user_agent',
] as const satisfies readonly (keyof ClientLogRecord)[];

/** Splits `namespace/repository` into its two slugs. */
export function splitRepositoryPath(path: string): { namespace: string; repository: string } {
  const slash = path.indexOf('/');
  return { namespace: path.slice(0, slash), repository: path.slice(slash + 1) };
}
