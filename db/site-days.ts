// What the schedule engine needs beyond a participant's visits: the events recorded for them
// (surgery, transplant) and the site's closed days (working weekdays and holidays).
import type { SiteAndEvents } from '../core/participant-schedule.js';
import { parseWorkingDays, type SiteClosures } from '../core/closures.js';
import type { Protocol } from '../core/protocol.js';
import { statements } from './statements.js';
import type { ReadableDB } from './types.js';

const stmts = statements((db) => ({
  workingDays: db.prepare("SELECT value FROM app_meta WHERE key = 'working_days'").pluck(),
  holidays: db.prepare('SELECT date, label FROM holidays ORDER BY date').raw(),
  events: db.prepare('SELECT event_key, event_date FROM participant_events WHERE participant_id = ?').raw(),
}));

/** The site's working weekdays (ISO 1 … 7); every day where none are set. */
export function workingDays(db: ReadableDB): number[] {
  const text = stmts(db).workingDays.get() as string | undefined;
  return parseWorkingDays(text ?? '');
}

export function holidayList(db: ReadableDB): { date: string; label: string }[] {
  return (stmts(db).holidays.all() as [string, string][]).map(([date, label]) => ({ date, label }));
}

/** The site's closed days, or undefined when every day is open (nothing moves). */
export function siteClosures(db: ReadableDB): SiteClosures | undefined {
  const openWeekdays = workingDays(db);
  const holidays = Object.fromEntries(stmts(db).holidays.all() as [string, string][]);
  if (openWeekdays.length === 7 && Object.keys(holidays).length === 0) return undefined;
  return { openWeekdays, holidays };
}

export function participantEvents(db: ReadableDB, participantId: number): Record<string, string> {
  return Object.fromEntries(stmts(db).events.all(participantId) as [string, string][]);
}

/** Events and closed days for one participant's schedule under a protocol version (events it does not have are left out). */
export function siteAndEvents(db: ReadableDB, participantId: number, protocol: Protocol): SiteAndEvents {
  const known = new Set((protocol.events ?? []).map((e) => e.key));
  const events = Object.fromEntries(Object.entries(participantEvents(db, participantId)).filter(([k]) => known.has(k)));
  return { events, closures: siteClosures(db) };
}
