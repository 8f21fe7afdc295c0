// Changing the site's closed days (working weekdays, holidays). A change re-plans existing
// schedules only when applied: the preview lists every planned visit that would move (or be
// flagged, with no open day in its window), and applying writes the setting and re-plans every
// enrolled participant in the same transaction.
import type { ClosureChange, ClosureMove } from '../core/api.js';
import type { SiteClosures } from '../core/closures.js';
import { closures, workingDaysText } from '../core/closures.js';
import { parseDate } from '../core/dates.js';
import { AppError } from './errors.js';
import { participantRow, protocolFor, visitRowsOf, type Clock } from './rows.js';
import { participantEvents, siteClosures } from './site-days.js';
import { statements } from './statements.js';
import type { ReadableDB, WritableDB } from './types.js';
import { replan, runEngine } from './visits.js';

const stmts = statements((db) => ({
  enrolled: db.prepare("SELECT id FROM participants WHERE status = 'enrolled' AND day1 IS NOT NULL ORDER BY id").pluck(),
  setDays: db.prepare("INSERT INTO app_meta (key, value) VALUES ('working_days', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
  addHoliday: db.prepare('INSERT INTO holidays (date, label) VALUES (?, ?) ON CONFLICT (date) DO UPDATE SET label = excluded.label'),
  removeHoliday: db.prepare('DELETE FROM holidays WHERE date = ?'),
}));

/** What would change for planned visits if the site's closed days were `next`. */
function movesUnder(db: ReadableDB, next: SiteClosures | undefined): ClosureMove[] {
  const moves: ClosureMove[] = [];
  const closedOn = closures(next);
  for (const id of stmts(db).enrolled.all() as number[]) {
    const p = participantRow(db, id);
    const protocol = protocolFor(db, p);
    const rows = visitRowsOf(db, id);
    const known = new Set((protocol.events ?? []).map((e) => e.key));
    const events = Object.fromEntries(Object.entries(participantEvents(db, id)).filter(([k]) => known.has(k)));
    let schedule;
    try {
      schedule = runEngine(protocol, p, rows, undefined, { events, closures: next });
    } catch (e) {
      // A participant with no schedule (no arm on record where the arms' schedules differ) has nothing to move.
      if (e instanceof AppError) continue;
      throw e;
    }
    const byKey = new Map(schedule.visits.map((v) => [v.key, v]));
    for (const r of rows) {
      const v = byKey.get(r.key);
      if (r.status !== 'planned' || !v) continue;
      if (v.plannedDate === r.planned_date && v.closedDay === r.closed_day) continue;
      moves.push({
        participantId: id,
        studyId: p.study_id,
        protocolId: p.protocol_id,
        visit: r.label,
        from: r.planned_date,
        to: v.plannedDate,
        // Why the date it has now will not do: that day is closed; null when it goes back to the protocol's date.
        because: closedOn?.(parseDate(r.planned_date)) ?? null,
        closedDay: v.closedDay,
      });
    }
  }
  return moves.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.studyId < b.studyId ? -1 : 1));
}

/** A change to the site's closed days: the closed days it gives, and how to write it. */
export type DaysChange =
  | { readonly kind: 'workingDays'; readonly days: readonly number[] }
  | { readonly kind: 'addHolidays'; readonly holidays: readonly { date: string; label: string }[] }
  | { readonly kind: 'removeHoliday'; readonly date: string };

function nextClosures(db: ReadableDB, c: DaysChange): SiteClosures | undefined {
  const now = siteClosures(db);
  const next = { openWeekdays: [...(now?.openWeekdays ?? [1, 2, 3, 4, 5, 6, 7])], holidays: { ...now?.holidays } };
  if (c.kind === 'workingDays') {
    next.openWeekdays = [...new Set(c.days)].sort((a, b) => a - b);
    if (next.openWeekdays.length === 0) throw new AppError('invalid_input', 'Choose at least one day the site is open.');
  } else if (c.kind === 'addHolidays') for (const h of c.holidays) next.holidays[h.date] = h.label;
  else {
    if (!(c.date in next.holidays)) throw new AppError('not_found', `${c.date} is not one of the site's holidays.`);
    delete next.holidays[c.date];
  }
  return next.openWeekdays.length === 7 && Object.keys(next.holidays).length === 0 ? undefined : next;
}

/** What the change would move: nothing is written. */
export function previewDaysChange(db: ReadableDB, c: DaysChange): ClosureChange {
  return { applied: false, moves: movesUnder(db, nextClosures(db, c)) };
}

/** Writes the change and re-plans every enrolled participant, in the caller's transaction. */
export function applyDaysChange(db: WritableDB, c: DaysChange, clock: Clock): ClosureChange {
  const moves = movesUnder(db, nextClosures(db, c));
  const s = stmts(db);
  if (c.kind === 'workingDays') s.setDays.run(workingDaysText([...new Set(c.days)]));
  else if (c.kind === 'addHolidays') for (const h of c.holidays) s.addHoliday.run(h.date, h.label);
  else s.removeHoliday.run(c.date);
  for (const id of s.enrolled.all() as number[]) replan(db, id, clock);
  return { applied: true, moves };
}
