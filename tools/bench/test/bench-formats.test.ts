// The benchmark itself runs (small, so CI stays quick) and reports every figure it promises.
// Speed is not asserted here: figures come from `npm run bench:formats`.
import { benchFormats, formatsTable, median, parseRecordsFlag } from '../src';

describe('bench:formats', () => {
  it('measures every format against its ceiling and reports records/s, ratios and RSS', async () => {
    const result = await benchFormats({ records: 3_000, rounds: 3 });
    expect(Object.keys(result.formats)).toEqual(['csv', 'json', 'json-ts', 'apache']);
    for (const figures of Object.values(result.formats)) {
      expect(figures.recordsPerSec).toBeGreaterThan(0);
      expect(figures.ceilingRecordsPerSec).toBeGreaterThan(0);
      expect(figures.ratio).toBeCloseTo(figures.recordsPerSec / figures.ceilingRecordsPerSec, 2);
      expect(figures.gzipRecordsPerSec).toBeGreaterThan(0);
    }
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(formatsTable(result)).toHaveLength(3 + 4);
  }, 120_000);

  it('reads --records and refuses a bad value', () => {
    expect(parseRecordsFlag(['--records', '5000'], 1)).toBe(5_000);
    expect(parseRecordsFlag([], 1_000_000)).toBe(1_000_000);
    expect(() => parseRecordsFlag(['--records', 'many'], 1)).toThrow('--records "many"');
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
