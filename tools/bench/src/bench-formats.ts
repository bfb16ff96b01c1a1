// Encoding throughput of each format, side by side with the bare loop that is its ceiling: a plain
// JSON.stringify (JSON formats), a plain join of the columns (CSV), a plain template (Apache), none
// of them escaping anything. Same records, same 64 KiB chunking into Buffers, alternating rounds;
// medians reported. Gzip throughput is shown for context (it dominates real exports).
import { createGzip } from 'node:zlib';
import { CLIENT_LOG_CSV_FIELDS, type ClientLogRecord, type Format, type LineFormat } from '@log-exporter/schemas';
import { apacheTime, encodeRecords, inBatches, type LogRecord } from '@log-exporter/formats';
import { generateClientLogs } from '@log-exporter/testing';
import { median, peakRssMb, timeMs } from './measure';

const CHUNK_CHARS = 64 * 1024;
const FORMATS: LineFormat[] = ['csv', 'json', 'json-ts', 'apache'];

export interface FormatFigures {
  recordsPerSec: number;
  ceilingRecordsPerSec: number;
  ratio: number;
  gzipRecordsPerSec: number;
}

export interface FormatsBenchResult {
  records: number;
  rounds: number;
  peakRssMb: number;
  formats: Record<string, FormatFigures>;
}

type Bare = (r: ClientLogRecord) => string;

const CEILINGS: Record<LineFormat, Bare> = {
  csv: (r) => CLIENT_LOG_CSV_FIELDS.map((f) => r[f] ?? '').join(','),
  json: (r) => JSON.stringify(r),
  'json-ts': (r) => `${r.datetime} ${JSON.stringify(r)}`,
  apache: (r) =>
    `${r.ip_address ?? '-'} - ${r.user_name ?? r.user ?? '-'} ${apacheTime(r.datetime)} "${r.method} ${r.uri} ${r.protocol ?? '-'}" ` +
    `${r.status} ${r.bytes} "${r.referer ?? '-'}" "${r.user_agent ?? '-'}"`,
};

function bareLoop(records: readonly ClientLogRecord[], line: Bare): number {
  let bytes = 0;
  let pending = '';
  for (const record of records) {
    pending += line(record) + '\n';
    if (pending.length >= CHUNK_CHARS) {
      bytes += Buffer.from(pending, 'utf8').length;
      pending = '';
    }
  }
  return bytes + Buffer.from(pending, 'utf8').length;
}

async function ours(batches: readonly (readonly LogRecord[])[], format: Format): Promise<number> {
  let bytes = 0;
  for await (const chunk of encodeRecords(batches, { logType: 'client', format, exclude: [] })) bytes += chunk.length;
  return bytes;
}

async function oursGzipped(batches: readonly (readonly LogRecord[])[], format: Format): Promise<number> {
  const gzip = createGzip({ level: 6 });
  let compressed = 0;
  gzip.on('data', (chunk: Buffer) => (compressed += chunk.length));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  for await (const chunk of encodeRecords(batches, { logType: 'client', format, exclude: [] })) {
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return compressed;
}

export async function benchFormats(options: {
  records: number;
  rounds?: number;
  print?: (line: string) => void;
}): Promise<FormatsBenchResult> {
  const rounds = options.rounds ?? 5;
  const print = options.print ?? (() => undefined);
  const window = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };
  const records = [...generateClientLogs({ seed: 42, organization: 'acmecorp', window, count: options.records })];
  // Database pages of 2,000, as the store yields them.
  const batches = [...inBatches(records, 2_000)];
  print(`${options.records.toLocaleString('en-US')} client records generated; RSS so far ${peakRssMb()} MB`);

  const formats: Record<string, FormatFigures> = {};
  for (const format of FORMATS) {
    const oursMs: number[] = [];
    const ceilingMs: number[] = [];
    const gzipMs: number[] = [];
    await ours(batches, format); // warm up the JIT on both paths
    bareLoop(records, CEILINGS[format]);
    for (let round = 0; round < rounds; round++) {
      oursMs.push(await timeMs(() => ours(batches, format)));
      ceilingMs.push(await timeMs(() => bareLoop(records, CEILINGS[format])));
    }
    for (let round = 0; round < Math.min(rounds, 3); round++)
      gzipMs.push(await timeMs(() => oursGzipped(batches, format)));
    const recordsPerSec = options.records / (median(oursMs) / 1000);
    const ceilingRecordsPerSec = options.records / (median(ceilingMs) / 1000);
    formats[format] = {
      recordsPerSec: Math.round(recordsPerSec),
      ceilingRecordsPerSec: Math.round(ceilingRecordsPerSec),
      ratio: Math.round((recordsPerSec / ceilingRecordsPerSec) * 1000) / 1000,
      gzipRecordsPerSec: Math.round(options.records / (median(gzipMs) / 1000)),
    };
  }
  return { records: options.records, rounds, peakRssMb: peakRssMb(), formats };
}

export function formatsTable(result: FormatsBenchResult): string[] {
  const rows = [
    `records: ${result.records.toLocaleString('en-US')}, rounds: ${result.rounds} (medians), peak RSS: ${result.peakRssMb} MB`,
    '| format | ours (records/s) | bare loop ceiling (records/s) | ours / ceiling | ours + gzip (records/s) |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const [format, f] of Object.entries(result.formats)) {
    rows.push(
      `| ${format} | ${f.recordsPerSec.toLocaleString('en-US')} | ${f.ceilingRecordsPerSec.toLocaleString('en-US')} | ${(f.ratio * 100).toFixed(1)}% | ${f.gzipRecordsPerSec.toLocaleString('en-US')} |`,
    );
  }
  return rows;
}
