// The pages' forms: reading url-encoded fields, showing zod's errors next to their inputs, and the
// one export form used to create and to change an export. Its choices come from the schemas'
// enumerations (a new format or compression appears here without touching this file; the labels
// are typed by those enumerations, so a missing label does not compile).
import type { z } from 'zod';
import {
  type Cadence,
  type Compression,
  type Destination,
  type ExportConfig,
  type Format,
  type IpHandling,
  type LogType,
  type ParquetCompression,
  DEFAULT_PARQUET_COMPRESSION,
  cadenceSchema,
  compressionSchema,
  describeZodError,
  fieldGroupSchema,
  formatCompressesItself,
  formatSchema,
  ipHandlingSchema,
  logTypeSchema,
  parquetCompressionSchema,
} from '@log-exporter/schemas';
import { type Html, html } from './html';

export type Form = Record<string, string | string[]>;
export type FieldErrors = Record<string, string>;

export function one(form: Form, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

export function many(form: Form, name: string): string[] {
  const value = form[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The first message per top-level field. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of describeZodError(error)) errors[issue.path.split('.')[0] as string] ??= issue.message;
  return errors;
}

export function errorFor(errors: FieldErrors, field: string): Html | string {
  return errors[field] ? html`<p class="field-error" role="alert">${errors[field]}</p>` : '';
}

export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}" />`;
}

export const LOG_TYPE_LABELS: Record<LogType, string> = {
  client: 'Client logs (downloads)',
  audit: 'Audit logs',
};
export const FORMAT_LABELS: Record<Format, string> = {
  'json-ts': 'JSON Stream + Timestamp (recommended)',
  json: 'JSON Stream',
  csv: 'CSV',
  apache: 'Apache (client logs only)',
  parquet: 'Parquet (typed columns, compressed inside)',
};
export const COMPRESSION_LABELS: Record<Compression, string> = {
  gzip: 'gzip (.gz)',
  zstd: 'zstd (.zst)',
  none: 'none',
};
export const PARQUET_COMPRESSION_LABELS: Record<ParquetCompression, string> = {
  zstd: 'zstd (smaller; DuckDB, Spark, Athena, pyarrow)',
  snappy: 'snappy (for older readers)',
};
export const IP_HANDLING_LABELS: Record<IpHandling, string> = {
  keep: 'keep as stored',
  truncate: 'truncate to the network (IPv4 /24, IPv6 /48)',
  hash: 'pseudonym (keyed hash, stable within this export)',
  drop: 'drop the IP fields',
};
/** The form offers dropping IPs as an IP handling choice, so not again among the exclusions. */
const FORM_EXCLUDE_GROUPS = fieldGroupSchema.options.filter((group) => group !== 'ip');
export const CADENCE_LABELS: Record<Cadence, string> = { daily: 'daily', hourly: 'hourly' };

/** The fields the destination form asks for, in order: name, label, placeholder, required. */
export const DESTINATION_FIELDS = [
  ['organization', 'Organisation (namespace slug)', 'acmecorp', true],
  ['awsAccountId', 'AWS account ID (12 digits)', '995557609558', true],
  ['bucket', 'S3 bucket', 'cloudsmith-acmecorp-logs', true],
  ['prefix', 'Prefix (optional)', 'cloudsmith-logs', false],
  ['roleName', 'IAM role name', 'CloudsmithLogsWriter', true],
  ['region', 'Bucket region', 'us-east-1', false],
] as const;

/** The destination form's fields as API input: empty optional fields are left out (defaults apply). */
export function destinationInput(form: Form): Record<string, string> {
  return Object.fromEntries(
    DESTINATION_FIELDS.map(([name, , , required]) => [name, one(form, name), required] as const)
      .filter(([, value, required]) => value !== '' || required)
      .map(([name, value]) => [name, value]),
  );
}

/** The export form's fields as API input (create; `changeInput` for an edit). */
export function exportInput(form: Form): Record<string, unknown> {
  const repositories = one(form, 'repositories')
    .split(/[\s,]+/)
    .filter(Boolean);
  const ipHandling = one(form, 'ipHandling');
  return {
    ...(one(form, 'destinationId') ? { destinationId: one(form, 'destinationId') } : {}),
    ...(one(form, 'logType') ? { logType: one(form, 'logType') } : {}),
    format: one(form, 'format'),
    folder: one(form, 'folder'),
    repositories: repositories.length ? repositories : null,
    // With the IP choice posted, it alone says whether IPs are dropped (see settleIpHandling).
    exclude: ipHandling ? many(form, 'exclude').filter((group) => group !== 'ip') : many(form, 'exclude'),
    ...(ipHandling ? { ipHandling } : {}),
    // Parquet compresses inside the file: the form sends no object compression for it, and the
    // export gets the one its format needs (defaultCompression, on create and on a change).
    ...(formatCompressesItself(one(form, 'format') as Format)
      ? {}
      : { compression: one(form, 'compression') || compressionSchema.options[0] }),
    parquetCompression: one(form, 'parquetCompression') || DEFAULT_PARQUET_COMPRESSION,
    cadence: one(form, 'cadence') || cadenceSchema.options[0],
    notifyUrl: one(form, 'notifyUrl') || null,
  };
}

/** An edit: what may change (the destination and log type are fixed at creation), and enabled. */
export function changeInput(form: Form): Record<string, unknown> {
  const { destinationId: _destination, logType: _logType, ...change } = exportInput(form);
  return { ...change, enabled: one(form, 'enabled') === '1' };
}

