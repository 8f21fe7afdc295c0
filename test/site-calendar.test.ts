import { describe, expect, it } from 'vitest';
import type { SiteCalendar, Worklists } from '../core/participants.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { recountVisits } from '../db/visit-counts.js';
import type { TrialCount } from '../core/participants.js';
import { freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';

// Twelve COVID-19 participants and six open-label cirrhosis ones, Day 1 spread over May 2025,
// with infusions done on the day, a day or two late (out of window), or missed.
function setup() {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const { ok } = serviceFor(conn, new Date('2025-06-20T09:00:00'));
  const day = (d: number) => `2025-05-${String(d).padStart(2, '0')}`;
  const covid = ['study_id,initials,arm,day1,weight_kg,actual:infusion-1,actual:infusion-2,actual:post-w1'];
  for (let i = 1; i <= 12; i++) covid.push(`C-${i},AB,CODE${i},${day(i)},70,${day(i)},${i % 3 === 0 ? '' : day(i + 2 + (i % 2))},${i % 4 === 0 ? day(i + 14) : ''}`);
  ok('importParticipants', { protocolId: 'ucmsc-covid19', csv: covid.join('\n'), by: 'CO' });
  const cirrhosis = ['study_id,initials,arm,day1,weight_kg'];
  for (let i = 1; i <= 6; i++) cirrhosis.push(`B-${i},CD,${i % 2 ? 'low' : 'high'},${day(10 + i)},60`);
  ok('importParticipants', { protocolId: 'hucmsc-decompensated-cirrhosis', csv: cirrhosis.join('\n'), by: 'CO' });
  return { conn, ok };
}

const dayOf = (v: { actualDate: string | null; plannedDate: string }) => v.actualDate ?? v.plannedDate;

describe('site calendar', () => {
  it('counts every day by status and gives each visit on the day it was done, else planned', () => {
    const { conn, ok } = setup();
    const all = ok<SiteCalendar>('siteCalendar', { from: '2025-05-01', to: '2025-06-30' });
    expect(all.visits.length).toBeGreaterThan(50);
    // The same visits straight from the table.
    const expected = conn.read((db) =>
      db
        .prepare("SELECT id, status, coalesce(actual_date, planned_date) AS day FROM visits WHERE coalesce(actual_date, planned_date) BETWEEN '2025-05-01' AND '2025-06-30'")
        .all(),
    ) as { id: number; status: 'planned' | 'done' | 'missed' | 'cancelled'; day: string }[];
    expect(all.visits.map((v) => v.visitId).sort((a, b) => a - b)).toEqual(expected.map((e) => e.id).sort((a, b) => a - b));
    const byDay = new Map<string, Record<string, number>>();
    for (const e of expected) {
      const d = byDay.get(e.day) ?? { planned: 0, done: 0, missed: 0, cancelled: 0 };
      d[e.status]!++;
      byDay.set(e.day, d);
    }
    expect(all.days.map((d) => d.date)).toEqual([...byDay.keys()].sort());
    for (const d of all.days) {
      expect(d.byStatus, d.date).toEqual(byDay.get(d.date));
      expect(d.shown).toBe(Object.values(d.byStatus).reduce((a, b) => a + b, 0));
    }
    // In day, trial and study ID order.
    const keys = all.visits.map((v) => `${dayOf(v)} ${v.protocolId}`);
    expect(keys).toEqual([...keys].sort());
    expect(all.visits.some((v) => v.status === 'done' && v.actualDate !== v.plannedDate)).toBe(true);
  });

  it('shows a visit done weeks from its planned day on the day it was done, in either month', () => {
    const { ok } = setup();
    // C-12's Day 28 visit is planned for 8 June; it is done on 20 May, in the month before.
    const c12 = ok<{ visits: { id: number; key: string; plannedDate: string }[] }>('getParticipant', { participantId: 12 });
    const day28 = c12.visits.find((v) => v.key === 'day-28')!;
    expect(day28.plannedDate).toBe('2025-06-08');
    ok('markVisitDone', { visitId: day28.id, actualDate: '2025-05-20', reason: 'Came early', by: 'CO' });
    const may = ok<SiteCalendar>('siteCalendar', { from: '2025-05-01', to: '2025-05-31', perDay: 1000 });
    const june = ok<SiteCalendar>('siteCalendar', { from: '2025-06-01', to: '2025-06-30', perDay: 1000 });
    expect(may.visits.find((v) => v.visitId === day28.id)?.actualDate).toBe('2025-05-20');
    expect(may.days.find((d) => d.date === '2025-05-20')!.byStatus.done).toBeGreaterThan(0);
    expect(june.visits.some((v) => v.visitId === day28.id)).toBe(false);
  });

  it('the month view: at most perDay visits a day, with the same counts; a status filter; a trial filter', () => {
    const { ok } = setup();
    const range = { from: '2025-05-01', to: '2025-06-30' };
    const all = ok<SiteCalendar>('siteCalendar', range);
    const month = ok<SiteCalendar>('siteCalendar', { ...range, perDay: 2 });
    expect(month.days).toEqual(all.days);
    expect(month.perDay).toBe(2);
    for (const d of all.days) {
      const on = month.visits.filter((v) => dayOf(v) === d.date);
      expect(on.length, d.date).toBe(Math.min(2, d.shown));
    }
    expect(month.visits.length).toBeLessThan(all.visits.length);

    const done = ok<SiteCalendar>('siteCalendar', { ...range, statuses: ['done'] });
    expect(done.visits.length).toBeGreaterThan(0);
    expect(done.visits.every((v) => v.status === 'done')).toBe(true);
    for (const d of done.days) expect(d.shown).toBe(d.byStatus.done);
    expect(done.visits.length).toBe(all.visits.filter((v) => v.status === 'done').length);

    const trial = ok<SiteCalendar>('siteCalendar', { ...range, protocolId: 'hucmsc-decompensated-cirrhosis' });
    expect(trial.visits.length).toBeGreaterThan(0);
    expect(trial.visits.every((v) => v.protocolId === 'hucmsc-decompensated-cirrhosis')).toBe(true);
    expect(trial.visits.length).toBe(all.visits.filter((v) => v.protocolId === 'hucmsc-decompensated-cirrhosis').length);
    // Open label: the arm is named; blinded: the code.
    expect(trial.visits[0]!.assignment).toMatch(/dose/);
    expect(all.visits.find((v) => v.protocolId === 'ucmsc-covid19')!.assignment).toMatch(/^CODE\d+$/);
  });
});

describe('worklist totals', () => {
  it('the out-of-window total follows every change and is recounted by the daily check', () => {
    const { conn, ok } = setup();
    const count = () => conn.read((db) => (db.prepare('SELECT count(*) AS n FROM visits WHERE out_of_window = 1').get() as { n: number }).n);
    const totals = () => ok<Worklists>('worklists', { today: '2025-06-20' }).totals;
    expect(count()).toBeGreaterThan(0);
    expect(totals().outOfWindow).toBe(count());
    // One more, recorded in the app: a visit done four days after its window closed.
    const c1 = ok<{ visits: { id: number; key: string; kind: string; windowEnd: string; status: string }[] }>('getParticipant', { participantId: 1 });
    const later = c1.visits.find((v) => v.status === 'planned' && v.kind !== 'dose' && v.windowEnd < '2025-06-15')!;
    const before = count();
    ok('markVisitDone', { visitId: later.id, actualDate: '2025-06-19', reason: 'Came late', by: 'CO' });
    expect(count()).toBe(before + 1);
    expect(totals().outOfWindow).toBe(count());
    // A total written wrong behind the app's back is put right by the recount.
    conn.write({ by: 'test', method: 'test', at: '2025-06-20T09:00:00Z' }, (db) => db.prepare("UPDATE visit_counts SET n = 3 WHERE name = 'out_of_window'").run());
    expect(totals().outOfWindow).toBe(3);
    expect(conn.write({ by: 'test', method: 'test', at: '2025-06-20T09:00:00Z' }, (db) => recountVisits(db))).toBe(true);
    expect(totals().outOfWindow).toBe(count());
    expect(conn.write({ by: 'test', method: 'test', at: '2025-06-20T09:00:00Z' }, (db) => recountVisits(db))).toBe(false);
  });

  it('leave out the visits of a withdrawn participant', () => {
    const { ok } = setup();
    const before = ok<Worklists>('worklists', { today: '2025-06-20', limit: 1000 });
    const mine = before.overdue.filter((r) => r.studyId === 'C-5');
    expect(mine.length).toBeGreaterThan(0);
    ok('withdrawParticipant', { participantId: mine[0]!.participantId, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    const after = ok<Worklists>('worklists', { today: '2025-06-20', limit: 1000 });
    expect(after.overdue.some((r) => r.studyId === 'C-5')).toBe(false);
    expect(after.totals.overdue).toBe(after.overdue.length);
    expect(after.totals.overdue).toBe(before.totals.overdue - mine.length);
  });

  it('count each trial’s overdue visits at a glance as the overdue list has them', () => {
    const { ok } = setup();
    const glance = ok<TrialCount[]>('trialsAtAGlance', { today: '2025-06-20' });
    const overdue = ok<Worklists>('worklists', { today: '2025-06-20', limit: 1000 }).overdue;
    expect(overdue.length).toBeGreaterThan(0);
    for (const t of glance) expect(t.overdue, t.protocolId).toBe(overdue.filter((r) => r.protocolId === t.protocolId).length);
  });

  it('count each trial’s participants at a glance as the table holds them, every trial or one', () => {
    const { conn, ok } = setup();
    ok('withdrawParticipant', { participantId: 3, date: '2025-06-19', reason: 'Moved away', by: 'CO' });
    const expected = conn.read((db) =>
      db
        .prepare(
          `SELECT pr.id AS protocolId, pr.title, pr.enrollment_target AS target, count(p.id) AS screened,
             count(CASE WHEN p.status IN ('enrolled', 'withdrawn') THEN 1 END) AS everEnrolled, count(CASE WHEN p.status = 'enrolled' THEN 1 END) AS enrolled,
             count(CASE WHEN p.status = 'withdrawn' THEN 1 END) AS withdrawn, count(CASE WHEN p.status = 'screen-failed' THEN 1 END) AS screenFailed
           FROM protocols pr LEFT JOIN participants p ON p.protocol_id = pr.id GROUP BY pr.id ORDER BY pr.title COLLATE NOCASE`,
        )
        .all(),
    ) as Omit<TrialCount, 'overdue'>[];
    const glance = ok<TrialCount[]>('trialsAtAGlance', { today: '2025-06-20' });
    expect(glance.map(({ overdue: _o, ...t }) => t)).toEqual(expected);
    expect(glance.find((t) => t.protocolId === 'ucmsc-covid19')).toMatchObject({ screened: 12, everEnrolled: 12, enrolled: 11, withdrawn: 1 });
    expect(glance.filter((t) => t.screened === 0).length).toBeGreaterThan(0);
    const one = ok<TrialCount[]>('trialsAtAGlance', { today: '2025-06-20', protocolId: 'hucmsc-decompensated-cirrhosis' });
    expect(one).toEqual(glance.filter((t) => t.protocolId === 'hucmsc-decompensated-cirrhosis'));
  });
});
