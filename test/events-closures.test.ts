// Events that visits count from (surgery), and the site's closed days, through the API: the
// visits waiting for an event are placed when it is recorded and move when it is corrected; a
// change of working days or holidays moves planned visits only when applied, in one transaction.
import { describe, expect, it } from 'vitest';
import type { ClosureChange, SiteDays } from '../core/api.js';
import type { ParticipantDetail } from '../core/participants.js';
import { verifyAudit, verifyRecords } from '../db/audit-verify.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { addTestPerson, freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';
import { surgeryProtocol } from './helpers/surgery.js';

function setUp() {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const s = serviceFor(conn);
  return { conn, ...s };
}

function enrolled(s: ReturnType<typeof setUp>, protocolId: string, studyId: string, day1: string): ParticipantDetail {
  const d = s.ok('screenParticipant', { protocolId, studyId, initials: 'AB', ageYears: 50, sex: 'female', weightKg: 70, consentDate: '2025-05-20' });
  s.ok('answerEligibility', { participantId: d.participant.id, answers: d.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
  return s.enroll({ participantId: d.participant.id, day1 });
}

describe('events that visits count from', () => {
  it('waits for the surgery date, places the visits when it is recorded, and moves them when it is corrected', () => {
    const s = setUp();
    s.ok('importProtocol', { document: surgeryProtocol() });
    const d = enrolled(s, 'msc-surgery', 'S-01', '2025-06-02');
    expect(d.visits.map((v) => v.key)).not.toContain('pre-op');
    expect(d.open).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'pre-op', reason: 'waiting for: Surgery date' })]));
    expect(d.events).toEqual([expect.objectContaining({ key: 'surgery', label: 'Surgery', date: null })]);

    const after = s.ok('recordEvent', { participantId: d.participant.id, eventKey: 'surgery', date: '2025-07-10' });
    const pre = after.visits.find((v) => v.key === 'pre-op')!;
    expect([pre.plannedDate, pre.windowStart, pre.windowEnd]).toEqual(['2025-07-03', '2025-07-01', '2025-07-05']);
    expect(after.visits.find((v) => v.key === 'post-op')!.plannedDate).toBe('2025-07-11');
    expect(after.open.map((o) => o.key)).not.toContain('pre-op');
    expect(after.events[0]).toEqual(expect.objectContaining({ date: '2025-07-10', recordedBy: 'CO' }));

    const again = s.call('recordEvent', { participantId: d.participant.id, eventKey: 'surgery', date: '2025-07-17' });
    expect(again.ok ? '' : again.error.message).toBe('The surgery date was recorded as 2025-07-10: give a reason for the correction.');
    const corrected = s.ok('recordEvent', { participantId: d.participant.id, eventKey: 'surgery', date: '2025-07-17', reason: 'Surgery postponed a week' });
    expect(corrected.visits.find((v) => v.key === 'pre-op')!.plannedDate).toBe('2025-07-10');
    expect(corrected.visits.find((v) => v.key === 'post-op')!.plannedDate).toBe('2025-07-18');

    const unknown = s.call('recordEvent', { participantId: d.participant.id, eventKey: 'transplant', date: '2025-07-17' });
    expect(unknown.ok ? '' : unknown.error.message).toBe('This protocol has no event “transplant”. Its events: Surgery (surgery).');
    expect(s.conn.read((db) => verifyAudit(db).ok)).toBe(true);
    expect(s.conn.read((db) => verifyRecords(db))).toEqual([]);
    const trail = s.conn.read((db) => db.prepare("SELECT reason FROM audit_log WHERE entity = 'participant_events' ORDER BY id").pluck().all());
    expect(trail).toEqual([null, 'Surgery postponed a week']);
    // The participants export carries the recorded event dates.
    const csv = s.ok<{ csv: string }>('exportCsvChunk', { kind: 'participants', protocolId: 'msc-surgery', limit: 100 }).csv.trim().split('\r\n');
    expect(csv[0]!.endsWith(',withdrawal_reason,event_dates')).toBe(true);
    expect(csv[1]!.endsWith(',surgery=2025-07-17')).toBe(true);
  });
});

