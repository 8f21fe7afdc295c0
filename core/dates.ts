// Calendar-date arithmetic. Every schedule date is a plain calendar date (no time, no zone), so
// results are the same in every time zone and across daylight-saving changes.
//
// PlainDate here is a small ISO-calendar date kept as a day count, with the part of
// Temporal.PlainDate's interface the engine uses and the same results (a property test compares
// the two on random dates and offsets). It exists for speed: the engine builds thousands of
// dates per participant, and the general Temporal polyfill was most of a bulk import's time.
import type { Offset } from './protocol.js';

// Temporal's limits: -271821-04-19 to +275760-09-13.
const MIN_EPOCH_DAY = -100_000_001;
const MAX_EPOCH_DAY = 100_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilOf(epochDay: number): [year: number, month: number, day: number] {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export class PlainDate {
  private constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly epochDay: number,
  ) {}

  static fromEpochDay(epochDay: number): PlainDate {
    if (!Number.isInteger(epochDay) || epochDay < MIN_EPOCH_DAY || epochDay > MAX_EPOCH_DAY) throw new RangeError('date outside the supported range');
    const [y, m, d] = civilOf(epochDay);
    return new PlainDate(y, m, d, epochDay);
  }

  /** A date from its parts; refuses a day the month does not have. */
  static of(year: number, month: number, day: number): PlainDate {
    if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
      throw new RangeError(`not a date: ${year}-${month}-${day}`);
    return PlainDate.fromEpochDay(epochDayOf(year, month, day));
  }

  static compare(a: PlainDate, b: PlainDate): number {
    return a.epochDay < b.epochDay ? -1 : a.epochDay > b.epochDay ? 1 : 0;
  }

  get daysInMonth(): number {
    return daysInMonth(this.year, this.month);
  }

  /** Monday is 1, Sunday 7 (ISO). 1970-01-01 was a Thursday. */
  get dayOfWeek(): number {
    return ((((this.epochDay + 3) % 7) + 7) % 7) + 1;
  }

  /** Days, or whole months and years with the day clamped to the end of a shorter month. */
  add(d: { days?: number; months?: number; years?: number }): PlainDate {
    let date: PlainDate = this;
    if (d.years || d.months) {
      const months = this.year * 12 + (this.month - 1) + (d.years ?? 0) * 12 + (d.months ?? 0);
      const year = Math.floor(months / 12);
      const month = months - year * 12 + 1;
      date = PlainDate.fromEpochDay(epochDayOf(year, month, Math.min(this.day, daysInMonth(year, month))));
    }
    return d.days ? PlainDate.fromEpochDay(date.epochDay + d.days) : date;
  }

  subtract(d: { days: number }): PlainDate {
    return this.add({ days: -d.days });
  }

  equals(other: PlainDate): boolean {
    return this.epochDay === other.epochDay;
  }

  /** ISO 8601, as Temporal writes it (years outside 0000–9999 get a sign and six digits). */
  toString(): string {
    // Written out by hand: a schedule writes several dates per visit, and padStart was a tenth of the engine's time.
    const { year, month, day } = this;
    const y = year >= 1000 && year <= 9999 ? String(year) : year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
    return `${y}${month < 10 ? '-0' : '-'}${month}${day < 10 ? '-0' : '-'}${day}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

export class InvalidDateError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not a calendar date in the form YYYY-MM-DD`);
    this.name = 'InvalidDateError';
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses YYYY-MM-DD strictly: a real calendar date from 0001-01-01 to 9999-12-31. 2024-02-30 is
 * refused rather than moved to March, and so are 0000-00-00 and 2025-13-45. Every date that
 * enters the app (the API contract, the CLI, an import) is read by this one parser.
 */
export function parseDate(input: string): PlainDate {
  if (typeof input !== 'string' || !ISO_DATE.test(input) || input.startsWith('0000')) throw new InvalidDateError(String(input));
  try {
    return PlainDate.of(Number(input.slice(0, 4)), Number(input.slice(5, 7)), Number(input.slice(8, 10)));
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
      return date.add({ months: n });
    case 'years':
      return date.add({ years: n });
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
  return b.epochDay - a.epochDay;
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
  return PlainDate.compare(a, b);
}

/**
 * Whole months from a to b, as Temporal counts them (a.until(b, { largestUnit: 'months' })): the
 * months between, less one when b's day of the month is before a's. From 31 January, a month has
 * passed on 31 March, not on 29 February; from 29 February 2000, a year on 1 March 2001.
 */
export function wholeMonthsBetween(a: PlainDate, b: PlainDate): number {
  if (compareDates(b, a) < 0) return 0 - wholeMonthsBetween(b, a) || 0;
  const months = (b.year - a.year) * 12 + (b.month - a.month);
  return b.day < a.day ? months - 1 : months;
}
