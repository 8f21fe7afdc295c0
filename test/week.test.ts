// What a coordinator hit in a week (the coordinator's-week issue), at the service: a missed visit
// never moves, "missed" waits for the window to open, a rescheduled visit carries its window, and
// the worklist, the participant page and the exports give a visit the same window.
import { describe, expect, it } from 'vitest';
import type { ParticipantDetail, VisitView, Worklists } from '../core/participants.js';
import { EXPORT_HEADERS, exportRows } from '../db/exports.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';

function enrolled(today: string, protocolId = 'ucmsc-covid19', day1 = '2026-11-02') {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const service = serviceFor(conn, new Date(`${today}T10:00:00`));
  const s = service.ok('screenParticipant', { protocolId, studyId: 'C-1', initials: 'AB', ageYears: 40, sex: 'female', weightKg: 70, consentDate: '2026-11-01' });
  service.ok('answerEligibility', { participantId: s.participant.id, answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
  const e = service.enroll({ participantId: s.participant.id, day1 });
  const visit = (d: ParticipantDetail, key: string): VisitView => d.visits.find((v) => v.key === key)!;
  return { conn, ...service, e, visit };
}

describe('the coordinator’s week, at the service', () => {
  it('a visit cannot be marked missed before its window opens; the message says when it can', () => {
    const { call, e, visit, conn } = enrolled('2026-11-03');
    const week4 = e.visits.find((v) => v.kind !== 'dose' && v.plannedDate > '2026-11-20')!;
    const r = call('markVisitMissed', { visitId: week4.id, reason: 'not seen' });
    expect(r.ok ? 'accepted' : r.error.message).toBe(
      `${week4.label} cannot be missed yet: its ${week4.windowStated ? 'window opens' : 'date is'} ${week4.windowStart}. It can be marked missed from then; to change the plan now, reschedule or cancel it.`,
    );
    expect(visit(e, 'infusion-1').status).toBe('planned');
    conn.close();
  });

  it('a missed visit never moves when an earlier dose is recorded late', () => {
    // Day 1 on 2 Nov; today 30 Jan: every visit up to week 12 is past.
    const { ok, e, visit, conn } = enrolled('2027-01-30');
    const followUps = e.visits.filter((v) => v.kind !== 'dose');
    const missed = followUps[followUps.length > 3 ? 3 : 0]!;
    const before = ok<ParticipantDetail>('markVisitMissed', { visitId: missed.id, reason: 'not seen' });
    const planned = visit(before, missed.key).plannedDate;
    // The doses, recorded late: everything planned re-plans, the missed visit stays where it was.
    let d = before;
    for (const dose of e.visits.filter((v) => v.kind === 'dose')) d = ok<ParticipantDetail>('markVisitDone', { visitId: dose.id, actualDate: dose.windowEnd, reason: 'late', dose: { lotNumber: 'L', givenAt: `${dose.windowEnd}T09:00`, weightKg: null } });
    expect(visit(d, missed.key)).toMatchObject({ status: 'missed', plannedDate: planned });
    conn.close();
  });

  it('a rescheduled visit carries its window, and every view of it shows the same one', () => {
    const { ok, e, visit, conn } = enrolled('2026-11-03', 'ucmsc-cirrhosis', '2026-11-02');
    const week12 = e.visits.find((v) => v.key.includes('12') && v.kind !== 'dose') ?? e.visits.find((v) => v.kind !== 'dose' && v.windowStated)!;
    const moved = ok<ParticipantDetail>('rescheduleVisit', { visitId: week12.id, newDate: isoPlus(week12.plannedDate, 3), reason: 'clinic closed' });
    const v = visit(moved, week12.key);
    const shift = (iso: string) => isoPlus(iso, 3);
    expect([v.plannedDate, v.windowStart, v.windowEnd]).toEqual([shift(week12.plannedDate), shift(week12.windowStart), shift(week12.windowEnd)]);
    // The worklists of the day it is now planned for, and the export, say the same window.
    const lists = ok<Worklists>('worklists', { today: v.plannedDate, limit: 1000 });
    const row = lists.dueToday.find((r) => r.visitId === v.id);
    expect(row && [row.plannedDate, row.windowStart, row.windowEnd]).toEqual([v.plannedDate, v.windowStart, v.windowEnd]);
    const at = (h: string) => EXPORT_HEADERS.visits.indexOf(h);
    const exported = conn.read((db) => [...exportRows(db, 'visits', {})]).find((r) => r[at('visit_key')] === v.key)!;
    expect([exported[at('planned')], exported[at('window_start')], exported[at('window_end')]]).toEqual([v.plannedDate, v.windowStart, v.windowEnd]);
    conn.close();
  });
});

function isoPlus(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