/** What the form shows: typed values (create) or the export's (edit), as form fields. */
export function formOfExport(config: ExportConfig): Form {
  return {
    destinationId: config.destinationId,
    logType: config.logType,
    format: config.format,
    folder: config.folder,
    repositories: (config.repositories ?? []).join(', '),
    exclude: config.exclude.filter((group) => group !== 'ip'),
    ipHandling: config.ipHandling,
    compression: config.compression,
    parquetCompression: config.parquetCompression,
    cadence: config.cadence,
    notifyUrl: config.notifyUrl ?? '',
    ...(config.enabled ? { enabled: '1' } : {}),
  };
}

function select<T extends string>(
  id: string,
  name: string,
  options: readonly T[],
  labels: Record<T, string>,
  selected: string,
): Html {
  return html`<select id="${id}" name="${name}">
    ${options.map((value) => html`<option value="${value}" ${value === selected ? html`selected` : ''}>${labels[value]}</option>`)}
  </select>`;
}

export interface ExportFormOptions {
  mode: 'create' | 'edit';
  action: string;
  csrf: string;
  values: Form;
  errors: FieldErrors;
  /** Create only: the destinations the user may choose. */
  destinations?: readonly Destination[];
}

/** The one export form: create (destination and log type chosen) or edit (they are fixed). */
export function exportForm(options: ExportFormOptions): Html {
  const { mode, values, errors } = options;
  const id = (name: string) => (mode === 'edit' ? `edit-${name}` : name);
  const exclude = new Set(many(values, 'exclude'));
  const destinationLabels = Object.fromEntries(
    (options.destinations ?? []).map((d) => [d.id, `${d.organization}: s3://${d.bucket}/${d.prefix} (${d.id})`]),
  );
  return html`<form method="post" action="${options.action}" class="stacked">
    ${csrfField(options.csrf)}
    ${
      mode === 'create'
        ? html`<label for="destinationId">Destination</label>
            ${select('destinationId', 'destinationId', Object.keys(destinationLabels), destinationLabels, one(values, 'destinationId'))}
            ${errorFor(errors, 'destinationId')}
            <label for="logType">Log type</label>
            ${select('logType', 'logType', logTypeSchema.options, LOG_TYPE_LABELS, one(values, 'logType'))}
            ${errorFor(errors, 'logType')}`
        : ''
    }
    <label for="${id('format')}">Format</label>
    ${select(id('format'), 'format', formatSchema.options, FORMAT_LABELS, one(values, 'format') || 'json-ts')}
    ${errorFor(errors, 'format')}
    <label for="${id('folder')}">Folder (inside the prefix)</label>
    <input type="text" id="${id('folder')}" name="folder" value="${one(values, 'folder')}" placeholder="client-logs" />
    ${errorFor(errors, 'folder')}
    <label for="${id('repositories')}"
      >Repositories (client logs; comma-separated slugs; empty for the whole organisation)</label
    >
    <input type="text" id="${id('repositories')}" name="repositories" value="${one(values, 'repositories')}" />
    ${errorFor(errors, 'repositories')}
    <fieldset>
      <legend>Exclude</legend>
      ${FORM_EXCLUDE_GROUPS.map(
        (group) =>
          html`<label class="inline"
            ><input type="checkbox" name="exclude" value="${group}" ${exclude.has(group) ? html`checked` : ''} />
            ${group}</label
          > `,
      )}
    </fieldset>
    ${errorFor(errors, 'exclude')}
    <label for="${id('ipHandling')}">IP addresses</label>
    ${select(id('ipHandling'), 'ipHandling', ipHandlingSchema.options, IP_HANDLING_LABELS, one(values, 'ipHandling'))}
    ${errorFor(errors, 'ipHandling')}
    <label for="${id('compression')}">Compression (of the whole file; not used for Parquet)</label>
    ${select(id('compression'), 'compression', compressionSchema.options, COMPRESSION_LABELS, one(values, 'compression'))}
    ${errorFor(errors, 'compression')}
    <label for="${id('parquetCompression')}">Parquet compression (inside the file)</label>
    ${select(id('parquetCompression'), 'parquetCompression', parquetCompressionSchema.options, PARQUET_COMPRESSION_LABELS, one(values, 'parquetCompression') || DEFAULT_PARQUET_COMPRESSION)}
    ${errorFor(errors, 'parquetCompression')}
    <label for="${id('cadence')}">Cadence</label>
    ${select(id('cadence'), 'cadence', cadenceSchema.options, CADENCE_LABELS, one(values, 'cadence'))}
    <label for="${id('notifyUrl')}"
      >Notify URL (optional: a failed window is POSTed there, at most once a day, and the recovery after it)</label
    >
    <input
      type="url"
      id="${id('notifyUrl')}"
      name="notifyUrl"
      value="${one(values, 'notifyUrl')}"
      placeholder="https://hooks.slack.com/services/…"
    />
    ${errorFor(errors, 'notifyUrl')}
    ${
      mode === 'edit'
        ? html`<label class="inline"
            ><input type="checkbox" name="enabled" value="1" ${one(values, 'enabled') === '1' ? html`checked` : ''} />
            enabled</label
          >`
        : ''
    }
    <p>
      <button type="submit">${mode === 'create' ? 'Create export' : 'Save changes'}</button>
      ${mode === 'create' ? html`<button type="submit" name="preview" value="1">Preview the last window</button>` : ''}
    </p>
  </form>`;
}
