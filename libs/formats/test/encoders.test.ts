import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { CLIENT_LOG_CSV_FIELDS, type ClientLogRecord } from '@log-exporter/schemas';
import { SEED_EXAMPLE_CLIENT_RECORD, generateClientLogs } from '@log-exporter/testing';
import {
  apacheTime,
  ENCODED_CHUNK_CHARS,
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

  it('compresses with zstd to what decompresses to the plain encoding, byte-identical on every run', async () => {
    const plain = await encodeAll(records, options);
    const a = await streamToBuffer(encodeToStream(inBatches(records), { ...options, compression: 'zstd' }));
    const b = await streamToBuffer(encodeToStream(inBatches(records), { ...options, compression: 'zstd' }));
    expect(zstdDecompressSync(a).toString('utf8')).toBe(plain);
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeLessThan(plain.length / 3);
    // A zstd frame with a content checksum (frame header descriptor bit 2): damage fails to decompress.
    expect(a.readUInt32LE(0)).toBe(0xfd2fb528);
    expect(a[4]! & 0x04).toBe(0x04);
  });

  it('gives byte-identical gzip output for the same input', async () => {
    const a = await streamToBuffer(encodeToStream(inBatches(records), { ...options, compression: 'gzip' }));
    const b = await streamToBuffer(encodeToStream(inBatches(records), { ...options, compression: 'gzip' }));
    expect(a.equals(b)).toBe(true);
  });

  it('keeps every byte at chunk edges: multi-byte characters, and lines longer than a chunk', async () => {
    const { line } = createRecordEncoder(options);
    const hostile = records.slice(0, 1_200).map((r, i) => ({
      ...r,
      // astral and 2/3-byte characters so lines straddle chunk edges at every kind of character
      user_agent:
        i % 97 === 0
          ? '😀é€'.repeat(Math.ceil(ENCODED_CHUNK_CHARS / 8) + i)
          : `${r.user_agent} 😀é€${'x'.repeat(i % 13)}`,
    }));
    const expected = hostile.map((r) => line(r) + '\n').join('');
    const chunks: Buffer[] = [];
    for await (const chunk of encodeRecords(inBatches(hostile, 50), options)) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    // every chunk ends at a line end, so no character is ever split between two chunks
    for (const chunk of chunks) expect(chunk[chunk.length - 1]).toBe(0x0a);
    expect(chunks.length).toBeGreaterThan(10);
  });

  it('counts records and emits chunks of bounded size', async () => {
    const stats = { records: 0 };
    let largest = 0;
    for await (const chunk of encodeRecords(inBatches(records), options, stats))
      largest = Math.max(largest, chunk.length);
    expect(stats.records).toBe(3_000);
    // A chunk closes at the first line that takes it past the threshold: one record more at most.
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(ENCODED_CHUNK_CHARS + 16 * 1024);
  });

  it('gzip: encoding stops while the consumer does not read, and a destroyed stream closes the source', async () => {
    let produced = 0;
    let closed = false;
    async function* pages() {
      try {
        for (let page = 0; page < 400; page++) {
          const batch = [...generateClientLogs({ seed: page, organization: 'acme', window: WINDOW, count: 500 })];
          produced += batch.length;
          yield batch;
        }
      } finally {
        closed = true;
      }
    }
    const stream = encodeToStream(pages(), { ...options, compression: 'gzip' });
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.pause();
    expect(first.length).toBeGreaterThan(0);
    // Wait until encoding comes to rest (the pooled chunks and stage buffers are full).
    let last = -1;
    for (let i = 0; i < 40 && produced !== last; i++) {
      last = produced;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(produced).toBe(last);
    // what is held is bounded: nowhere near the 200,000 records on offer
    expect(produced).toBeLessThan(40_000);
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(40_000);
    // The wait above may take up to 12 s on a busy machine (it polls until encoding comes to rest).
  }, 30_000);

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
    // One chunk needs ~2 MiB of lines (~4,000 records): nowhere near the 100,000 available.
    expect(produced).toBeLessThan(10_000);
    await iterator.return?.(undefined);
  });
});
