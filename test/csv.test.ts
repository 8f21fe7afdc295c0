import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_OPTIONS, csvLine, toCsv, type Cell } from '../core/csv.js';

// The hand-written line writer of the exports must write exactly what csv-stringify writes with
// the app's CSV rules (quoting, doubled quotes, formula neutralization, numbers, booleans).
const tricky = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", ' ', 'a', 'é', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', '0', '1');
const text = fc.oneof(fc.string(), fc.array(tricky, { maxLength: 8 }).map((a) => a.join('')));
const cell: fc.Arbitrary<Cell> = fc.oneof(text, fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));

describe('csvLine', () => {
  it('writes what csv-stringify writes under the app\u2019s CSV rules', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        expect(rows.map(csvLine).join('')).toBe(stringify(rows as Cell[][], CSV_OPTIONS));
      }),
      { numRuns: 3000 },
    );
  });

  it('neutralizes formulas and quotes what needs it', () => {
    expect(csvLine(['=1+1', '-2', -2, 'a,b', 'say "hi"', 'two\nlines', null, true, ''])).toBe(`'=1+1,'-2,-2,"a,b","say ""hi""","two\nlines",,true,\r\n`);
    expect(toCsv(['h'], [['@x']])).toBe(`h\r\n'@x\r\n`);
  });
});
