// Property tests: whatever the values (commas, quotes, CR/LF, tabs, astral characters, empty
// strings, nulls, 8 KB user agents, leading = + - @), each format parses back, with an
// independent parser, to exactly the values that went in.
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { CLIENT_LOG_CSV_FIELDS, type FieldGroup, fieldGroupSchema } from '@log-exporter/schemas';
import { createProjection, createRecordEncoder } from '../src';
import { clientRecord } from './hostile-records';

const RUNS = { numRuns: 1_000 };

const excludeSets = fc.subarray([...fieldGroupSchema.options] as FieldGroup[]);

describe('CSV round trip (csv-parse)', () => {
  it('gives back every value, null and empty string kept apart', () => {
    const encoder = createRecordEncoder({ logType: 'client', format: 'csv', exclude: [] });
    fc.assert(
      fc.property(fc.array(clientRecord, { minLength: 1, maxLength: 3 }), (records) => {
        const text = [encoder.header, ...records.map(encoder.line)].join('\n') + '\n';
        const rows = parseCsv(text, {
          columns: true,
          cast: (value, context) => (context.header || context.quoting || value !== '' ? value : null),
        }) as Record<string, string | null>[];
        expect(rows).toHaveLength(records.length);
        rows.forEach((row, i) => {
          const record = records[i] as unknown as Record<string, unknown>;
          for (const field of CLIENT_LOG_CSV_FIELDS) {
            const expected = record[field] === null ? null : String(record[field]);
            expect(row[field]).toBe(expected);
          }
        });
      }),
      RUNS,
    );
  });
});

describe('JSON Stream and JSON Stream + Timestamp round trip (JSON.parse)', () => {
  it('gives back every record exactly', () => {
    const json = createRecordEncoder({ logType: 'client', format: 'json', exclude: [] });
    const jsonTs = createRecordEncoder({ logType: 'client', format: 'json-ts', exclude: [] });
    fc.assert(
      fc.property(clientRecord, (record) => {
        const line = json.line(record);
        expect(line).not.toContain('\n');
        expect(JSON.parse(line)).toEqual(record);
        const stamped = jsonTs.line(record);
        const space = stamped.indexOf(' ');
        expect(stamped.slice(0, space)).toBe(record.datetime);
        expect(JSON.parse(stamped.slice(space + 1))).toEqual(record);
      }),
      RUNS,
    );
  });
});

// An independent reader of combined log lines: a regular expression and Apache's escapes.
const COMBINED =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/;

function unescape(text: string): string {
  // Runs of \xhh are bytes of UTF-8; the other escapes stand for one character.
  return text.replace(/((?:\\x[0-9a-f]{2})+)|\\(.)/gsu, (_, bytes: string | undefined, e: string | undefined) => {
    if (bytes) return Buffer.from(bytes.replace(/\\x/g, ''), 'hex').toString('utf8');
    return e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : (e as string);
  });
}
function bareValue(token: string): string | null {
  return token === '-' ? null : unescape(token);
}
/** Outside quotes an empty value is written like an absent one (the one lossy case, documented). */
const asBare = (value: string | null) => (value === '' ? null : value);
function quotedValue(inner: string): string | null {
  return inner === '-' ? null : unescape(inner);
}

describe('Apache combined log round trip (regex)', () => {
  it('gives back every value in the line', () => {
    const encoder = createRecordEncoder({ logType: 'client', format: 'apache', exclude: [] });
    fc.assert(
      fc.property(clientRecord, (record) => {
        const line = encoder.line(record);
        const m = COMBINED.exec(line);
        expect(m).not.toBeNull();
        const [, host, , user, time, request, status, bytes, referer, agent] = m as unknown as string[];
        expect(bareValue(host!)).toBe(asBare(record.ip_address));
        expect(bareValue(user!)).toBe(asBare(record.user_name ?? record.user));
        expect(time).toBe('01/Apr/2021:19:40:55 +0000');
        const [method, uri, protocol, ...rest] = request!.split(' ');
        expect(rest).toEqual([]);
        expect(bareValue(method!)).toBe(asBare(record.method));
        expect(bareValue(uri!)).toBe(asBare(record.uri));
        expect(bareValue(protocol!)).toBe(asBare(record.protocol));
        expect(Number(status)).toBe(record.status);
        expect(Number(bytes)).toBe(record.bytes);
        expect(quotedValue(referer!)).toBe(record.referer);
        expect(quotedValue(agent!)).toBe(record.user_agent);
      }),
      RUNS,
    );
  });
});

describe('field groups', () => {
  it('remove the same fields from every format', () => {
    fc.assert(
      fc.property(clientRecord, excludeSets, (record, exclude) => {
        const jsonFields = createProjection('client', 'json', exclude).fields;
        const parsed = JSON.parse(
          createRecordEncoder({ logType: 'client', format: 'json', exclude }).line(record),
        ) as object;
        expect(Object.keys(parsed)).toEqual(jsonFields);
        const csv = createRecordEncoder({ logType: 'client', format: 'csv', exclude });
        expect(csv.header!.split(',')).toEqual(
          jsonFields.filter((f) => (CLIENT_LOG_CSV_FIELDS as readonly string[]).includes(f)),
        );
        const apache = createRecordEncoder({ logType: 'client', format: 'apache', exclude }).line(record);
        if (exclude.includes('ip')) expect(apache.startsWith('- - ')).toBe(true);
        for (const [group, fields] of [
          ['ip', ['ip_address']],
          ['geo', ['city', 'country', 'continent']],
          ['eula', ['eula', 'eula_number']],
          ['repository', ['repository']],
        ] as const) {
          for (const field of fields) expect(jsonFields.includes(field)).toBe(!exclude.includes(group));
        }
      }),
      RUNS,
    );
  });
});
