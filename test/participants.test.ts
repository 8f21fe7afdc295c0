import { describe, expect, it } from 'vitest';
import type { ParticipantDetail } from '../core/participants.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { addTestPerson, dumpTables, freshDb, SEEDS_DIR, serviceFor, TEST_PASSPHRASE } from './helpers/db.js';

const NOW = new Date('2025-06-20T09:00:00');

function setup(now = NOW) {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  addTestPerson(conn, 'CO');
  return { conn, ...serviceFor(conn, now) };
}

const screenSepsis = (ok: ReturnType<typeof setup>['ok'], studyId: string) =>
  ok('screenParticipant', { protocolId: 'ucmsc-sepsis', studyId, initials: 'AB', ageYears: 44, sex: 'female', weightKg: 70, consentDate: '2025-06-01', by: 'CO' });

function answerAll(ok: ReturnType<typeof setup>['ok'], d: ParticipantDetail, exclusionMet: string | null = null) {
  return ok('answerEligibility', {
    participantId: d.participant.id,
    by: 'CO',
    answers: d.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' ? true : c.key === exclusionMet })),
  });
}

describe('screening and enrollment', () => {
  it('refuses to enroll a participant who meets an exclusion criterion, and changes nothing', () => {
    const { conn, call, ok } = setup();
    const d = answerAll(ok, screenSepsis(ok, 'S-001'), 'exc-terminal');
    expect(d.eligibility.eligible).toBe(false);
    expect(d.eligibility.reasons).toEqual(['Exclusion criterion met: Imminent terminal status (e.g., septic shock, life expectancy <7 days)']);
    const before = dumpTables(conn);
    const r = call('enrollParticipant', { participantId: d.participant.id, day1: '2025-06-10', by: 'CO' });
    expect(r.ok ? null : r.error.message).toBe('S-001 cannot be enrolled: Exclusion criterion met: Imminent terminal status (e.g., septic shock, life expectancy <7 days)');
    expect(dumpTables(conn)).toEqual(before);
    const failed = ok('recordScreenFailure', { participantId: d.participant.id, reason: 'Septic shock at screening', by: 'CO' });
    expect(failed.participant).toMatchObject({ status: 'screen-failed', screenFailReason: 'Septic shock at screening' });
  });

  it('checks age against the protocol range automatically, and needs every criterion answered', () => {
    const { ok } = setup();
    const old = ok('screenParticipant', { protocolId: 'ucmsc-sepsis', studyId: 'S-002', initials: 'CD', birthDate: '1955-01-01', sex: 'male', consentDate: '2025-06-01', by: 'CO' });
    expect(old.eligibility).toMatchObject({ ageYears: 70, ageOk: false, eligible: false });
    expect(old.eligibility.reasons[0]).toBe('Age 70 is above the maximum of 65 years.');
    expect(old.eligibility.reasons.at(-1)).toBe('15 criteria are not answered yet.');
  });

  it('enrolls an eligible participant in the blinded sepsis trial with a code, never the arm, and a schedule', () => {
    const { ok, enroll } = setup();
    const d = enroll({ participantId: answerAll(ok, screenSepsis(ok, 'S-003')).participant.id, day1: '2025-06-10', by: 'CO' });
    expect(d.participant.status).toBe('enrolled');
    expect(d.assignment).toMatchObject({ blinded: true, armKey: null, armLabel: null });
    expect(d.assignment.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(d.visits.map((v) => [v.key, v.label, v.plannedDate])).toEqual([
      ['infusion-1', 'Study treatment 1', '2025-06-10'],
      ['day-28', 'Day 28 survival', '2025-07-07'],
    ]);
    expect(d.open).toEqual([{ key: 'infusion-2', label: 'Further study treatments', reason: 'the number of administrations is not stated' }]);
    expect(JSON.stringify(d)).not.toMatch(/Experimental group|Sham comparator|CD83|regulatory MSC|control solution|experimental|sham/i);
  });

  it('a dose done two days late needs a reason; then later visits move and the worklists change', () => {
    const { call, ok, enroll } = setup();
    const d = enroll({ participantId: answerAll(ok, screenSepsis(ok, 'S-004')).participant.id, day1: '2025-06-10', by: 'CO' });
    const first = d.visits[0]!;
    const before = ok<{ overdue: unknown[]; thisWeek: unknown[] }>('worklists', { today: '2025-06-20' });
    expect(before.overdue).toHaveLength(1);
    const dose = { lotNumber: 'LOT-7', givenAt: '2025-06-12T10:30', weightKg: 71 };
    const noReason = call('markVisitDone', { visitId: first.id, actualDate: '2025-06-12', dose, by: 'CO' });
    expect(noReason.ok ? null : noReason.error.message).toBe('2025-06-12 is outside the window for Study treatment 1 (2025-06-10): give a reason for the deviation.');
    const done = ok('markVisitDone', { visitId: first.id, actualDate: '2025-06-12', reason: 'Pharmacy delay', dose, by: 'CO' });
    const v = Object.fromEntries(done.visits.map((x) => [x.key, x]));
    expect(v['infusion-1']).toMatchObject({ status: 'done', actualDate: '2025-06-12', plannedDate: '2025-06-10', outOfWindow: true, reason: 'Pharmacy delay' });
    // Blinded: the log says the same for every arm, and gives no total.
    expect(v['infusion-1']!.dose).toMatchObject({ lotNumber: 'LOT-7', weightKg: 71, doseText: 'Blinded study treatment', totalAmount: null });
    expect(v['day-28']).toMatchObject({ plannedDate: '2025-07-09', projectedDate: '2025-07-07', studyDay: 28 });
    const after = ok<{ overdue: unknown[]; outOfWindow: { studyId: string; assignment: string }[] }>('worklists', { today: '2025-06-20' });
    expect(after.overdue).toHaveLength(0);
    expect(after.outOfWindow.map((r) => [r.studyId, r.assignment])).toEqual([['S-004', done.assignment.code]]);
  });

  it('per-kg doses: the total comes from the recorded weight (0.5×10⁶ cells/kg × 72 kg = 3.6×10⁷ cells)', () => {
    const { ok, enroll } = setup();
    // Open label (a copy of the COVID-19 trial with masking "NONE"): the arm's own dose and total.
    const open = JSON.parse(JSON.stringify(ok<{ protocol: Record<string, unknown> }>('getProtocol', { id: 'ucmsc-covid19' }).protocol)) as Record<string, unknown> & { design: { masking: string } };
    open.id = 'covid-open';
    open.design.masking = 'NONE';
    ok('importProtocol', { document: open });
    const os = ok('screenParticipant', { protocolId: 'covid-open', studyId: 'O-1', initials: 'OP', ageYears: 50, sex: 'male', weightKg: 72, consentDate: '2025-06-01', by: 'CO' });
    const od = enroll({ participantId: answerAll(ok, os).participant.id, day1: '2025-06-10', armKey: 'uc-msc', by: 'CO' });
    const odone = ok('markVisitDone', { visitId: od.visits[0]!.id, actualDate: '2025-06-10', dose: { lotNumber: 'L0', givenAt: '2025-06-10T08:00', weightKg: null }, by: 'CO' });
    expect(odone.visits[0]!.dose).toMatchObject({ totalAmount: 36000000, totalUnit: 'cells', doseText: '5×10⁵ cells/kg × 72 kg = 3.6×10⁷ cells' });

    const s = ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-1', initials: 'EF', ageYears: 50, sex: 'male', weightKg: 72, consentDate: '2025-06-01', by: 'CO' });
    const d = enroll({ participantId: answerAll(ok, s).participant.id, day1: '2025-06-10', by: 'CO' });
    expect(d.doseRule).toMatchObject({ perKg: true, amount: 500000, unit: 'cells' });
    const done = ok('markVisitDone', { visitId: d.visits[0]!.id, actualDate: '2025-06-10', dose: { lotNumber: 'L1', givenAt: '2025-06-10T08:00', weightKg: null }, by: 'CO' });
    // Blinded: the same words and figures for both arms, the active arm's working for the preparation.
    expect(done.visits[0]!.dose).toMatchObject({ totalAmount: 36000000, totalUnit: 'cells', doseText: 'Blinded study treatment (if active: 5×10⁵ cells/kg × 72 kg = 3.6×10⁷ cells)' });
  });

  it('open-label trials show the arm and may assign by hand; withdrawal cancels only future visits', () => {
    const { call, ok, enroll } = setup();
    const s = ok('screenParticipant', { protocolId: 'hucmsc-decompensated-cirrhosis', studyId: 'B-1', initials: 'GH', ageYears: 50, sex: 'female', consentDate: '2025-05-01', by: 'CO' });
    const d = enroll({ participantId: answerAll(ok, s).participant.id, day1: '2025-05-02', armKey: 'high', by: 'CO' });
    expect(d.assignment).toMatchObject({ blinded: false, armKey: 'high', armLabel: 'Conventional therapy plus hUC-MSCs treatment (high dose)', code: null });
    const blindHand = call('enrollParticipant', { participantId: 999, day1: '2025-05-02', armKey: 'x', by: 'CO' });
    expect(blindHand.ok).toBe(false);

    const c = ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-2', initials: 'IJ', ageYears: 40, sex: 'male', weightKg: 80, consentDate: '2025-06-01', by: 'CO' });
    const e = enroll({ participantId: answerAll(ok, c).participant.id, day1: '2025-06-02', by: 'CO' });
    ok('markVisitDone', { visitId: e.visits[0]!.id, actualDate: '2025-06-02', dose: { lotNumber: 'L', givenAt: '2025-06-02T09:00', weightKg: null }, by: 'CO' });
    const w = ok('withdrawParticipant', { participantId: e.participant.id, date: '2025-06-05', reason: 'Consent withdrawn', by: 'CO' });
    expect(w.visits.map((v) => [v.key, v.status])).toEqual([
      ['infusion-1', 'done'],
      ['infusion-2', 'planned'],
      ['infusion-3', 'cancelled'],
      ['infusion-4', 'cancelled'],
      ['post-24h', 'cancelled'],
      ['post-w1', 'cancelled'],
      ['post-w2', 'cancelled'],
      ['day-28', 'cancelled'],
      ['post-w4', 'cancelled'],
      ['post-w8', 'cancelled'],
    ]);
  });

  it('unblinding one participant is explicit, needs a reason and the passphrase, and is recorded as a signature', () => {
    const { call, ok, enroll } = setup();
    const d = enroll({ participantId: answerAll(ok, screenSepsis(ok, 'S-005')).participant.id, day1: '2025-06-10', by: 'CO' });
    expect(call('unblindParticipant', { participantId: d.participant.id, reason: '', passphrase: TEST_PASSPHRASE, by: 'PI' }).ok).toBe(false);
    const wrong = call('unblindParticipant', { participantId: d.participant.id, reason: 'Serious adverse event', passphrase: 'not it', by: 'PI' });
    expect(wrong.ok ? null : wrong.error.message).toBe('Not signed: Those initials and that passphrase do not match.');
    const u = ok('unblindParticipant', { participantId: d.participant.id, reason: 'Serious adverse event', passphrase: TEST_PASSPHRASE, by: 'PI' });
    expect(['experimental', 'sham']).toContain(u.assignment.armKey);
    expect(u.assignment.unblinded).toMatchObject({ by: 'PI', name: 'Person PI', reason: 'Serious adverse event', meaning: 'Unblinded because Serious adverse event' });
  });

  it('missed and rescheduled visits re-plan what depends on them', () => {
    const { ok, enroll } = setup();
    const c = ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-3', initials: 'KL', ageYears: 40, sex: 'male', weightKg: 80, consentDate: '2025-06-01', by: 'CO' });
    const e = enroll({ participantId: answerAll(ok, c).participant.id, day1: '2025-06-02', by: 'CO' });
    const inf4 = e.visits.find((v) => v.key === 'infusion-4')!;
    const r = ok('rescheduleVisit', { visitId: inf4.id, newDate: '2025-06-10', reason: 'Bed not available', by: 'CO' });
    const by = (d: ParticipantDetail) => Object.fromEntries(d.visits.map((v) => [v.key, v]));
    expect(by(r)['infusion-4']).toMatchObject({ plannedDate: '2025-06-10', rescheduled: true });
    expect(by(r)['post-w1']!.plannedDate).toBe('2025-06-17');
    // Missed on its new date: it stays there, and what counts from it keeps counting from there.
    const m = ok('markVisitMissed', { visitId: inf4.id, reason: 'Patient unwell', by: 'CO' });
    expect(by(m)['infusion-4']).toMatchObject({ status: 'missed', plannedDate: '2025-06-10' });
    expect(by(m)['post-w1']!.plannedDate).toBe('2025-06-17');
    const w8 = by(m)['post-w8']!;
    const n = ok('setVisitNotes', { visitId: w8.id, notes: 'Prefers mornings', by: 'CO' });
    expect(by(n)['post-w8']!.notes).toBe('Prefers mornings');
    const cancelled = ok('cancelVisit', { visitId: w8.id, reason: 'Site closed', by: 'CO' });
    expect(by(cancelled)['post-w8']).toMatchObject({ status: 'cancelled', reason: 'Site closed', notes: 'Prefers mornings' });
  });
});

describe('worklists', () => {
  it('give the first rows of each list and how many there are in all', () => {
    const { ok, enroll } = setup();
    const c = ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-9', initials: 'WL', ageYears: 40, sex: 'male', weightKg: 80, consentDate: '2025-04-01', by: 'CO' });
    enroll({ participantId: answerAll(ok, c).participant.id, day1: '2025-04-02', by: 'CO' });
    const few = ok<{ overdue: unknown[]; totals: { overdue: number }; limit: number }>('worklists', { today: '2025-06-20', limit: 3 });
    expect(few.overdue).toHaveLength(3);
    expect(few.totals.overdue).toBe(10); // every visit, the last on 3 June, is past its window by 20 June
    const all = ok<{ overdue: { visitLabel: string }[] }>('worklists', { today: '2025-06-20' });
    expect(all.overdue.map((r) => r.visitLabel).slice(0, 2)).toEqual(['Study treatment 1 of 4', 'Study treatment 2 of 4']);
  });
});

describe('refusals change nothing', () => {
  it('every refused action leaves the database as it was and says why', () => {
    const { conn, call, ok, enroll } = setup();
    const d = enroll({ participantId: answerAll(ok, screenSepsis(ok, 'S-020')).participant.id, day1: '2025-06-10', by: 'CO' });
    const [dose, day28] = d.visits;
    const before = dumpTables(conn);
    const refusals: [string, unknown, RegExp][] = [
      ['markVisitDone', { visitId: dose!.id, actualDate: '2025-07-01', by: 'CO', dose: { lotNumber: 'L', givenAt: '2025-07-01T09:00', weightKg: null } }, /in the future/],
      ['markVisitDone', { visitId: dose!.id, actualDate: '2025-06-10', by: 'CO' }, /record the lot number/],
      ['markVisitDone', { visitId: day28!.id, actualDate: '2025-06-10', by: 'CO', dose: { lotNumber: 'L', givenAt: '2025-06-10T09:00', weightKg: null } }, /outside the window|not a dose/],
      ['rescheduleVisit', { visitId: day28!.id, newDate: '2025-07-08', reason: '', by: 'CO' }, /a reason is required/],
      ['withdrawParticipant', { participantId: d.participant.id, date: '2025-12-01', reason: 'x', by: 'CO' }, /in the future/],
      ['answerEligibility', { participantId: d.participant.id, answers: [{ key: 'inc-age', met: false }], by: 'CO' }, /only be answered during screening/],
      ['enrollParticipant', { participantId: d.participant.id, day1: '2025-06-10', by: 'CO' }, /only a participant in screening/],
      ['unblindParticipant', { participantId: d.participant.id, reason: 'x', by: 'CO' }, /Your passphrase|Passphrase: is required/],
      ['screenParticipant', { protocolId: 'ucmsc-sepsis', studyId: 'S-020', initials: 'AB', ageYears: 1, sex: 'male', consentDate: '2025-06-01', by: 'CO' }, /already used/],
      ['screenParticipant', { protocolId: 'ucmsc-sepsis', studyId: 'S-021', initials: 'Jane', ageYears: 1, sex: 'male', consentDate: '2025-06-01', by: 'CO' }, /initials are 1 to 4 capital letters/],
    ];
    for (const [method, input, why] of refusals) {
      const r = call(method, input);
      expect(r.ok, method).toBe(false);
      if (!r.ok) expect(r.error.message, method).toMatch(why);
      expect(dumpTables(conn), method).toEqual(before);
    }
  });
});

describe('participant import from CSV', () => {
  it('imports enrolled participants with actual dates, scheduled from their arm', () => {
    const { ok } = setup();
    // Masking is not stated for this trial, so it is treated as blinded: codes, not arms.
    const csv = 'study_id,initials,arm,day1,weight_kg,actual:infusion-1,actual:infusion-2\nH-1,AB,QX7R2M,2025-01-06,70,2025-01-06,2025-02-05\nH-2,CD,QX7R2N,2025-02-03,,2025-02-03,\n';
    expect(ok('importParticipants', { protocolId: 'ucmsc-cirrhosis', csv, by: 'CO' })).toEqual({ imported: 2, visits: 14 });
    const list = ok<{ studyId: string; id: number }[]>('listParticipants', { protocolId: 'ucmsc-cirrhosis' });
    const h1 = ok('getParticipant', { participantId: list.find((p) => p.studyId === 'H-1')!.id });
    const v = Object.fromEntries(h1.visits.map((x) => [x.key, x]));
    expect(v['infusion-2']).toMatchObject({ status: 'done', actualDate: '2025-02-05', plannedDate: '2025-02-03', outOfWindow: true });
    expect(v['infusion-3']!.plannedDate).toBe('2025-03-05');
  });

  it('reports every bad row by line and column and writes nothing', () => {
    const { conn, call } = setup();
    const before = dumpTables(conn);
    const csv = [
      'study_id,initials,arm,day1,weight_kg,actual:transplant-1',
      'B-1,AB,low,2025-01-06,70,',
      'B-2,Jane Doe,medium,2025-02-30,heavy,',
      'B-1,EF,very-high,2025-01-06,,2025-13-01',
    ].join('\n');
    const r = call('importParticipants', { protocolId: 'hucmsc-decompensated-cirrhosis', csv, by: 'CO' });
    expect(r.ok ? [] : r.error.details).toEqual([
      'line 3, column initials: "Jane Doe" is not 1 to 4 capital letters (no names)',
      'line 3, column day1: "2025-02-30" is not a real date in the form YYYY-MM-DD',
      'line 3, column weight_kg: "heavy" is not a weight in kg (a number such as 72 or 72.5, more than 0 and at most 500)',
      'line 4, column study_id: B-1 appears twice in the file',
      'line 4, column arm: unknown arm "very-high"; arms: low, medium, high',
      'line 4, column actual:transplant-1: "2025-13-01" is not a real date in the form YYYY-MM-DD',
    ]);
    expect(dumpTables(conn)).toEqual(before);
  });

  it('a blinded trial takes blinded codes, not arms, and schedules from the arms\u2019 shared schedule', () => {
    const { call, ok } = setup();
    const bad = call('importParticipants', { protocolId: 'ucmsc-sepsis', csv: 'study_id,initials,arm,day1,weight_kg\nS-9,AB,sham,2025-06-01,60\n', by: 'CO' });
    expect(bad.ok ? [] : bad.error.details).toEqual(['line 2, column arm: ucmsc-sepsis is blinded: give the blinded code, not the arm']);
    expect(ok('importParticipants', { protocolId: 'ucmsc-sepsis', csv: 'study_id,initials,arm,day1,weight_kg\nS-9,AB,K7Q4F2,2025-06-01,60\n', by: 'CO' })).toEqual({ imported: 1, visits: 2 });
    const list = ok<{ assignment: string }[]>('listParticipants', { protocolId: 'ucmsc-sepsis' });
    expect(list[0]!.assignment).toBe('K7Q4F2');
  });
});
