// One record per download request served by the CDN. Field names, order and meaning are the
// output contract (docs/formats.md): CSV columns come first, in the seed's header order.
import { z } from 'zod';
import { describeField as d } from './field-docs';
import { optionalText, repositoryPath, requiredText, timestampMicros, timestampSeconds } from './primitives';

const nonNegativeInt = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const clientLogRecordSchema = z.strictObject({
  datetime: d(timestampSeconds, 'timestamp', 'When the download request was served (UTC, to the second).'),
  repository: d(repositoryPath, 'string', 'Repository downloaded from, as `<namespace>/<repository>`.'),
  status: d(z.number().int().min(100).max(599), 'integer', 'HTTP status code of the response (e.g. 200).'),
  method: d(requiredText.max(32), 'string', 'HTTP method (e.g. GET).'),
  uri: d(requiredText, 'string', 'Path of the request (Uniform Resource Identifier).'),
  host: d(requiredText.max(255), 'string', 'Hostname of the request (e.g. your download domain).'),
  ip_address: d(optionalText, 'string', 'IP address of the client.'),
  bytes: d(nonNegativeInt, 'integer', 'Bytes sent in the response body.'),
  city: d(optionalText, 'string', 'City of the client, from its IP address.'),
  country: d(optionalText, 'string', 'Country code (ISO 3166-1 alpha-2) of the client, from its IP address.'),
  edge: d(optionalText, 'string', 'CDN edge location nearest the client that served the request (e.g. LHR61-C2).'),
  eula: d(optionalText, 'string', 'Identifier of the EULA accepted, if any.'),
  format: d(optionalText, 'string', 'Package format (e.g. RedHat, Debian, npm, Python, Maven, Docker).'),
  package: d(optionalText, 'string', 'Identifier of the downloaded package, if known.'),
  recorded: d(
    timestampMicros,
    'timestamp',
    'When the request was recorded (UTC, to the microsecond); decides the window.',
  ),
  referer: d(optionalText, 'string', 'HTTP Referer header of the request.'),
  request_id: d(requiredText.max(256), 'string', 'Globally unique identifier of the request.'),
  token: d(optionalText, 'string', 'Identifier of the entitlement token used, if any.'),
  user: d(optionalText, 'string', 'Identifier of the user who downloaded, if known.'),
  user_agent: d(optionalText, 'string', 'HTTP User-Agent header sent by the client.'),
  continent: d(optionalText, 'string', 'Continent code of the client (e.g. EU), from its IP address.'),
  eula_number: d(nonNegativeInt.nullable().default(null), 'integer', 'Revision of the EULA accepted, if any.'),
  package_name: d(optionalText, 'string', 'Name of the downloaded package, if known.'),
  package_version: d(optionalText, 'string', 'Version of the downloaded package, if known.'),
  protocol: d(optionalText, 'string', 'HTTP protocol used (e.g. HTTP/2.0).'),
  time_taken: d(
    z.number().min(0).max(86_400).nullable().default(null),
    'number',
    'Time taken to serve the request, in seconds.',
  ),
  token_name: d(optionalText, 'string', 'Name of the entitlement token used, if any.'),
  user_name: d(optionalText, 'string', 'Name of the user who downloaded, if known.'),
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
