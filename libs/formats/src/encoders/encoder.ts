// An encoder turns one projected record into one line of text (without the line end).
import type { LogRecord } from '../projection';

export interface LineEncoder {
  /** First line of every file (CSV header), or null. */
  readonly header: string | null;
  /** One record as one line, without the trailing `\n`. */
  readonly line: (record: LogRecord) => string;
}