describe("the site's working days and holidays", () => {
  // Surgery on Saturday 12 July 2025: the pre-operative visit (7 days before, ±2 days) falls on
  // Saturday 5 July, the day-1 visit (no window) on Sunday 13 July.
  function withSurgery() {
    const s = setUp();
    s.ok('importProtocol', { document: surgeryProtocol() });
    const d = enrolled(s, 'msc-surgery', 'S-01', '2025-06-02');
    s.ok('recordEvent', { participantId: d.participant.id, eventKey: 'surgery', date: '2025-07-12' });
    const visits = () => s.ok<ParticipantDetail>('getParticipant', { participantId: d.participant.id }).visits;
    return { s, d, visits };
  }

  it('previews what would move and changes nothing; applied, moves a Saturday visit to Friday inside its window and flags one without a window', () => {
    const { s, visits } = withSurgery();
    const before = visits().map((v) => [v.key, v.plannedDate]);
    const preview = s.ok<ClosureChange>('setWorkingDays', { days: [1, 2, 3, 4, 5] });
    expect(preview.applied).toBe(false);
    expect(visits().map((v) => [v.key, v.plannedDate])).toEqual(before);
    expect(s.ok<SiteDays>('siteDays', {}).described).toBe('every day');
    expect(preview.moves).toContainEqual(expect.objectContaining({ studyId: 'S-01', visit: 'Pre-operative assessment', from: '2025-07-05', to: '2025-07-04', because: 'Saturday', closedDay: null }));
    expect(preview.moves).toContainEqual(expect.objectContaining({ visit: 'Day 1 after surgery', from: '2025-07-13', to: '2025-07-13', because: 'Sunday', closedDay: 'Sunday' }));

    const applied = s.ok<ClosureChange>('setWorkingDays', { days: [1, 2, 3, 4, 5], apply: true });
    expect(applied).toEqual({ ...preview, applied: true });
    expect(s.ok<SiteDays>('siteDays', {}).described).toBe('Monday to Friday');
    const now = visits();
    expect(now.find((v) => v.key === 'pre-op')).toEqual(expect.objectContaining({ plannedDate: '2025-07-04', movedFrom: '2025-07-05', movedBecause: 'Saturday', closedDay: null }));
    expect(now.find((v) => v.key === 'post-op')).toEqual(expect.objectContaining({ plannedDate: '2025-07-13', movedFrom: null, closedDay: 'Sunday' }));
    for (const v of now.filter((x) => x.movedFrom)) expect(v.plannedDate >= v.windowStart && v.plannedDate <= v.windowEnd).toBe(true);
    expect(s.conn.read((db) => verifyRecords(db))).toEqual([]);

    // Back to every day: every visit returns to the protocol's dates.
    s.ok<ClosureChange>('setWorkingDays', { days: [1, 2, 3, 4, 5, 6, 7], apply: true });
    expect(visits().map((v) => [v.key, v.plannedDate])).toEqual(before);
    expect(visits().every((v) => v.movedFrom === null && v.closedDay === null)).toBe(true);
  });

  it('a holiday moves a planned visit; removing it moves the visit back', () => {
    const { s, visits } = withSurgery();
    const r = s.ok<ClosureChange>('addHolidays', { holidays: [{ date: '2025-07-05', label: 'Site training day' }], apply: true });
    expect(r.moves).toEqual([expect.objectContaining({ visit: 'Pre-operative assessment', from: '2025-07-05', to: '2025-07-04', because: 'Site training day' })]);
    expect(s.ok<SiteDays>('siteDays', {}).holidays).toEqual([{ date: '2025-07-05', label: 'Site training day' }]);
    s.ok<ClosureChange>('removeHoliday', { date: '2025-07-05', apply: true });
    expect(visits().find((v) => v.key === 'pre-op')!.plannedDate).toBe('2025-07-05');
    const missing = s.call('removeHoliday', { date: '2025-06-05', apply: true });
    expect(missing.ok ? '' : missing.error.message).toBe("2025-06-05 is not one of the site's holidays.");
  });

  it('a new participant is planned on open days from the first', () => {
    const s = setUp();
    s.ok<ClosureChange>('setWorkingDays', { days: [1, 2, 3, 4, 5], apply: true });
    s.ok('importProtocol', { document: surgeryProtocol() });
    const d = enrolled(s, 'msc-surgery', 'S-02', '2025-06-02');
    const after = s.ok('recordEvent', { participantId: d.participant.id, eventKey: 'surgery', date: '2025-07-12' });
    expect(after.visits.find((v) => v.key === 'pre-op')!.plannedDate).toBe('2025-07-04');
  });

  it('only an administrator changes them', () => {
    const s = setUp();
    addTestPerson(s.conn, 'CX', ['coordinator']);
    const r = s.call('setWorkingDays', { days: [1, 2, 3, 4, 5], apply: true }, { kind: 'person', initials: 'CX' });
    expect(r.ok ? '' : r.error.code).toBe('forbidden');
  });
});
