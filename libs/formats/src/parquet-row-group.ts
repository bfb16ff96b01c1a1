// Gathers one Parquet row group's values, column by column, in memory that can be handed to the
// encoding thread without copying (transferred ArrayBuffers).
//
// As JavaScript values a row group would outlive many young-generation collections, be promoted,
// and then wait for a full collection: measured (tools/bench/README.md, "Parquet"), a worker
// gathering 16,384-row groups as strings peaked ~390 MB above idle. So text goes into one UTF-8
// buffer per column with end offsets, required integers and timestamps into typed arrays; only
// nullable numbers (few, and small) stay JavaScript values.
import { rfc3339MicrosParser } from '@log-exporter/schemas';
import type { ParquetColumn } from './parquet-columns';

/** A gathered column as it travels to the encoding thread. */
export type ColumnPayload =
  | { kind: 'text'; bytes: ArrayBuffer; ends: Int32Array; nulls: Uint8Array }
  | { kind: 'int64'; values: BigInt64Array }
  | { kind: 'micros'; values: Float64Array }
  | { kind: 'values'; values: unknown[] };

interface ColumnBuffer {
  push(value: unknown): void;
  /**
   * The values gathered since the last take, and the buffers to transfer; goes on in `spare`
   * (a payload the encoding thread gave back) or, without one, in new buffers.
   */
  take(rows: number, spare?: ColumnPayload): { payload: ColumnPayload; transfer: ArrayBuffer[] };
  /** Characters of text gathered (a row group also ends on text). */
  readonly text: number;
}

type Convert = (value: unknown) => number | bigint | string | null;

/** Room for this many rows at first; a column grows (doubling) if a row group holds more. */
const INITIAL_ROWS = 4_096;
const INITIAL_TEXT_BYTES = 256 * 1024;

function textColumn(convert: Convert): ColumnBuffer {
  let bytes = Buffer.from(new ArrayBuffer(INITIAL_TEXT_BYTES));
  let ends = new Int32Array(INITIAL_ROWS);
  let nulls = new Uint8Array(INITIAL_ROWS);
  let used = 0;
  let count = 0;
  let text = 0;
  return {
    push(value) {
      const converted = convert(value) as string | null;
      if (count === ends.length) {
        const longerEnds = new Int32Array(count * 2);
        longerEnds.set(ends);
        ends = longerEnds;
        const longerNulls = new Uint8Array(count * 2);
        longerNulls.set(nulls);
        nulls = longerNulls;
      }
      if (converted === null) nulls[count] = 1;
      else {
        // UTF-8 takes at most 3 bytes per UTF-16 unit.
        if (used + converted.length * 3 > bytes.length) {
          const larger = Buffer.from(new ArrayBuffer(Math.max(bytes.length * 2, used + converted.length * 3)));
          bytes.copy(larger, 0, 0, used);
          bytes = larger;
        }
        used += bytes.write(converted, used, 'utf8');
        text += converted.length;
      }
      ends[count++] = used;
    },
    take(rows, spare) {
      const payload: ColumnPayload = {
        kind: 'text',
        bytes: bytes.buffer as ArrayBuffer,
        ends: ends.subarray(0, rows),
        nulls: nulls.subarray(0, rows),
      };
      const transfer = [bytes.buffer as ArrayBuffer, ends.buffer, nulls.buffer];
      if (spare?.kind === 'text') {
        bytes = Buffer.from(spare.bytes);
        ends = new Int32Array(spare.ends.buffer as ArrayBuffer);
        nulls = new Uint8Array(spare.nulls.buffer as ArrayBuffer);
      } else {
        bytes = Buffer.from(new ArrayBuffer(Math.max(INITIAL_TEXT_BYTES, used)));
        ends = new Int32Array(Math.max(INITIAL_ROWS, rows));
        nulls = new Uint8Array(Math.max(INITIAL_ROWS, rows));
      }
      used = 0;
      count = 0;
      text = 0;
      return { payload, transfer };
    },
    get text() {
      return text;
    },
  };
}

