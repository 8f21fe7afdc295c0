import { describe, expect, it } from 'vitest';
import { isIsoDate, parseDate, windowDays } from '../core/dates.js';

describe('calendar dates', () => {
  it('parses YYYY-MM-DD strictly', () => {
    expect(parseDate('2024-02-29').toString()).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-1', '20240101', '2024-01-01T00:00', '', ' 2024-01-01']) expect(isIsoDate(bad), bad).toBe(false);
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
