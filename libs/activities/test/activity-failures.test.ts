// How activity errors reach Temporal: our own failures keep their type and retryability; a lost or
// busy database becomes a retryable DatabaseUnavailable (real errors from the drivers here).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freePort } from '@log-exporter/local-stack';
import { ExportFailure, PermanentErrorType } from '@log-exporter/schemas';
import { toActivityFailure } from '../src';

function caught(body: () => unknown): unknown {
  try {
    body();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('activity failures', () => {
  it('turns a busy SQLite database into a retryable DatabaseUnavailable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'failures-'));
    const holder = new Database(join(dir, 'x.db'));
    const other = new Database(join(dir, 'x.db'));
    try {
      holder.exec('CREATE TABLE t (x); BEGIN EXCLUSIVE');
      other.pragma('busy_timeout = 0');
      const err = caught(() => other.exec('INSERT INTO t VALUES (1)'));
      expect((err as { code: string }).code).toBe('SQLITE_BUSY');
      const failure = toActivityFailure(err) as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'DatabaseUnavailable', nonRetryable: false });
      expect(failure.message).toMatch(/^the database is unavailable \(database is locked\): retried$/);
    } finally {
      holder.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns a refused PostgreSQL connection into a retryable DatabaseUnavailable', async () => {
    const client = new pg.Client({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none` });
    const err = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toActivityFailure(err)).toMatchObject({ type: 'DatabaseUnavailable', nonRetryable: false });
  });

  it('keeps our own failures as they are, and leaves other errors to the retry policy', () => {
    expect(
      toActivityFailure(ExportFailure.permanent(PermanentErrorType.WriteDenied, 'no PutObject on the prefix')),
    ).toMatchObject({ type: 'WriteDenied', nonRetryable: true });
    const other = new TypeError('a bug');
    expect(toActivityFailure(other)).toBe(other);
  });
});
