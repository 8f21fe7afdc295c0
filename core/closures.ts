// A site's working days: the weekdays it is open and its holidays. A visit the protocol places on a
// closed day goes to the nearest open day inside its window (the earlier one on a tie); where the
// window holds none, the date stays and is flagged, so the coordinator decides. Pure calendar dates.
import type { PlainDate } from './dates.js';

/** Days the site is closed: weekdays it does not work, and holidays. Without it every day is open. */
export interface SiteClosures {
  /** ISO weekdays the site is open (1 Monday … 7 Sunday). */
  readonly openWeekdays: readonly number[];
  /** Holidays by date (YYYY-MM-DD), with their names ("Christmas Day"). */
  readonly holidays: Readonly<Record<string, string>>;
}

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Why a day is closed ("Saturday", "Christmas Day"), or null when the site is open. */
export type ClosedOn = (d: PlainDate) => string | null;

export function closures(c: SiteClosures | undefined): ClosedOn | null {
  if (!c) return null;
  const open = new Set(c.openWeekdays);
  const holidays = new Map(Object.entries(c.holidays));
  if (open.size === 7 && holidays.size === 0) return null;
  return (d) => holidays.get(d.toString()) ?? (open.has(d.dayOfWeek) ? null : WEEKDAY_NAMES[d.dayOfWeek]!);
}

export type Closure = { readonly movedFrom: string | null; readonly movedBecause: string | null; readonly closedDay: string | null };
export const NO_CLOSURE: Closure = { movedFrom: null, movedBecause: null, closedDay: null };

/**
 * A planned date on a closed day goes to the nearest open day inside the window (the earlier one
 * on a tie). Where the window holds no open day the date stays and is flagged for the coordinator.
 */
export function placeOnOpenDay(natural: PlainDate, before: number, after: number, closedOn: ClosedOn): { date: PlainDate; closure: Closure } {
  const why = closedOn(natural);
  if (why === null) return { date: natural, closure: NO_CLOSURE };
  for (let k = 1; k <= Math.max(before, after); k++) {
    if (k <= before) {
      const earlier = natural.subtract({ days: k });
      if (closedOn(earlier) === null) return { date: earlier, closure: { movedFrom: natural.toString(), movedBecause: why, closedDay: null } };
    }
    if (k <= after) {
      const later = natural.add({ days: k });
      if (closedOn(later) === null) return { date: later, closure: { movedFrom: natural.toString(), movedBecause: why, closedDay: null } };
    }
  }
  return { date: natural, closure: { movedFrom: null, movedBecause: null, closedDay: why } };
}


/** The weekday codes the CLI and the setting use, Monday first (ISO 1 … 7). */
export const WEEKDAY_CODES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** "mon,tue,wed,thu,fri" → [1, 2, 3, 4, 5]; an empty text is every day. Throws a message naming what is wrong. */
export function parseWorkingDays(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (parts.length === 0) return [1, 2, 3, 4, 5, 6, 7];
  const days = new Set<number>();
  for (const p of parts) {
    const i = (WEEKDAY_CODES as readonly string[]).indexOf(p.slice(0, 3));
    if (i < 0 || (p.length > 3 && !WEEKDAY_NAMES[i + 1]!.toLowerCase().startsWith(p)))
      throw new Error(`"${p}" is not a weekday: write the days the site is open as mon,tue,wed,thu,fri,sat,sun`);
    days.add(i + 1);
  }
  return [...days].sort((a, b) => a - b);
}

/** [1, 2, 3, 4, 5] → "mon,tue,wed,thu,fri", the stored form. */
export function workingDaysText(days: readonly number[]): string {
  return [...days].sort((a, b) => a - b).map((d) => WEEKDAY_CODES[d - 1]).join(',');
}

/** [1, 2, 3, 4, 5] → "Monday to Friday"; every day → "every day"; otherwise the days listed. */
export function describeWorkingDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return 'every day';
  const run = sorted.length > 2 && sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  if (run) return `${WEEKDAY_NAMES[sorted[0]!]} to ${WEEKDAY_NAMES[sorted[sorted.length - 1]!]}`;
  return sorted.map((d) => WEEKDAY_NAMES[d]).join(', ');
}
