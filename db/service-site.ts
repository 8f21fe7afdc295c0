// The API methods for the site's closed days and participants' events.
import type { CallContext, Handlers } from '../core/api.js';
import { describeWorkingDays } from '../core/closures.js';
import type { Connection } from './connection.js';
import { participantDetail } from './participant-views.js';
import { recordEvent } from './participant-events.js';
import { applyDaysChange, previewDaysChange, type DaysChange } from './site-closures.js';
import { holidayList, workingDays } from './site-days.js';
import type { Writes } from './writes.js';

type SiteMethods = 'siteDays' | 'setWorkingDays' | 'addHolidays' | 'removeHoliday' | 'recordEvent';

export function siteHandlers(conn: Connection, writes: Writes): Pick<Handlers, SiteMethods> {
  const { write, clock } = writes;
  const daysChange = (method: 'setWorkingDays' | 'addHolidays' | 'removeHoliday', change: DaysChange, apply: boolean, c: CallContext, reason: string) =>
    apply ? write(method, c, reason, (db) => applyDaysChange(db, change, clock())) : conn.read((db) => previewDaysChange(db, change));
  return {
    siteDays: () =>
      conn.read((db) => {
        const days = workingDays(db);
        return { workingDays: days, described: describeWorkingDays(days), holidays: holidayList(db) };
      }),
    setWorkingDays: ({ days, apply }, c) => daysChange('setWorkingDays', { kind: 'workingDays', days }, apply, c, `Site open ${describeWorkingDays(days)}`),
    addHolidays: ({ holidays, apply }, c) =>
      daysChange('addHolidays', { kind: 'addHolidays', holidays }, apply, c, holidays.length === 1 ? `Holiday: ${holidays[0]!.label}` : `${holidays.length} holidays added`),
    removeHoliday: ({ date, apply }, c) => daysChange('removeHoliday', { kind: 'removeHoliday', date }, apply, c, `Holiday removed: ${date}`),
    recordEvent: (input, c) =>
      write('recordEvent', c, input.reason ?? null, (db, by) => (recordEvent(db, input, by.initials, clock()), participantDetail(db, input.participantId, c.seesArms))),
  };
}
