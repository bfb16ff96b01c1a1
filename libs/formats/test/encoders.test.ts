import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { CLIENT_LOG_CSV_FIELDS, type ClientLogRecord } from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD, generateClientLogs } from '@log-exporter/testing';
import {
  apacheTime,
  createRecordEncoder,
  csvField,
  encodeRecords,
  encodeToStream,
  inBatches,
  redactUriSegments,
} from '../src';

const SEED_HEADER =
  'datetime,repository,status,method,uri,host,ip_address,bytes,city,country,edge,eula,format,package,recorded,referer,request_id,token,user,user_agent';
const SEED_LINE =
  '2021-04-01T19:40:55+00:00,cloudsmith/testing-private,200,GET,/rpm/fedora/29/x86_64/cloudsmith-redhat-example-1.0.16173057145-1.x86_64.rpm,dl.cloudsmith.io,82.1.4.8,10421,Newmarket,GB,LHR61-C2,,RedHat,vmN1OlMDi3Iy,2021-04-01T19:46:23.817658+00:00,,dZ3DmJ8yHU36FyH9uHoyWH4LocmlkzdKXSEuOBmnvLhA4ZF7exa5Qw==,wKSkBFHpsNWB,eP1B3YCtTlJX,libdnf';

async function encodeAll(records: ClientLogRecord[], options: Parameters<typeof encodeRecords>[1]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of encodeRecords(inBatches(records), options)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };

describe('csv', () => {
  it('writes the seed header and example line exactly', async () => {
    const text = await encodeAll([SEED_EXAMPLE_CLIENT_RECORD], { logType: 'client', format: 'csv', exclude: [] });
    expect(text).toBe(`${SEED_HEADER}\n${SEED_LINE}\n`);
  });

  it('quotes commas, quotes, CR and LF per RFC 4180 and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField('=SUM(A1)')).toBe('=SUM(A1)');
  });

  it('round-trips hostile values through csv-parse', async () => {
    const hostile: ClientLogRecord = {
      ...SEED_EXAMPLE_CLIENT_RECORD,
      user_agent: 'Mozilla/5.0 "quoted", with\ncomma and newline\r\n and ünïcödé 🚀',
      referer: '',
      city: 'São Paulo, "SP"',
    };
    const text = await encodeAll([hostile], { logType: 'client', format: 'csv', exclude: [] });
    const [row] = parseCsv(text, { columns: true }) as Record<string, string>[];
    expect(row!.user_agent).toBe(hostile.user_agent);
    expect(row!.city).toBe(hostile.city);
    expect(Object.keys(row!)).toEqual([...CLIENT_LOG_CSV_FIELDS]);
  });

  it('drops excluded columns from header and rows', async () => {
    const text = await encodeAll([SEED_EXAMPLE_CLIENT_RECORD], {
      logType: 'client',
      format: 'csv',
      exclude: ['ip', 'geo', 'eula'],
    });
    const [header, line] = text.split('\n');
    expect(header).toBe(
      'datetime,repository,status,method,uri,host,bytes,edge,format,package,recorded,referer,request_id,token,user,user_agent',
    );
    expect(line).not.toContain('82.1.4.8');
    expect(line).not.toContain('Newmarket');
  });
});

describe('json and json-ts', () => {
  it('writes one JSON object per line with every field, null when empty', async () => {
    const text = await encodeAll([SEED_EXAMPLE_CLIENT_RECORD], { logType: 'client', format: 'json', exclude: [] });
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(SEED_EXAMPLE_CLIENT_RECORD);
  });

  it('prefixes each line with the event time for json-ts', async () => {
    const text = await encodeAll([SEED_EXAMPLE_CLIENT_RECORD], { logType: 'client', format: 'json-ts', exclude: [] });
    expect(text.startsWith('2021-04-01T19:40:55+00:00 {"datetime":"2021-04-01T19:40:55+00:00",')).toBe(true);
    expect(JSON.parse(text.slice(text.indexOf(' ') + 1))).toEqual(SEED_EXAMPLE_CLIENT_RECORD);
  });

  it('leaves excluded keys out entirely', async () => {
    const text = await encodeAll([SEED_EXAMPLE_CLIENT_RECORD], {
      logType: 'client',
      format: 'json',
      exclude: ['ip', 'geo', 'eula'],
    });
    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['ip_address', 'city', 'country', 'continent', 'eula', 'eula_number'])
      expect(parsed).not.toHaveProperty(key);
    expect(parsed).toHaveProperty('edge', 'LHR61-C2');
  });
});

