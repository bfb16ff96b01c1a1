// Reads a Parquet file back with DuckDB (Python's, from the project's venv): a reader that is not
// our code, for tests that compare what we wrote with what we meant to write.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VENV_PYTHON } from './paths';

export interface ParquetReadBack {
  /** Column names and DuckDB's types, in file order. */
  columns: { name: string; type: string }[];
  /** Rows in file order; a timestamp is `{ micros }` (microseconds since the epoch, exact). */
  rows: Record<string, unknown>[];
  /** The page codecs used (DuckDB's names: ZSTD, SNAPPY, …). */
  codecs: string[];
  rowGroups: number;
}

const SCRIPT = String.raw`
import datetime, json, sys, duckdb
path = sys.argv[1]
rel = duckdb.sql("select * from read_parquet(?)", params=[path])
epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
def value(v):
    if isinstance(v, datetime.datetime):
        v = v if v.tzinfo else v.replace(tzinfo=datetime.timezone.utc)
        return {"micros": (v - epoch) // datetime.timedelta(microseconds=1)}
    return v
rows = [dict(zip(rel.columns, [value(v) for v in row])) for row in rel.fetchall()]
meta = duckdb.sql("select distinct compression from parquet_metadata(?)", params=[path]).fetchall()
groups = duckdb.sql("select count(distinct row_group_id) from parquet_metadata(?)", params=[path]).fetchall()[0][0]
print(json.dumps({
    "columns": [{"name": n, "type": str(t)} for n, t in zip(rel.columns, rel.types)],
    "rows": rows,
    "codecs": sorted(str(m[0]) for m in meta),
    "rowGroups": groups,
}))
`;

export function readParquetWithDuckdb(path: string): ParquetReadBack {
  const out = execFileSync(VENV_PYTHON, ['-c', SCRIPT, path], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  return JSON.parse(out) as ParquetReadBack;
}

/** The same for a file's bytes (written to a temporary file, removed afterwards). */
export function readParquetBytesWithDuckdb(bytes: Uint8Array): ParquetReadBack {
  const dir = mkdtempSync(join(tmpdir(), 'parquet-read-'));
  try {
    writeFileSync(join(dir, 'file.parquet'), bytes);
    return readParquetWithDuckdb(join(dir, 'file.parquet'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
