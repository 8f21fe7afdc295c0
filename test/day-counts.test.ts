import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../core/participants.js';
import { recountVisits } from '../db/visit-counts.js';
import { COUNTS_TODAY, countedOnUpgrade, countedSite, countsHold, settleEach } from './helpers/counts.js';

// The site calendar counts each day's visits by status from day_counts: every visit by its
// participant's trial, the day it shows on (done, else planned) and its status, kept by triggers
// as visits change, written by the participant import itself, and recounted by the daily check.
const TODAY = COUNTS_TODAY;

const DAYS_NOW = `SELECT coalesce(v.actual_date, v.planned_date), p.protocol_id, v.status, count(*) FROM visits v JOIN participants p ON p.id = v.participant_id
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

describe('each day’s visits counted by trial and status', () => {
  it('follow every change to the visits, through the app and the import', () => {
    const { conn, ok, enrollSepsis } = countedSite();
    const { actual, holds } = countsHold(conn, 'SELECT day, protocol_id, status, n FROM day_counts WHERE n <> 0 ORDER BY 1, 2, 3', DAYS_NOW);
    expect(actual().length).toBeGreaterThan(20);
    holds('imported');

    enrollSepsis('S-1');
    holds('enrolled');
    // Done weeks before its planned day: it moves to the day it was done, and what follows is re-planned.
    settleEach(ok, holds, { pick: (planned) => planned.find((v) => v.plannedDate >= '2025-06-01')!, actualDate: '2025-05-25', reason: 'Came early' });
    ok('withdrawParticipant', { participantId: 2, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    holds('withdrawn');

    // What the calendar counts is what its visits are.
    const range = { from: '2025-05-01', to: '2025-07-31' };
    const all = ok<SiteCalendar>('siteCalendar', range);
    const month = ok<SiteCalendar>('siteCalendar', { ...range, perDay: 3 });
    expect(month.days).toEqual(all.days);
    for (const d of all.days) {
      const on = all.visits.filter((v) => (v.actualDate ?? v.plannedDate) === d.date);
      expect(on.length, d.date).toBe(d.shown);
      for (const s of ['planned', 'done', 'missed', 'cancelled'] as const) expect(d.byStatus[s], `${d.date} ${s}`).toBe(on.filter((v) => v.status === s).length);
    }
    conn.close();
  });

  it('counts written wrong behind the app’s back are put right by the daily recount', () => {
    const { conn, ok } = countedSite();
    const may = () => ok<SiteCalendar>('siteCalendar', { from: '2025-05-01', to: '2025-05-31', perDay: 3 }).days.find((d) => d.date === '2025-05-04')!;
    const right = may();
    expect(right.byStatus.done).toBeGreaterThan(0);
    const ctx = { by: 'test', method: 'test', at: `${TODAY}T09:00:00Z` };
    conn.write(ctx, (db) => db.prepare("UPDATE day_counts SET n = n + 5 WHERE day = '2025-05-04' AND status = 'done'").run());
    expect(may().byStatus.done).toBe(right.byStatus.done + 5);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(true);
    expect(may()).toEqual(right);
    conn.write(ctx, (db) => db.prepare("DELETE FROM day_counts WHERE day = '2025-05-04'").run());
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(true);
    expect(may()).toEqual(right);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(false);
    conn.close();
  });

  it('a file from before them is counted as it is upgraded (migration 15)', () => {
    const { conn, file } = countedSite();
    conn.close();
    const { expected, upgraded } = countedOnUpgrade(file, DAYS_NOW, 14, ['day_counts'], 'SELECT day, protocol_id, status, n FROM day_counts ORDER BY 1, 2, 3');
    expect(expected.length).toBeGreaterThan(20);
    expect(upgraded).toEqual(expected);
  });
});
