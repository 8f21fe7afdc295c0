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

