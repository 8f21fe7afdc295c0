import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { addOffset, compareDates, daysBetween, isIsoDate, parseDate, PlainDate, wholeMonthsBetween, windowDays } from '../core/dates.js';

describe('calendar dates', () => {
  it('parses YYYY-MM-DD strictly', () => {
    expect(parseDate('2024-02-29').toString()).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-1', '20240101', '2024-01-01T00:00', '', ' 2024-01-01', '2025-02-30', '0000-00-00', '0000-01-01', '2025-13-45', '2025-00-10', '1980-02-31'])
      expect(isIsoDate(bad), bad).toBe(false);
    // The first and last days the app takes: years 0001 to 9999.
    expect(isIsoDate('0001-01-01') && isIsoDate('9999-12-31')).toBe(true);
  });

  it('a date is the same calendar date whatever the local time zone says', () => {
    // The trap this guards against: new Date('2024-03-10') is midnight UTC, the 9th in New York.
    expect(parseDate('2024-03-10').add({ days: 1 }).toString()).toBe('2024-03-11');
    expect(parseDate('2011-12-29').add({ days: 1 }).toString()).toBe('2011-12-30');
  });

  it('window sides in hours round up to whole days', () => {
    expect([windowDays({ value: 0, unit: 'hours' }), windowDays({ value: 1, unit: 'hours' }), windowDays({ value: 24, unit: 'hours' }), windowDays({ value: 25, unit: 'hours' })]).toEqual([0, 1, 1, 2]);
    expect(windowDays({ value: 3, unit: 'days' })).toBe(3);
  });
});

describe('the engine’s PlainDate agrees with Temporal.PlainDate', () => {
  const T = Temporal.PlainDate;
  // Any calendar date from year 1 to 9999 (what the parser takes).
  const anyDate = fc.integer({ min: epoch('0001-01-01'), max: epoch('9999-12-31') }).map((n) => T.from('1970-01-01').add({ days: n }).toString());
  function epoch(iso: string) {
    return T.from('1970-01-01').until(T.from(iso), { largestUnit: 'days' }).days;
  }
  const units = ['hours', 'days', 'weeks', 'months', 'years'] as const;

  it('parsing, printing, weekdays, month lengths and day counts', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        const [pa, pb, ta, tb] = [parseDate(a), parseDate(b), T.from(a), T.from(b)];
        expect(pa.toString()).toBe(ta.toString());
        expect([pa.year, pa.month, pa.day, pa.dayOfWeek, pa.daysInMonth]).toEqual([ta.year, ta.month, ta.day, ta.dayOfWeek, ta.daysInMonth]);
        expect(compareDates(pa, pb)).toBe(T.compare(ta, tb));
        expect(daysBetween(pa, pb)).toBe(ta.until(tb, { largestUnit: 'days' }).days);
      }),
      { numRuns: 3000 },
    );
  });

  it('adding any offset gives Temporal’s date, month ends clamped, past year 9999 too', () => {
    fc.assert(
      fc.property(anyDate, fc.constantFrom(...units), fc.integer({ min: 0, max: 100_000 }), (d, unit, value) => {
        const n = unit === 'hours' ? { days: Math.floor(value / 24) } : unit === 'weeks' ? { days: value * 7 } : { [unit]: value };
        let expected: string;
        try {
          expected = T.from(d).add(n, { overflow: 'constrain' }).toString();
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
          expect(() => addOffset(parseDate(d), { value, unit })).toThrow(RangeError);
          return;
        }
        expect(addOffset(parseDate(d), { value, unit }).toString()).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('subtracting days, and the edges of the range', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 5_000_000 }), (d, days) => {
        expect(parseDate(d).subtract({ days }).toString()).toBe(T.from(d).subtract({ days }).toString());
      }),
      { numRuns: 2000 },
    );
    expect(parseDate('9999-12-31').add({ days: 1 }).toString()).toBe('+010000-01-01');
    expect(parseDate('0001-01-01').subtract({ days: 366 }).toString()).toBe('0000-01-01');
    expect(parseDate('0001-01-01').subtract({ days: 367 }).toString()).toBe('-000001-12-31');
    expect(PlainDate.fromEpochDay(100_000_000).toString()).toBe(T.from('+275760-09-13').toString());
    expect(() => PlainDate.fromEpochDay(100_000_001)).toThrow(RangeError);
    expect(PlainDate.fromEpochDay(-100_000_001).toString()).toBe(T.from('-271821-04-19').toString());
  });

  it('whole months between two dates (ages) are Temporal’s, month ends and 29 February included', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        const t = T.from(a).until(T.from(b), { largestUnit: 'months' });
        expect(wholeMonthsBetween(parseDate(a), parseDate(b))).toBe(t.years * 12 + t.months);
      }),
      { numRuns: 3000 },
    );
    expect(wholeMonthsBetween(parseDate('2000-02-29'), parseDate('2001-02-28'))).toBe(11);
    expect(wholeMonthsBetween(parseDate('2000-02-29'), parseDate('2001-03-01'))).toBe(12);
  });
});
