// Every log type and format through the real export path (Temporal, moto, SQLite), read back with
// an independent parser and compared with what the store holds.
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { parse as parseCsv } from 'csv-parse/sync';
import { runExportWindow } from '@log-exporter/client';
import { type MotoServer, readObject } from '@log-exporter/local-stack';
import { AUDIT_LOG_FIELDS, type AuditLogRecord, type ClientLogRecord, type ExportWindow } from '@log-exporter/schemas';
import { generateAuditLogs, generateClientLogs } from '@log-exporter/testing';
import {
  type TestStore,
  type TestWorker,
  createExport,
  onboardCustomer,
  openTestStore,
  startMoto,
  startTestWorker,
} from './harness';
import { TEST_DATABASE_KINDS, VENV_PYTHON } from '@log-exporter/local-stack';

const WINDOW: ExportWindow = { start: '2026-11-16T00:00:00Z', end: '2026-11-17T00:00:00Z' };

describe.each(TEST_DATABASE_KINDS)('on %s', (kind) => {
  let moto: MotoServer;
  let db: TestStore;
  let worker: TestWorker;

  beforeAll(async () => {
    moto = await startMoto();
    db = await openTestStore(kind);
    worker = await startTestWorker({ store: db.store, moto });
    await db.store.logs.insertAuditLogs([
      ...generateAuditLogs({ seed: 21, organization: 'acme', window: WINDOW, count: 1_500 }),
    ]);
    await db.store.logs.insertAuditLogs([
      ...generateAuditLogs({ seed: 22, organization: 'globex', window: WINDOW, count: 200 }),
    ]);
    await db.store.logs.insertClientLogs([
      ...generateClientLogs({ seed: 23, organization: 'acme', window: WINDOW, count: 1_500 }),
    ]);
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await moto?.stop();
  });

  async function storedAudit(): Promise<AuditLogRecord[]> {
    const records: AuditLogRecord[] = [];
    const scope = { logType: 'audit' as const, organization: 'acme', repositories: null, window: WINDOW };
    for await (const page of db.store.logs.auditLogPages(scope, { after: null, until: null })) records.push(...page);
    return records;
  }

  async function storedClient(): Promise<ClientLogRecord[]> {
    const records: ClientLogRecord[] = [];
    const scope = { logType: 'client' as const, organization: 'acme', repositories: null, window: WINDOW };
    for await (const page of db.store.logs.clientLogPages(scope, { after: null, until: null })) records.push(...page);
    return records;
  }

  describe('audit logs', () => {
    it('export as gzip CSV with the 16 audit columns, only the organisation’s own events', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-audit-csv',
      });
      const config = await createExport(db.store, destination, {
        logType: 'audit',
        format: 'csv',
        folder: 'audit-logs',
      });

      const result = await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
      });

      expect(result.objects[0]!.key).toBe(
        `cloudsmith-logs/audit-logs/dt=2026-11-16/audit_${config.id}_2026-11-16_part00001.csv.gz`,
      );
      const text = gunzipSync(await readObject(account.s3, 'acme-audit-csv', result.objects[0]!.key)).toString('utf8');
      expect(text.slice(0, text.indexOf('\n'))).toBe(AUDIT_LOG_FIELDS.join(','));
      const rows = parseCsv(text, {
        columns: true,
        cast: (value, context) => (context.header || context.quoting || value !== '' ? value : null),
      }) as Record<string, string | null>[];
      expect(rows).toEqual(await storedAudit());
      expect(rows).toHaveLength(1_500);
    });

    it('export as JSON Stream + Timestamp, prefixed by event_at, without the geo and ip fields when excluded', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-audit-json',
      });
      const config = await createExport(db.store, destination, {
        logType: 'audit',
        format: 'json-ts',
        folder: 'audit',
        compression: 'none',
        exclude: ['geo', 'ip'],
      });

      const result = await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
      });

      const lines = (await readObject(account.s3, 'acme-audit-json', result.objects[0]!.key))
        .toString('utf8')
        .trimEnd()
        .split('\n');
      const stored = await storedAudit();
      expect(lines).toHaveLength(stored.length);
      lines.forEach((line, i) => {
        const space = line.indexOf(' ');
        const { actor_location: _location, actor_ip_address: _ip, ...expected } = stored[i]!;
        expect(line.slice(0, space)).toBe(stored[i]!.event_at);
        expect(JSON.parse(line.slice(space + 1))).toEqual(expected);
      });
    });
  });

  describe('zstd', () => {
    it('writes .zst objects (application/zstd) that an independent reader decompresses to the uncompressed export', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-zstd',
      });
      const exportAs = async (compression: 'zstd' | 'none', folder: string) => {
        const config = await createExport(db.store, destination, {
          logType: 'client',
          format: 'csv',
          folder,
          compression,
        });
        return runExportWindow(worker.client, {
          exportId: config.id,
          windowStart: WINDOW.start,
          taskQueue: worker.taskQueue,
        });
      };
      const zstd = await exportAs('zstd', 'zstd');
      const plain = await exportAs('none', 'plain');
      const key = zstd.objects[0]!.key;
      expect(key.endsWith('_part00001.csv.zst')).toBe(true);
      const head = await account.s3.send(new HeadObjectCommand({ Bucket: 'acme-zstd', Key: key }));
      expect(head.ContentType).toBe('application/zstd');
      const compressed = await readObject(account.s3, 'acme-zstd', key);
      // Python's zstandard (installed by the local stack's venv): not the library that compressed it.
      const decompressed = execFileSync(
        VENV_PYTHON,
        [
          '-c',
          'import sys, zstandard; sys.stdout.buffer.write(zstandard.ZstdDecompressor().stream_reader(sys.stdin.buffer).read())',
        ],
        { input: compressed, maxBuffer: 64 * 1024 * 1024 },
      );
      const expected = await readObject(account.s3, 'acme-zstd', plain.objects[0]!.key);
      expect(decompressed.equals(expected)).toBe(true);
      expect(compressed.length).toBeLessThan(expected.length / 3);
      expect(parseCsv(decompressed.toString('utf8'), { columns: true })).toHaveLength((await storedClient()).length);
    });
  });

  describe('Apache lines', () => {
    it('export client logs in combined log format, one line per record, IPs left out when excluded', async () => {
      const { destination, account } = await onboardCustomer(db.store, moto, {
        organization: 'acme',
        bucket: 'acme-apache',
      });
      const config = await createExport(db.store, destination, {
        logType: 'client',
        format: 'apache',
        folder: 'cdn',
        exclude: ['ip'],
      });

      const result = await runExportWindow(worker.client, {
        exportId: config.id,
        windowStart: WINDOW.start,
        taskQueue: worker.taskQueue,
      });

      expect(result.objects[0]!.key.endsWith('_part00001.log.gz')).toBe(true);
      const lines = gunzipSync(await readObject(account.s3, 'acme-apache', result.objects[0]!.key))
        .toString('utf8')
        .trimEnd()
        .split('\n');
      const stored = await storedClient();
      expect(lines).toHaveLength(stored.length);
      const combined =
        /^- - (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\d+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/;
      lines.forEach((line, i) => {
        const m = combined.exec(line);
        expect(m).not.toBeNull();
        const record = stored[i]!;
        expect(m![3]).toBe(record.method);
        expect(m![4]).toBe(record.uri);
        expect(Number(m![6])).toBe(record.status);
        expect(Number(m![7])).toBe(record.bytes);
        expect(line).not.toContain(record.ip_address!);
      });
    });
  });
});
