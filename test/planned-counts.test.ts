import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import type { ParticipantDetail, TrialCount, Worklists } from '../core/participants.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { recountVisits } from '../db/visit-counts.js';
import { GLANCE_OVERDUE_SQL } from '../db/worklists.js';
import { freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';

// Each trial's overdue visits are counted at a glance from planned_counts: the planned visits of
// enrolled participants by trial and window end, kept by triggers as visits and participants
// change, written by the participant import itself, and recounted by the daily check.
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

const PLANNED_NOW = `SELECT p.protocol_id, v.window_end, count(*) FROM visits v JOIN participants p ON p.id = v.participant_id
  WHERE v.status = 'planned' AND p.status = 'enrolled' GROUP BY 1, 2 ORDER BY 1, 2`;

describe('planned visits counted by trial and window end', () => {
  it('follow every change to visits and participants, through the app and the import', () => {
    const { conn, ok, enroll } = setup();
    const stored = () => conn.read((db) => db.prepare('SELECT protocol_id, window_end, n FROM planned_counts WHERE n <> 0 ORDER BY 1, 2').raw().all());
    const actual = () => conn.read((db) => db.prepare(PLANNED_NOW).raw().all());
    const holds = (step: string) => expect(stored(), step).toEqual(actual());
    expect(actual().length).toBeGreaterThan(10);
    holds('imported');

    // Screened, then enrolled: its visits are written, then its status.
    const s = ok<{ participant: { id: number }; eligibility: { criteria: { key: string; kind: string }[] } }>('screenParticipant', {
      protocolId: 'ucmsc-sepsis', studyId: 'S-1', initials: 'AB', ageYears: 40, sex: 'male', consentDate: '2025-06-01', by: 'CO',
    });
    ok('answerEligibility', { participantId: s.participant.id, by: 'CO', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    const sepsis = enroll({ participantId: s.participant.id, day1: '2025-06-02', by: 'CO' });
    holds('enrolled');
    const planned = (p: ParticipantDetail) => p.visits.filter((v) => v.status === 'planned' && v.kind !== 'dose');
    // Done late: what follows is planned again from it, with new windows.
    let c1 = ok<ParticipantDetail>('getParticipant', { participantId: 1 });
    c1 = ok('markVisitDone', { visitId: planned(c1)[0]!.id, actualDate: '2025-06-12', reason: 'Came late', by: 'CO' });
    holds('done');
    c1 = ok('markVisitMissed', { visitId: planned(c1)[0]!.id, reason: 'Unwell', by: 'CO' });
    holds('missed');
    c1 = ok('rescheduleVisit', { visitId: planned(c1)[0]!.id, newDate: '2025-06-25', reason: 'Asked to', by: 'CO' });
    holds('rescheduled');
    c1 = ok('cancelVisit', { visitId: planned(c1)[0]!.id, reason: 'Not needed', by: 'CO' });
    holds('cancelled');
    const settled = c1.visits.find((v) => v.status === 'done')!;
    ok('undoVisit', { visitId: settled.id, reason: 'Wrong participant', by: 'CO' });
    holds('undone');
    ok('withdrawParticipant', { participantId: 2, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    ok('withdrawParticipant', { participantId: sepsis.participant.id, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    holds('withdrawn');
    ok('reverseWithdrawal', { participantId: 2, reason: 'Entered in error', by: 'CO' });
    holds('withdrawal reversed');

    // What the glance and the worklists count is what the overdue list holds.
    const lists = ok<Worklists>('worklists', { today: TODAY, limit: 1000 });
    expect(lists.overdue.length).toBeGreaterThan(0);
    expect(lists.totals.overdue).toBe(lists.overdue.length);
    for (const t of ok<TrialCount[]>('trialsAtAGlance', { today: TODAY })) expect(t.overdue, t.protocolId).toBe(lists.overdue.filter((r) => r.protocolId === t.protocolId).length);
    const one = ok<Worklists>('worklists', { today: TODAY, limit: 1000, protocolId: 'ucmsc-covid19' });
    expect(one.totals.overdue).toBe(lists.overdue.filter((r) => r.protocolId === 'ucmsc-covid19').length);
    // Read from the counts alone, not from each overdue visit.
    const plan = conn.read((db) => db.prepare(`EXPLAIN QUERY PLAN ${GLANCE_OVERDUE_SQL}`).all({ today: TODAY }) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/planned_counts/);
    expect(plan.join('\n')).not.toMatch(/\bvisits\b/);
    conn.close();
  });

  it('counts written wrong behind the app’s back are put right by the daily recount', () => {
    const { conn, ok } = setup();
    const glance = () => ok<TrialCount[]>('trialsAtAGlance', { today: TODAY }).find((t) => t.protocolId === 'ucmsc-covid19')!.overdue;
    const right = glance();
    expect(right).toBeGreaterThan(0);
    const ctx = { by: 'test', method: 'test', at: `${TODAY}T09:00:00Z` };
    conn.write(ctx, (db) => db.prepare("UPDATE planned_counts SET n = n + 5 WHERE protocol_id = 'ucmsc-covid19' AND window_end = (SELECT min(window_end) FROM planned_counts WHERE protocol_id = 'ucmsc-covid19' AND n > 0)").run());
    expect(glance()).toBe(right + 5);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(true);
    expect(glance()).toBe(right);
    conn.write(ctx, (db) => db.prepare("DELETE FROM planned_counts WHERE protocol_id = 'ucmsc-covid19'").run());
    expect(glance()).toBe(0);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(true);
    expect(glance()).toBe(right);
    expect(conn.write(ctx, (db) => recountVisits(db))).toBe(false);
    conn.close();
  });

  it('a file from before them is counted as it is upgraded (migration 14)', () => {
    const { conn, file, ok } = setup();
    ok('withdrawParticipant', { participantId: 2, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    conn.close();
    const old = new Database(file);
    const expected = old.prepare(PLANNED_NOW).raw().all();
    expect(expected.length).toBeGreaterThan(10);
    old.exec('DROP TABLE planned_counts; DROP TABLE day_counts');
    old.pragma('user_version = 13');
    old.close();
    const again = openDatabase(file);
    expect(again.read((db) => db.prepare('SELECT protocol_id, window_end, n FROM planned_counts ORDER BY 1, 2').raw().all())).toEqual(expected);
    again.close();
  });
});