describe('namespace and repository groups', () => {
  const record = {
    ...SEED_EXAMPLE_CLIENT_RECORD,
    uri: '/public/cloudsmith/testing-private/rpm/x.rpm?token=cloudsmith',
  };

  it('keeps only the repository slug when the namespace is excluded, and masks it in the uri path', () => {
    const encoder = createRecordEncoder({ logType: 'client', format: 'json', exclude: ['namespace'] });
    const parsed = JSON.parse(encoder.line(record)) as Record<string, unknown>;
    expect(parsed.repository).toBe('testing-private');
    expect(parsed.uri).toBe('/public/-/testing-private/rpm/x.rpm?token=cloudsmith');
  });

  it('drops repository and masks its uri segment when the repository is excluded', () => {
    const encoder = createRecordEncoder({ logType: 'client', format: 'json', exclude: ['repository'] });
    const parsed = JSON.parse(encoder.line(record)) as Record<string, unknown>;
    expect(parsed).not.toHaveProperty('repository');
    expect(parsed.uri).toBe('/public/cloudsmith/-/rpm/x.rpm?token=cloudsmith');
    expect(redactUriSegments('/a/b', 'a', 'b')).toBe('/-/-');
  });
});

describe('apache', () => {
  it('writes combined log format lines', () => {
    const encoder = createRecordEncoder({ logType: 'client', format: 'apache', exclude: [] });
    expect(encoder.line(SEED_EXAMPLE_CLIENT_RECORD)).toBe(
      '82.1.4.8 - example-user [01/Apr/2021:19:40:55 +0000] "GET /rpm/fedora/29/x86_64/cloudsmith-redhat-example-1.0.16173057145-1.x86_64.rpm HTTP/1.1" 200 10421 "-" "libdnf"',
    );
    expect(apacheTime('2026-12-31T23:59:59+00:00')).toBe('[31/Dec/2026:23:59:59 +0000]');
  });

  it('is refused for audit logs', () => {
    expect(() => createRecordEncoder({ logType: 'audit', format: 'apache', exclude: [] })).toThrow(
      'format "apache" cannot encode audit logs',
    );
  });
});

describe('streams and compression', () => {
  const records = [...generateClientLogs({ seed: 5, organization: 'acme', window: WINDOW, count: 3_000 })];
  const options = { logType: 'client' as const, format: 'json-ts' as const, exclude: [] };

  it('gzips to bytes that decompress to the plain encoding', async () => {
    const plain = await encodeAll(records, options);
    const gz = await streamToBuffer(encodeToStream(inBatches(records), { ...options, compression: 'gzip' }));
    expect(gunzipSync(gz).toString('utf8')).toBe(plain);
    expect(gz.length).toBeLessThan(plain.length / 3);
  });

  it('gives byte-identical gzip output for the same input', async () => {
    const a = await streamToBuffer(encodeToStream(inBatches(records), { ...options, compression: 'gzip' }));
    const b = await streamToBuffer(encodeToStream(inBatches(records), { ...options, compression: 'gzip' }));
    expect(a.equals(b)).toBe(true);
  });

  it('counts records and emits chunks of bounded size', async () => {
    const stats = { records: 0 };
    let largest = 0;
    for await (const chunk of encodeRecords(inBatches(records), options, stats))
      largest = Math.max(largest, chunk.length);
    expect(stats.records).toBe(3_000);
    expect(largest).toBeLessThan(64 * 1024 + 16 * 1024);
  });

  it('pulls records only as the consumer reads (backpressure)', async () => {
    let produced = 0;
    function* counting() {
      for (const r of generateClientLogs({ seed: 6, organization: 'acme', window: WINDOW, count: 100_000 })) {
        produced++;
        yield r;
      }
    }
    const iterator = encodeRecords(inBatches(counting(), 10), options)[Symbol.asyncIterator]();
    await iterator.next();
    // One chunk needs ~64 KiB of lines (~100 records): nowhere near the 100,000 available.
    expect(produced).toBeLessThan(1_000);
    await iterator.return?.(undefined);
  });
});
