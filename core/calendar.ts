// Month grids for printed calendars: plain calendar-date arithmetic, Monday first.
import { compareDates, parseDate, PlainDate } from './dates.js';

export interface MonthGrid {
  readonly year: number;
  readonly month: number;
  /** Weeks, Monday to Sunday; null where a day belongs to the month before or after. */
  readonly weeks: readonly (readonly (string | null)[])[];
}

export function monthGrid(year: number, month: number): MonthGrid {
  const first = PlainDate.of(year, month, 1);
  const weeks: (string | null)[][] = [];
  let week: (string | null)[] = Array<null>(first.dayOfWeek - 1).fill(null);
  for (let d = 1; d <= first.daysInMonth; d++) {
    week.push(PlainDate.of(year, month, d).toString());
    if (week.length === 7) {
      weeks.push(week);
      week = [];
    }
  }
  if (week.length) weeks.push([...week, ...Array<null>(7 - week.length).fill(null)]);
  return { year, month, weeks };
}

/** Every month from the first date's month to the last's, in order. */
export function monthsBetween(first: string, last: string): { year: number; month: number }[] {
  const a = parseDate(first);
  const b = parseDate(last);
  const out: { year: number; month: number }[] = [];
  for (let m = a.year * 12 + a.month - 1; m <= b.year * 12 + b.month - 1; m++) out.push({ year: Math.floor(m / 12), month: (m % 12) + 1 });
  return out;
}

/** Every date from start to end inclusive. */
export function datesBetween(start: string, end: string): string[] {
  const out: string[] = [];
  const last = parseDate(end);
  for (let d = parseDate(start); compareDates(d, last) <= 0; d = d.add({ days: 1 })) out.push(d.toString());
  return out;
}

/**
 * How a schedule is printed: full month grids while it is short, and for long follow-up
 * (75 months) full grids for the first months, then a compact year view.
 */
export function calendarPlan(first: string, last: string, detailedMonths = 6): { detailed: { year: number; month: number }[]; compact: { year: number; month: number }[] } {
  const months = monthsBetween(first, last);
  if (months.length <= 12) return { detailed: months, compact: [] };
  return { detailed: months.slice(0, detailedMonths), compact: months.slice(detailedMonths) };
}
