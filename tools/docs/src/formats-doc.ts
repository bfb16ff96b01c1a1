// Renders docs/formats.md, the customer's reference of the output formats, from the code itself:
// every example is produced by the real encoders and every field row by the schemas' metadata, so
// the document cannot drift from what the exporter writes (a test compares it with the file).
import {
  AUDIT_LOG_FIELDS,
  CLIENT_LOG_CSV_FIELDS,
  CLIENT_LOG_FIELDS,
  FIELD_GROUP_FIELDS,
  type FieldGroup,
  type Format,
  type LogType,
  auditLogRecordSchema,
  clientLogRecordSchema,
  fieldDocs,
  fileExtension,
} from '@log-exporter/schemas';
import {
  createIpPseudonymizer,
  createRecordEncoder,
  PARQUET_ROW_GROUP_ROWS,
  PARQUET_ROW_GROUP_TEXT_BYTES,
  ZSTD_LEVEL,
  allParquetColumns,
  eventTimeField,
  type LogRecord,
  truncateIp,
} from '@log-exporter/formats';
import { SEED_EXAMPLE_CLIENT_RECORD, generateAuditLogs } from '@log-exporter/testing';

const FORMAT_TITLES: Record<Format, string> = {
  csv: 'CSV',
  json: 'JSON Stream',
  'json-ts': 'JSON Stream + Timestamp',
  apache: 'Apache combined log',
  parquet: 'Parquet',
};

const APACHE_FIELDS: Record<string, string> = {
  ip_address: '%h',
  user_name: '%u',
  user: '%u (when `user_name` is empty)',
  datetime: '%t',
  method: '%r',
  uri: '%r',
  protocol: '%r',
  status: '%>s',
  bytes: '%b',
  referer: '%{Referer}i',
  user_agent: '%{User-agent}i',
};