function typedColumn(convert: Convert, kind: 'int64' | 'micros'): ColumnBuffer {
  const make = (n: number) => (kind === 'int64' ? new BigInt64Array(n) : new Float64Array(n));
  let values = make(INITIAL_ROWS);
  let count = 0;
  return {
    push(value) {
      if (count === values.length) {
        const longer = make(count * 2);
        longer.set(values as never);
        values = longer;
      }
      values[count++] = convert(value) as never;
    },
    take(rows, spare) {
      const taken = values.subarray(0, rows);
      const transfer = [values.buffer];
      if (spare?.kind === kind)
        values =
          kind === 'int64'
            ? new BigInt64Array(spare.values.buffer as ArrayBuffer)
            : new Float64Array(spare.values.buffer as ArrayBuffer);
      else values = make(Math.max(INITIAL_ROWS, rows));
      count = 0;
      return {
        payload: kind === 'int64' ? { kind, values: taken as BigInt64Array } : { kind, values: taken as Float64Array },
        transfer,
      };
    },
    text: 0,
  };
}

function valueColumn(convert: Convert): ColumnBuffer {
  let values: unknown[] = [];
  return {
    push(value) {
      values.push(convert(value));
    },
    take() {
      const payload: ColumnPayload = { kind: 'values', values };
      values = [];
      return { payload, transfer: [] };
    },
    text: 0,
  };
}

/** A value as the column's Parquet type takes it; a value that is not one names field and value. */
function converter(column: ParquetColumn): Convert {
  const fail = (value: unknown): never => {
    throw new Error(`field ${column.name}: ${JSON.stringify(value)} is not a ${column.type}`);
  };
  switch (column.type) {
    case 'timestamp': {
      const parse = rfc3339MicrosParser(); // this column's own: it caches the hour last parsed
      return (value) => {
        if (value === null || value === undefined) return null;
        const micros = typeof value === 'string' ? parse(value) : undefined;
        return micros ?? fail(value);
      };
    }
    case 'integer':
      return (value) => {
        if (value === null || value === undefined) return null;
        return Number.isSafeInteger(value) ? BigInt(value as number) : fail(value);
      };
    case 'number':
      return (value) => {
        if (value === null || value === undefined) return null;
        return typeof value === 'number' ? value : fail(value);
      };
    case 'string':
      return (value) => (value === null || value === undefined ? null : String(value));
  }
}

function columnBuffer(column: ParquetColumn): ColumnBuffer {
  const convert = converter(column);
  if (column.type === 'string') return textColumn(convert);
  if (column.nullable || column.type === 'number') return valueColumn(convert);
  return typedColumn(convert, column.type === 'integer' ? 'int64' : 'micros');
}

/** The row group being gathered: a buffer per column, taken whole when the group is full. */
export class RowGroupBuffer {
  private readonly buffers: ColumnBuffer[];
  rows = 0;

  constructor(private readonly columns: readonly ParquetColumn[]) {
    this.buffers = columns.map(columnBuffer);
  }

  push(record: Record<string, unknown>): void {
    for (let i = 0; i < this.columns.length; i++)
      (this.buffers[i] as ColumnBuffer).push(record[(this.columns[i] as ParquetColumn).name]);
    this.rows++;
  }

  /** Characters of text gathered so far. */
  text(): number {
    return this.buffers.reduce((sum, buffer) => sum + buffer.text, 0);
  }

  /**
   * The gathered columns (and the buffers to transfer with them); the next group is gathered in
   * `spare`, the columns of an earlier group that the encoding thread gave back, if there is one.
   */
  take(spare?: readonly ColumnPayload[]): { rows: number; columns: ColumnPayload[]; transfer: ArrayBuffer[] } {
    const rows = this.rows;
    const taken = this.buffers.map((buffer, i) => buffer.take(rows, spare?.[i]));
    this.rows = 0;
    return { rows, columns: taken.map((t) => t.payload), transfer: taken.flatMap((t) => t.transfer) };
  }
}
