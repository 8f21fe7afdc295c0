// The audit trail in sentences: what a monitor reads on the participant page and in the export.
import { describe, expect, it } from 'vitest';
import { auditChanges, auditSentence } from '../core/audit-words.js';
import type { AuditEntry, ParticipantDetail } from '../core/participants.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { freshDb, SEEDS_DIR, serviceFor, TEST_PASSPHRASE } from './helpers/db.js';

const WORDS = { date: (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`)) };

describe('the audit trail in sentences', () => {
  it('a participant’s week: screened, answered, signed, enrolled, a dose done late with its reason, corrected, a visit missed and put back', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok, enroll } = serviceFor(conn, new Date('2026-12-20T10:00:00'));
    const s = ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-7', initials: 'AB', ageYears: 40, sex: 'female', weightKg: 70, consentDate: '2026-11-20', by: 'ML' });
    ok('answerEligibility', { participantId: s.participant.id, by: 'ML', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    const e = enroll({ participantId: s.participant.id, day1: '2026-11-22', by: 'ML' });
    const second = e.visits[1]!;
    ok('markVisitDone', { visitId: e.visits[0]!.id, actualDate: '2026-11-22', dose: { lotNumber: 'L-1', givenAt: '2026-11-22T09:00', weightKg: null }, by: 'ML' });
    ok('markVisitDone', { visitId: second.id, actualDate: '2026-11-28', reason: 'fever', dose: { lotNumber: 'L-2', givenAt: '2026-11-28T10:30', weightKg: null }, by: 'ML' });
    ok('correctVisit', { visitId: second.id, lotNumber: 'L-3', reason: 'lot copied wrongly', by: 'JS' });
    const third = e.visits[2]!;
    ok('markVisitMissed', { visitId: third.id, reason: 'not seen', by: 'ML' });
    ok('undoVisit', { visitId: third.id, reason: 'marked missed by mistake', by: 'JS' });
    ok('unblindParticipant', { participantId: s.participant.id, reason: 'SAE', passphrase: TEST_PASSPHRASE, by: 'UB' });
    const trail = ok<AuditEntry[]>('participantAudit', { participantId: s.participant.id }, { kind: 'person', initials: 'ML' });
    const lines = trail.map((x) => auditSentence(x, WORDS));
    expect(lines[0]).toBe('ML screened C-7 (AB)');
    expect(lines).toContain('ML answered the inclusion criterion “Aged 18 to 75 years”: met');
    expect(lines.some((l) => /^ML signed the eligibility answers/.test(l))).toBe(true);
    expect(lines).toContain('ML enrolled C-7 (AB) with Study Day 1 on 22 Nov 2026');
    expect(lines).toContain(`ML recorded ${second.label} as done on 28 Nov 2026 (out of window: fever)`);
    expect(lines).toContain(`JS corrected the dose of ${second.label} (lot copied wrongly)`);
    expect(lines).toContain(`ML recorded ${third.label} as missed (not seen)`);
    expect(lines).toContain(`JS put ${third.label} back to planned (it was missed) (marked missed by mistake)`);
    expect(lines).toContain('UB unblinded C-7 (AB): SAE');
    const correction = trail.find((x) => x.entity === 'doses' && x.action === 'update')!;
    expect(auditChanges(correction, WORDS)).toEqual(['Lot number: L-2 → L-3']);
    // No developer words: no method names, no table names, no field paths.
    for (const l of lines) expect(l, l).not.toMatch(/markVisit|eligibility_answers|_date|_id\b|participants \d|visits \d/);
    const detail = ok<ParticipantDetail>('getParticipant', { participantId: s.participant.id });
    expect(detail.participant.studyId).toBe('C-7');
    conn.close();
  });
});
