// Calendar-date arithmetic. Every schedule date is a Temporal.PlainDate (no time, no zone), so
// results are the same in every time zone and across daylight-saving changes.
import { Temporal } from 'temporal-polyfill';
import type { Offset } from './protocol.js';

export type PlainDate = Temporal.PlainDate;

export class InvalidDateError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not a calendar date in the form YYYY-MM-DD`);
    this.name = 'InvalidDateError';
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses YYYY-MM-DD strictly: 2024-02-30 is refused rather than moved to March. */
export function parseDate(input: string): PlainDate {
  if (!ISO_DATE.test(input)) throw new InvalidDateError(input);
  try {
    return Temporal.PlainDate.from(input, { overflow: 'reject' });
  } catch {
    throw new InvalidDateError(input);
  }
}

export function isIsoDate(input: string): boolean {
  try {
    parseDate(input);
    return true;
  } catch {
    return false;
  }
}

/**
 * Adds an offset to a date.
 * - hours: whole days only, rounded down (24 h → the next day; 36 h → the next day). A visit
 *   time of day is not modelled, so "within 24 h" is carried by the window, not the date.
 * - days, weeks: plain day counts.
 * - months, years: calendar months, clamped to the month's last day
 *   (2024-01-31 + 1 month = 2024-02-29; 2024-02-29 + 1 year = 2025-02-28).
 */
export function addOffset(date: PlainDate, offset: Offset, times = 1): PlainDate {
  const n = offset.value * times;
  switch (offset.unit) {
    case 'hours':
      return date.add({ days: Math.floor(n / 24) });
    case 'days':
      return date.add({ days: n });
    case 'weeks':
      return date.add({ days: n * 7 });
    case 'months':
      return date.add({ months: n }, { overflow: 'constrain' });
    case 'years':
      return date.add({ years: n }, { overflow: 'constrain' });
    default:
      throw new Error(`Unknown offset unit ${String((offset as { unit: unknown }).unit)}`);
  }
}

/** A window side in whole days: hours round up, so a window never shrinks below what it says. */
export function windowDays(side: { value: number; unit: 'hours' | 'days' }): number {
  return side.unit === 'hours' ? Math.ceil(side.value / 24) : side.value;
}

/** Days from a to b (negative if b is earlier). */
export function daysBetween(a: PlainDate, b: PlainDate): number {
  return a.until(b, { largestUnit: 'days' }).days;
}

/**
 * The study day of a date. With Day 1 = first dose (CDISC), there is no Day 0: the day before
 * Day 1 is Day −1. With Day 0 = first dose, days count on from 0 and back to −1.
 */
export function studyDayOf(date: PlainDate, firstDose: PlainDate, firstDoseIs: 0 | 1): number {
  const d = daysBetween(firstDose, date);
  return firstDoseIs === 1 && d >= 0 ? d + 1 : d;
}

/** The date of a study day: the inverse of studyDayOf. Day 0 does not exist when Day 1 is the first dose. */
export function dateOfStudyDay(day: number, firstDose: PlainDate, firstDoseIs: 0 | 1): PlainDate {
  if (firstDoseIs === 1 && day === 0) throw new Error('There is no study day 0 when Day 1 is the day of the first dose');
  return firstDose.add({ days: firstDoseIs === 1 && day > 0 ? day - 1 : day });
}

export function compareDates(a: PlainDate, b: PlainDate): number {
  return Temporal.PlainDate.compare(a, b);
}
