import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import type { ParticipantDetail, SiteCalendar } from '../core/participants.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { recountVisits } from '../db/visit-counts.js';
import { freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';

// The site calendar counts each day's visits by status from day_counts: every visit by its
// participant's trial, the day it shows on (done, else planned) and its status, kept by triggers
// as visits change, written by the participant import itself, and recounted by the daily check.
const TODAY = '2025-06-20';

function setup() {
  const { conn, file } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const { ok, enroll } = serviceFor(conn, new Date(`${TODAY}T09:00:00`));
  const day = (d: number) => `2025-05-${String(d).padStart(2, '0')}`;
  const covid = ['study_id,initials,arm,day1,weight_kg,actual:infusion-1,actual:infusion-2'];
  for (let i = 1; i <= 8; i++) covid.push(`C-${i},AB,CODE${i},${day(i)},70,${day(i)},${i % 3 === 0 ? '' : day(i + 2)}`);
  ok('importParticipants', { protocolId: 'ucmsc-covid19', csv: covid.join('\n'), by: 'CO' });
  const cirrhosis = ['study_id,initials,arm,day1,weight_kg'];
  for (let i = 1; i <= 4; i++) cirrhosis.push(`B-${i},CD,${i % 2 ? 'low' : 'high'},${day(10 + i)},60`);
  ok('importParticipants', { protocolId: 'hucmsc-decompensated-cirrhosis', csv: cirrhosis.join('\n'), by: 'CO' });
  return { conn, file, ok, enroll };
}

const DAYS_NOW = `SELECT coalesce(v.actual_date, v.planned_date), p.protocol_id, v.status, count(*) FROM visits v JOIN participants p ON p.id = v.participant_id
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

describe('each day’s visits counted by trial and status', () => {
  it('follow every change to the visits, through the app and the import', () => {
    const { conn, ok, enroll } = setup();
    const stored = () => conn.read((db) => db.prepare('SELECT day, protocol_id, status, n FROM day_counts WHERE n <> 0 ORDER BY 1, 2, 3').raw().all());
    const actual = () => conn.read((db) => db.prepare(DAYS_NOW).raw().all());
    const holds = (step: string) => expect(stored(), step).toEqual(actual());
    expect(actual().length).toBeGreaterThan(20);
    holds('imported');

    const s = ok<{ participant: { id: number }; eligibility: { criteria: { key: string; kind: string }[] } }>('screenParticipant', {
      protocolId: 'ucmsc-sepsis', studyId: 'S-1', initials: 'AB', ageYears: 40, sex: 'male', consentDate: '2025-06-01', by: 'CO',
    });
    ok('answerEligibility', { participantId: s.participant.id, by: 'CO', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    enroll({ participantId: s.participant.id, day1: '2025-06-02', by: 'CO' });
    holds('enrolled');
    const planned = (p: ParticipantDetail) => p.visits.filter((v) => v.status === 'planned' && v.kind !== 'dose');
    let c1 = ok<ParticipantDetail>('getParticipant', { participantId: 1 });
    // Done weeks before its planned day: it moves to the day it was done, and what follows is re-planned.
    const early = planned(c1).find((v) => v.plannedDate >= '2025-06-01')!;
    c1 = ok('markVisitDone', { visitId: early.id, actualDate: '2025-05-25', reason: 'Came early', by: 'CO' });
    holds('done early');
    c1 = ok('markVisitMissed', { visitId: planned(c1)[0]!.id, reason: 'Unwell', by: 'CO' });
    holds('missed');
    c1 = ok('rescheduleVisit', { visitId: planned(c1)[0]!.id, newDate: '2025-06-25', reason: 'Asked to', by: 'CO' });
    holds('rescheduled');
    c1 = ok('cancelVisit', { visitId: planned(c1)[0]!.id, reason: 'Not needed', by: 'CO' });
    holds('cancelled');
    ok('undoVisit', { visitId: early.id, reason: 'Wrong participant', by: 'CO' });
    holds('undone');
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
    const { conn, ok } = setup();
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
    const { conn, file } = setup();
    conn.close();
    const old = new Database(file);
    const expected = old.prepare(DAYS_NOW).raw().all();
    expect(expected.length).toBeGreaterThan(20);
    old.exec('DROP TABLE day_counts');
    old.pragma('user_version = 14');
    old.close();
    const again = openDatabase(file);
    expect(again.read((db) => db.prepare('SELECT day, protocol_id, status, n FROM day_counts ORDER BY 1, 2, 3').raw().all())).toEqual(expected);
    again.close();
  });
});
