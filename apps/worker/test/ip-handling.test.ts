// IP handling through the real export path (Temporal, moto, SQLite): exports with `truncate` and
// with `hash` in every format, read back by parsing the objects in the bucket (Parquet by DuckDB). Truncation is
// checked with Node's BlockList (its own address parser); pseudonyms with an HMAC computed here
// from the export's key, and across two exports of the same records. One database is enough:
// the rewrite happens in the worker, after either database has returned the records (the store
// tests cover the key on both).
import { createHmac } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import { runExportWindow } from '@log-exporter/client';
import { type MotoServer, readObject, readParquetBytesWithDuckdb } from '@log-exporter/local-stack';
import type { Destination, ExportWindow, Format, IpHandling, LogType } from '@log-exporter/schemas';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  type TestStore,
  type TestWorker,
  createExport,
  onboardCustomer,
  openTestStore,
  startMoto,
  startTestWorker,
} from './harness';

const WINDOW: ExportWindow = { start: '2026-11-18T00:00:00Z', end: '2026-11-19T00:00:00Z' };
const BUCKET = 'acme-ip-handling';
const IP_FIELD: Record<LogType, string> = { client: 'ip_address', audit: 'actor_ip_address' };

/** The IP field of each record, in order, read with the format's own reader (DuckDB for Parquet). */
function ipValues(format: Format, logType: LogType, bytes: Buffer): (string | null)[] {
  const field = IP_FIELD[logType];
  const text = bytes.toString('utf8');
  const lines = text.trimEnd().split('\n');
  switch (format) {
    case 'parquet':
      return readParquetBytesWithDuckdb(bytes).rows.map((row) => (row[field] as string | null) ?? null);
    case 'csv':
      return (parseCsv(text, { columns: true }) as Record<string, string>[]).map((row) => row[field] || null);
    case 'json':
      return lines.map((line) => (JSON.parse(line) as Record<string, string | null>)[field] ?? null);
    case 'json-ts':
      return lines.map(
        (line) => (JSON.parse(line.slice(line.indexOf(' ') + 1)) as Record<string, string | null>)[field] ?? null,
      );
    case 'apache':
      return lines.map((line) => line.slice(0, line.indexOf(' ')));
  }
}

function inNetwork(address: string, network: string): boolean {
  const list = new BlockList();
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  list.addSubnet(network, family === 'ipv4' ? 24 : 48, family);
  return list.check(address, family);
}

describe('IP handling in every format', () => {
  let moto: MotoServer;
  let db: TestStore;
  let worker: TestWorker;
  let destination: Destination;
  let s3: S3Client;
  const stored: Record<LogType, (string | null)[]> = { client: [], audit: [] };

  beforeAll(async () => {
    moto = await startMoto();
    db = await openTestStore('sqlite');
    worker = await startTestWorker({ store: db.store, moto });
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 41, organization: 'acme', window: WINDOW, count: 400 }),
    ]);
    await db.store.logs.insertAuditLogs([
      ...generateAuditLogs({ seed: 42, organization: 'acme', window: WINDOW, count: 200 }),
    ]);
    const scope = (logType: LogType) => ({ logType, organization: 'acme', repositories: null, window: WINDOW });
    for await (const page of db.store.logs.clientLogPages(scope('client'), { after: null, until: null }))
      stored.client.push(...page.map((r) => r.ip_address));
    for await (const page of db.store.logs.auditLogPages(scope('audit'), { after: null, until: null }))
      stored.audit.push(...page.map((r) => r.actor_ip_address));
    ({
      destination,
      account: { s3 },
    } = await onboardCustomer(db.store, moto, { organization: 'acme', bucket: BUCKET }));
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await moto?.stop();
  });

  /** Runs one export of the window and returns its IP values as written, and its id. */
  async function exportIps(logType: LogType, format: Format, ipHandling: IpHandling, folder: string) {
    const config = await createExport(db.store, destination, {
      logType,
      format,
      folder,
      compression: 'none',
      ipHandling,
    });
    const result = await runExportWindow(worker.client, {
      exportId: config.id,
      windowStart: WINDOW.start,
      taskQueue: worker.taskQueue,
    });
    expect(result.objects).toHaveLength(1);
    const bytes = await readObject(s3, BUCKET, result.objects[0]!.key);
    return { id: config.id, ips: ipValues(format, logType, bytes) };
  }

  const cases: [LogType, Format][] = [
    ['client', 'csv'],
    ['client', 'json'],
    ['client', 'json-ts'],
    ['client', 'apache'],
    ['audit', 'csv'],
    ['audit', 'json'],
    ['audit', 'json-ts'],
    ['client', 'parquet'],
    ['audit', 'parquet'],
  ];

  it.each(cases)('%s logs as %s: truncate keeps the /24 or /48 network and nothing more', async (logType, format) => {
    const { ips } = await exportIps(logType, format, 'truncate', `${logType}-${format}-truncate`);
    const original = stored[logType];
    expect(ips).toHaveLength(original.length);
    expect(original.some((ip) => ip && !isIPv4(ip)) || logType === 'audit').toBe(true);
    ips.forEach((network, i) => {
      const address = original[i] as string;
      expect(network).not.toBe(address);
      if (isIPv4(address)) expect(network).toBe(`${address.split('.').slice(0, 3).join('.')}.0`);
      else expect(network).toMatch(/^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){0,2}::$/);
      expect(inNetwork(address, network as string)).toBe(true);
    });
  });

  it.each(cases)(
    '%s logs as %s: hash writes one stable pseudonym per address, another in a second export',
    async (logType, format) => {
      const first = await exportIps(logType, format, 'hash', `${logType}-${format}-hash-1`);
      const second = await exportIps(logType, format, 'hash', `${logType}-${format}-hash-2`);
      const original = stored[logType];
      const key = (await db.store.exports.ipHashKey(first.id)) as Buffer;
      const byAddress = new Map<string, string>();
      first.ips.forEach((pseudonym, i) => {
        const address = original[i] as string;
        expect(pseudonym).toMatch(/^[0-9a-f]{32}$/);
        // Within one export: one address, one pseudonym, and no two addresses share one.
        expect(byAddress.get(address) ?? pseudonym).toBe(pseudonym);
        byAddress.set(address, pseudonym as string);
        // Across exports: the same address under another key is another pseudonym.
        expect(second.ips[i]).not.toBe(pseudonym);
        // IPv4 addresses are their own canonical form: the HMAC can be recomputed here.
        if (isIPv4(address))
          expect(pseudonym).toBe(createHmac('sha256', key).update(address).digest('hex').slice(0, 32));
      });
      expect(new Set(byAddress.values()).size).toBe(byAddress.size);
    },
  );

  it('writes the hashed pseudonyms again on a re-run, byte for byte the same', async () => {
    const config = await createExport(db.store, destination, {
      logType: 'client',
      format: 'json',
      folder: 'rerun-hash',
      compression: 'none',
      ipHandling: 'hash',
    });
    const run = async () => {
      const result = await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
        rerun: true,
      });
      return readObject(s3, BUCKET, result.objects[0]!.key);
    };
    const once = await run();
    expect((await run()).equals(once)).toBe(true);
  });
});