function exampleAuditRecord(): LogRecord {
  const [first] = [
    ...generateAuditLogs({
      seed: 7,
      organization: 'acmecorp',
      window: { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' },
      count: 1,
    }),
  ];
  const { organization: _organization, ...record } = first!;
  return record;
}

function example(logType: LogType, format: Format): string {
  const encoder = createRecordEncoder({ logType, format, exclude: [] });
  const record = logType === 'client' ? SEED_EXAMPLE_CLIENT_RECORD : exampleAuditRecord();
  return [encoder.header, encoder.line(record)].filter((line) => line !== null).join('\n');
}

/** The IP handling section; every example value is computed by the exporter's own functions. */
function ipHandlingSection(): string {
  const addresses = ['82.1.4.8', '2a01:4b00:9:1::8', '::ffff:82.1.4.8'];
  // A fixed key, for the examples only: each export has its own random one.
  const pseudonym = createIpPseudonymizer(Buffer.from(Array.from({ length: 32 }, (_, i) => i)));
  const rows = addresses.map(
    (address) => `| \`${address}\` | \`${truncateIp(address)}\` | \`${pseudonym(address)}\` |`,
  );
  const example = createRecordEncoder({ logType: 'client', format: 'json', exclude: [], ipHandling: 'truncate' });
  return `## IP addresses

An export's \`ipHandling\` says what it writes in \`ip_address\` (client logs) and
\`actor_ip_address\` (audit logs), in every format:

| \`ipHandling\` | writes |
|---|---|
| \`keep\` (default) | the address as recorded |
| \`truncate\` | the network only: IPv4 to its /24, IPv6 to its /48, in canonical text ([RFC 5952](https://www.rfc-editor.org/rfc/rfc5952)); an IPv4-mapped IPv6 address is truncated as the IPv4 address it carries |
| \`hash\` | a pseudonym: the first 128 bits of HMAC-SHA256 of the canonical address under a secret key of the export, as 32 lowercase hex digits |
| \`drop\` | nothing: the field is absent, exactly as when \`exclude\` lists \`ip\` (the two spellings are one setting) |

A pseudonym is stable: within one export the same address (in any spelling, e.g. \`2A01::1\` and
\`2a01:0::1\`, or \`::ffff:82.1.4.8\` and \`82.1.4.8\`) always gives the same value, on every run
and re-run, so you can count distinct clients or follow one through the day; another export has
another key, so its pseudonyms cannot be joined with this one's. The key never leaves the
exporter; it cannot be read through the API. Absent values stay absent. A value that is not an IP
address is written empty (null) by \`truncate\` and pseudonymised as text by \`hash\`.

| address | \`truncate\` | \`hash\` (an example key) |
|---|---|---|
${rows.join('\n')}

A JSON Stream line of the seed's example record with \`truncate\`:

\`\`\`
${example.line(SEED_EXAMPLE_CLIENT_RECORD)}
\`\`\``;
}

/** The Parquet section: the columns of each log type as written, from the encoder's own schema. */
function parquetSection(): string {
  const table = (logType: LogType) =>
    [
      '| column | Parquet type | nulls |',
      '|---|---|---|',
      ...allParquetColumns(logType).map(
        (c) => `| \`${c.name}\` | \`${c.parquetType}\` | ${c.nullable ? 'may be null' : 'never null'} |`,
      ),
    ].join('\n');
  return `## ${FORMAT_TITLES.parquet} (\`parquet\`)

For analytical engines (Athena, Glue, Spark, BigQuery, DuckDB, pandas/pyarrow): one Parquet file
per part, typed columns in the order of the field reference below, the same fields as JSON
Stream (exclusions remove their columns; repository scope and IP handling apply as in every other
format).

- Timestamps are \`TIMESTAMP(MICROS, UTC)\` (\`INT64\`, adjusted to UTC): \`datetime\` to the
  second, \`recorded\` and \`event_at\` to the microsecond. Integers are \`INT64\`,
  \`time_taken\` is \`DOUBLE\`, text is UTF-8 \`STRING\`. Absent values are Parquet nulls; an
  empty string stays an empty string.
- Pages are compressed inside the file: zstd (level ${ZSTD_LEVEL}) by default, or snappy with
  \`parquetCompression: "snappy"\` for readers without zstd. The object is not compressed again:
  a Parquet export's \`compression\` is \`none\` (it is set so when you leave it out, and any other
  value is refused).
- Row groups hold up to ${PARQUET_ROW_GROUP_ROWS.toLocaleString('en-US')} rows (fewer when their
  text passes ${PARQUET_ROW_GROUP_TEXT_BYTES / 1024 / 1024} MiB). Timestamp and number columns
  carry min/max statistics in each row group, so engines skip row groups outside a time range;
  text columns carry none.
- Stored as \`application/vnd.apache.parquet\`. A preview (\`POST /api/exports/:id/preview\`)
  shows each row as a JSON Stream line of the same columns.

Client logs:

${table('client')}

Audit logs:

${table('audit')}`;
}

function groupOf(field: string): string {
  const groups = (Object.entries(FIELD_GROUP_FIELDS) as [FieldGroup, readonly string[]][])
    .filter(([, fields]) => fields.includes(field))
    .map(([group]) => group);
  const named = groups.map((g) => `\`${g}\``);
  if (field === 'repository') named.push('`repository`', '`namespace` (its part)');
  if (field === 'uri') named.push('`namespace`, `repository` (their path segments)');
  return named.length ? named.join(', ') : '—';
}

function fieldTable(logType: LogType): string {
  const shape = logType === 'client' ? clientLogRecordSchema.shape : auditLogRecordSchema.shape;
  const docs = fieldDocs(shape);
  const fields = logType === 'client' ? CLIENT_LOG_FIELDS : AUDIT_LOG_FIELDS;
  const rows = fields.map((field) => {
    const doc = docs[field]!;
    const formats = [
      logType === 'audit' || (CLIENT_LOG_CSV_FIELDS as readonly string[]).includes(field) ? 'CSV' : null,
      'JSON, Parquet',
      logType === 'client' && APACHE_FIELDS[field] ? `Apache ${APACHE_FIELDS[field]}` : null,
    ].filter(Boolean);
    const type = doc.type === 'timestamp' ? 'timestamp (RFC 3339, UTC)' : doc.type;
    return `| \`${field}\` | ${type}${doc.nullable ? ', may be null' : ''} | ${doc.description} | ${groupOf(field)} | ${formats.join(', ')} |`;
  });
  return ['| field | type | meaning | excluded by | in formats |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function renderFormatsDoc(): string {
  const sections: string[] = [];
  sections.push(`<!-- Generated by \`npm run docs\` from the encoders and schemas (tools/docs). Do not edit by hand. -->

# Log export formats

Every export writes one log type (client logs or audit logs) in one format into its folder of your
bucket, one window (a UTC day, or an hour) at a time. This page shows exactly what the files contain.

## Files and windows

- A window is a half-open UTC interval \`[start, end)\`. A client record belongs to the window of its
  \`recorded\` time, an audit record to that of its \`event_at\`: every record lands in exactly one
  window, once.
- Keys: \`<prefix>/<folder>/dt=YYYY-MM-DD/<logType>_<exportId>_<YYYY-MM-DD>_partNNNNN.<extension>\`
  (hourly: \`…/dt=YYYY-MM-DD/hour=HH/…_<YYYY-MM-DD>THH_partNNNNN.<extension>\`). Large windows are
  split into numbered parts; re-running a window overwrites the same keys.
- After all parts, \`_manifest_<exportId>_<stamp>.json\` is written beside them: every object with its
  record count, byte size and SHA-256, the window, the format and totals. **Its presence means the
  window is complete**; a window without records still gets one (with no objects).
- Text files are UTF-8 with LF line ends, one record per line (CSV: a header line first; a quoted CSV
  value may itself contain line breaks). Parquet files are binary, typed columns (see below).
- Compression: gzip (default), zstd or none; Parquet files compress their own pages (zstd, or snappy
  on request) and are stored with compression \`none\`. Compressed files are stored as such
  (\`application/gzip\`, \`application/zstd\`), so what you download is exactly what the manifest's
  SHA-256 describes.
  - gzip: one gzip member, about the size \`gzip -6\` makes of the same text (within 2%);
    every tool reads it (\`gzip\`/\`zcat\`, Python's \`gzip\`, Java's \`GZIPInputStream\`, Athena,
    Spark, DuckDB, BigQuery). We compress it on several cores at once, in 2 MiB pieces each primed
    with the text before it (as \`pigz\` does); the file is an ordinary single-member gzip.
  - zstd: level 3 (as \`zstd -3\`), one frame with a content checksum; about the size of
    gzip for about a third of its CPU. Read by the \`zstd\`
    command (\`zstd -dc file.zst\`), Python's \`zstandard\` (and \`compression.zstd\` from Python
    3.14), Node.js 22.15+ \`zlib\`, DuckDB (\`read_csv\` / \`read_json\` detect \`.zst\`), Athena and
    Spark (\`.zst\` is a known text-file codec).
  - Compressed output is deterministic: the same records give the same bytes on every run.

| format | extension | with gzip | with zstd |
|---|---|---|---|
${(['csv', 'json', 'json-ts', 'apache'] as const)
  .map(
    (f) =>
      `| ${FORMAT_TITLES[f]} (\`${f}\`) | \`.${fileExtension(f, 'none')}\` | \`.${fileExtension(f, 'gzip')}\` | \`.${fileExtension(f, 'zstd')}\` |`,
  )
  .join('\n')}
| ${FORMAT_TITLES.parquet} (\`parquet\`) | \`.${fileExtension('parquet', 'none')}\` | — (compressed inside) | — (compressed inside) |

## Values

- Timestamps are RFC 3339 in UTC written with \`+00:00\`: \`datetime\` to the second,
  \`recorded\` and \`event_at\` to the microsecond.
- A field with no value is \`null\` in JSON, an empty field in CSV and \`-\` in Apache lines.
- Field names are identical in every format.`);

  sections.push(`## ${FORMAT_TITLES.csv} (\`csv\`)

A header line, then one line per record, columns in the order shown (client logs: exactly the
columns of the original CSV export; the richer fields are in the JSON formats only). Quoting follows
RFC 4180: a value containing a comma, a double quote, CR or LF is enclosed in double quotes, with
inner double quotes doubled. An absent value is an empty field; an empty string is written \`""\`,
so the two can be told apart (PostgreSQL's \`COPY … CSV\` reads them that way). Values are written as
they are: one beginning with \`=\`, \`+\`, \`-\` or \`@\` is data, so import columns as text in
spreadsheet software.

Client logs:

\`\`\`
${example('client', 'csv')}
\`\`\`

Audit logs:

\`\`\`
${example('audit', 'csv')}
\`\`\``);

  sections.push(`## ${FORMAT_TITLES.json} (\`json\`)

One JSON object per line (also known as JSON Lines or NDJSON), keys in the order of the field
reference below, absent values as \`null\`.

Client logs:

\`\`\`
${example('client', 'json')}
\`\`\`

Audit logs:

\`\`\`
${example('audit', 'json')}
\`\`\``);

  sections.push(`## ${FORMAT_TITLES['json-ts']} (\`json-ts\`)

The recommended format for BI and SIEM tools: each line is the event time, one space, then the same
JSON object as in JSON Stream. The time is \`${eventTimeField('client')}\` for client logs (when the
download was served) and \`${eventTimeField('audit')}\` for audit logs.

Client logs:

\`\`\`
${example('client', 'json-ts')}
\`\`\`

Audit logs:

\`\`\`
${example('audit', 'json-ts')}
\`\`\``);

  sections.push(`## ${FORMAT_TITLES.apache} (\`apache\`)

Client logs only (audit logs are not HTTP requests). The combined log format,
\`%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"\`, readable by any web-log tool:

\`\`\`
${example('client', 'apache')}
\`\`\`

- \`%u\` is \`user_name\`, or \`user\` when the name is unknown; \`%r\` is \`method uri protocol\`.
- Escaping, as Apache does it: \`"\` and \`\\\` are preceded by a backslash; control characters are
  \`\\n\`, \`\\r\`, \`\\t\` or \`\\xhh\` (each \`\\xhh\` one byte of the UTF-8 encoding). Outside quotes
  (\`%h\`, \`%u\`) and inside the request line, whitespace is escaped too (a space is \`\\x20\`), so
  fields always split on single spaces.
- \`-\` means absent. A value that is literally \`-\` is written \`\\x2d\`. An empty value is \`""\`
  inside quotes; outside quotes it is written \`-\`, like an absent one.`);

  sections.push(parquetSection());

  sections.push(`## Including and excluding fields

An export can leave out groups of fields. An excluded field is absent: no JSON key, no CSV column,
\`-\` in Apache lines.

| group | removes |
|---|---|
| \`eula\` | \`eula\`, \`eula_number\` |
| \`geo\` | \`city\`, \`country\`, \`continent\` (client); \`actor_location\` (audit) |
| \`ip\` | \`ip_address\` (client); \`actor_ip_address\` (audit) |
| \`namespace\` | the namespace part of \`repository\` (which then holds the repository slug only), and that path segment of \`uri\` (written \`-\`) |
| \`repository\` | \`repository\`, and the repository's path segment of \`uri\` (written \`-\`) |

An export can also be limited to selected repositories of the organisation (client logs; audit logs
always cover the whole organisation).`);

  sections.push(ipHandlingSection());

  sections.push(`## Client log fields

${fieldTable('client')}`);

  sections.push(`## Audit log fields

${fieldTable('audit')}`);

  sections.push(`## Querying the files

Each export's folder is a table: one \`dt=YYYY-MM-DD\` folder a day (and \`hour=HH\` inside it for
hourly exports), Hive-style, so query engines read the day from the path. Manifests sit beside
the data files and start with \`_\`: Athena, Glue and Spark skip such files, and the globs below
match data files only.

**Athena / Glue.** \`GET /api/exports/:id/table-ddl\` (or the export page, or the hand-over page)
gives the export's \`CREATE EXTERNAL TABLE\` statement: its columns and types after exclusions,
the SerDe that reads its format (OpenCSVSerde with the header skipped for CSV, the OpenX JSON SerDe
for JSON Stream, a RegexSerDe for JSON Stream + Timestamp and Apache lines), its \`LOCATION\`, and
partition projection on \`dt\` (and \`hour\`), so no crawler or \`MSCK REPAIR TABLE\` is needed.
Run it once, then:

\`\`\`sql
SELECT country, count(*) AS downloads
FROM acmecorp_client_logs_exp_4d6iket7g6v2gcxa
WHERE dt = '2026-11-25'
GROUP BY country ORDER BY downloads DESC;
\`\`\`

Timestamps are RFC 3339 text: \`from_iso8601_timestamp(datetime)\` makes them timestamps. For typed
columns choose JSON Stream (\`json\`): JSON Stream + Timestamp lines are not JSON, so their table has
the timestamp and the JSON text as two columns (\`json_extract_scalar(record, '$.status')\`).

For Parquet exports the statement is \`STORED AS PARQUET\` with typed columns (\`timestamp\`,
\`bigint\`, \`double\`, \`string\`): no SerDe and no timestamp parsing.

**DuckDB**, straight from the bucket (\`INSTALL httpfs; LOAD httpfs;\` and your AWS credentials) or
from a downloaded copy with the same layout:

\`\`\`sql
-- one day of a CSV export
SELECT count(*) FROM read_csv('s3://acmecorp-logs/cloudsmith-logs/client-logs/dt=2026-11-25/*.csv.gz');
-- every day of a JSON Stream export, the day read from the folder name
SELECT dt, count(*) FROM read_json('s3://acmecorp-logs/cloudsmith-logs/client-logs/*/*.jsonl.gz',
  hive_partitioning = true) GROUP BY dt ORDER BY dt;
-- one day of a Parquet export, typed: no parsing
SELECT date_trunc('hour', recorded) AS hour, sum(bytes) AS bytes
FROM read_parquet('s3://acmecorp-logs/cloudsmith-logs/client-logs/dt=2026-11-25/*.parquet')
GROUP BY hour ORDER BY hour;
\`\`\``);

  sections.push(`## The manifest

\`\`\`json
{
  "manifestVersion": 3,
  "schemaVersion": 1,
  "exportId": "exp_…",
  "organization": "acmecorp",
  "logType": "client",
  "format": "json-ts",
  "compression": "gzip",
  "cadence": "daily",
  "window": { "start": "2026-11-25T00:00:00Z", "end": "2026-11-26T00:00:00Z" },
  "revision": 1,
  "objects": [
    { "key": "…/dt=2026-11-25/client_exp_…_2026-11-25_part00001.log.gz", "records": 12000, "bytes": 1680833, "sha256": "66380d…" }
  ],
  "totals": { "objects": 1, "records": 12000, "bytes": 1680833 },
  "previousManifest": null,
  "previousRevisions": [],
  "signature": { "algorithm": "Ed25519", "keyId": "5d1e0c7a9b3f2e61", "value": "base64…" }
}
\`\`\`

To check a window: the manifest exists; each listed object exists with that size and SHA-256; the
record counts add up to \`totals.records\`. [manifests.md](manifests.md) explains the chain, the
signature and \`verify\`.

## Late records and corrections

A record that reaches us after its window was delivered (a *late record*) is delivered later as a
**correction object**: a new data file of the same window, with the next part number, holding only
the records stored since the last delivery. The window's manifest is then written again with the
next \`revision\`, listing every object (the earlier ones unchanged, then the new). Files already
delivered are never rewritten, and every record is in exactly one file.

How to consume: a file-by-file consumer (SIEM, log pipeline) takes each new file as it appears; a
table-style consumer treats a window as complete when its manifest exists and loads what the
latest revision lists, adding the new objects when the revision grows.`);

  return sections.join('\n\n') + '\n';
}
