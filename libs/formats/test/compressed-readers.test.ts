// Compressed objects are read by tools that share no code with ours: gzip and zstd's own commands,
// Python's gzip and zstandard, Java's GZIPInputStream and DuckDB, each giving back exactly the
// uncompressed export. The body is many chunks long, so compression ran on several threads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VENV_PYTHON } from '@log-exporter/local-stack';
import { generateClientLogs } from '@log-exporter/testing';
import { ENCODED_CHUNK_CHARS, encodeToStream, inBatches } from '../src';

const WINDOW = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const RECORDS = [...generateClientLogs({ seed: 11, organization: 'acme', window: WINDOW, count: 12_000 })];
const OPTIONS = { logType: 'client' as const, format: 'json' as const, exclude: [] };
const JAVA_GUNZIP = join(__dirname, 'readers', 'Gunzip.java');
const MAX_BUFFER = 256 * 1024 * 1024;

async function exported(compression: 'gzip' | 'zstd' | 'none'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of encodeToStream(inBatches(RECORDS), { ...OPTIONS, compression }))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const run = (command: string, args: string[], input?: Buffer): Buffer =>
  execFileSync(command, args, { input, maxBuffer: MAX_BUFFER });

const python = (script: string, input: Buffer): Buffer => run(VENV_PYTHON, ['-c', script], input);

/** DuckDB's row count and byte total of a JSON Stream file, read with the given compression. */
function duckdbTotals(path: string, compression: string): string {
  const script =
    'import sys, duckdb; print(duckdb.sql("select count(*), sum(bytes) from read_json(?, ' +
    "format='newline_delimited', compression=?)\", params=[sys.argv[1], sys.argv[2]]).fetchall())";
  return run(VENV_PYTHON, ['-c', script, path, compression]).toString('utf8').trim();
}

describe('compressed exports read by independent tools', () => {
  let dir: string;
  let plain: Buffer;
  let gzip: Buffer;
  let zstd: Buffer;
  let expectedTotals: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'compressed-readers-'));
    [plain, gzip, zstd] = await Promise.all([exported('none'), exported('gzip'), exported('zstd')]);
    writeFileSync(join(dir, 'part.jsonl'), plain);
    writeFileSync(join(dir, 'part.jsonl.gz'), gzip);
    writeFileSync(join(dir, 'part.jsonl.zst'), zstd);
    expectedTotals = `[(${RECORDS.length}, ${RECORDS.reduce((sum, r) => sum + r.bytes, 0)})]`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('spans many encoded chunks (so several were compressed at once)', () => {
    expect(plain.length).toBeGreaterThan(4 * ENCODED_CHUNK_CHARS);
  });

  describe('gzip', () => {
    it('is one gzip member, within 5% of what gzip -6 makes of the same bytes', () => {
      // One member: Python's zlib stops at the member's end and finds nothing after it.
      const rest = python(
        'import sys, zlib; d = zlib.decompressobj(31); d.decompress(sys.stdin.buffer.read()); ' +
          'sys.stdout.write(f"{int(d.eof)} {len(d.unused_data)}")',
        gzip,
      );
      expect(rest.toString()).toBe('1 0');
      const reference = run('gzip', ['-6', '-c', '-n'], plain);
      expect(gzip.length).toBeLessThanOrEqual(reference.length * 1.05);
    });

    it('passes gzip -t, and zcat gives back the uncompressed export', () => {
      expect(() => run('gzip', ['-t', join(dir, 'part.jsonl.gz')])).not.toThrow();
      expect(run('zcat', [join(dir, 'part.jsonl.gz')]).equals(plain)).toBe(true);
    });

    it("reads back with Python's gzip and Java's GZIPInputStream", () => {
      const viaPython = python(
        'import sys, gzip; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))',
        gzip,
      );
      expect(viaPython.equals(plain)).toBe(true);
      expect(run('java', [JAVA_GUNZIP], gzip).equals(plain)).toBe(true);
    });

    it('reads back with DuckDB: every record, every byte count', () => {
      expect(duckdbTotals(join(dir, 'part.jsonl.gz'), 'gzip')).toBe(expectedTotals);
      expect(duckdbTotals(join(dir, 'part.jsonl'), 'none')).toBe(expectedTotals);
    });
  });

  describe('zstd', () => {
    it('is one zstd frame that zstd -d and Python zstandard read back', () => {
      expect(zstd.readUInt32LE(0)).toBe(0xfd2fb528);
      expect(run('zstd', ['-t', '-q', join(dir, 'part.jsonl.zst')]).length).toBe(0);
      expect(run('zstd', ['-d', '-c', '-q', join(dir, 'part.jsonl.zst')]).equals(plain)).toBe(true);
      // decompress() reads exactly one frame, with its content checksum checked.
      const viaPython = python(
        'import sys, zstandard; sys.stdout.buffer.write(zstandard.ZstdDecompressor().decompress(' +
          'sys.stdin.buffer.read(), max_output_size=1 << 28))',
        zstd,
      );
      expect(viaPython.equals(plain)).toBe(true);
    });

    it('reads back with DuckDB', () => {
      expect(duckdbTotals(join(dir, 'part.jsonl.zst'), 'zstd')).toBe(expectedTotals);
    });
  });
});
