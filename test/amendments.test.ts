import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MovePreview, ProtocolDetail } from '../core/api.js';
import type { ParticipantDetail } from '../core/participants.js';
import { ProtocolSchema, type Protocol } from '../core/protocol.js';
import { diffProtocols, formatChange } from '../core/protocol-diff.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { dumpTables, freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';

const covid = (): Protocol => ProtocolSchema.parse(JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-covid19.json'), 'utf8')));

/** The COVID-19 trial with a week-12 visit added to both arms. */
function withWeek12(p: Protocol): Protocol {
  return {
    ...p,
    arms: p.arms.map((a) => ({
      ...a,
      visits: [...a.visits, { key: 'week-12', label: 'Week 12', kind: 'follow-up', anchor: { type: 'firstDose' }, offset: { value: 12, unit: 'weeks' }, window: null, procedures: ['Lung CT'] }],
    })),
  };
}

function setup(now = new Date('2025-06-20T09:00:00')) {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const s = serviceFor(conn, now);
  const enroll = (studyId: string) => {
    const d = s.ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId, initials: 'EF', ageYears: 50, sex: 'male', weightKg: 72, consentDate: '2025-06-01', by: 'CO' });
    const answered = s.ok('answerEligibility', { participantId: d.participant.id, by: 'CO', answers: d.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    return s.enroll({ participantId: answered.participant.id, day1: '2025-06-10', by: 'CO' });
  };
  return { conn, ...s, enroll };
}

const byKey = (d: ParticipantDetail) => Object.fromEntries(d.visits.map((v) => [v.key, v]));

describe('protocol amendments', () => {
  it('a saved change is a new version; participants stay on theirs until moved, and the move adds the week-12 visit and keeps what was done', () => {
    const { ok, enroll } = setup();
    const p = enroll('C-1');
    const first = ok('markVisitDone', { visitId: p.visits[0]!.id, actualDate: '2025-06-11', reason: 'Bed shortage', dose: { lotNumber: 'L1', givenAt: '2025-06-11T08:00', weightKg: null }, by: 'CO' });
    const doneBefore = first.visits.filter((v) => v.status === 'done');

    expect(ok('importProtocol', { document: withWeek12(covid()), asNewVersion: true, note: 'Amendment 1: week-12 CT', effectiveDate: '2025-06-20', by: 'CO' })).toEqual({ id: 'ucmsc-covid19', version: 2, outcome: 'new-version' });
    const detail = ok<ProtocolDetail>('getProtocol', { id: 'ucmsc-covid19' });
    expect(detail.versions.map((v) => [v.version, v.note, v.effectiveDate, v.participants])).toEqual([
      [1, null, null, 1],
      [2, 'Amendment 1: week-12 CT', '2025-06-20', 0],
    ]);
    expect(ok<ParticipantDetail>('getParticipant', { participantId: p.participant.id }).participant.protocolVersion).toBe(1);

    const diff = ok<{ changes: { op: string; path: string }[] }>('diffProtocolVersions', { id: 'ucmsc-covid19', from: 1, to: 2 });
    expect(diff.changes.map((c) => `${c.op} ${c.path}`)).toEqual(['added arms[uc-msc].visits[week-12]', 'added arms[placebo].visits[week-12]']);

    const preview = ok<MovePreview[]>('previewMove', { protocolId: 'ucmsc-covid19', toVersion: 2, participantIds: [p.participant.id] });
    expect(preview).toEqual([
      { participantId: p.participant.id, studyId: 'C-1', fromVersion: 1, toVersion: 2, blocked: null, kept: 1, changes: [{ key: 'week-12', label: 'Week 12', change: 'added', before: null, after: '2025-09-03', detail: null }] },
    ]);
    ok('moveParticipants', { protocolId: 'ucmsc-covid19', toVersion: 2, participantIds: [p.participant.id], by: 'CO', reason: 'Amendment 1' });
    const moved = ok<ParticipantDetail>('getParticipant', { participantId: p.participant.id });
    expect(moved.participant.protocolVersion).toBe(2);
    expect(byKey(moved)['week-12']).toMatchObject({ status: 'planned', plannedDate: '2025-09-03', procedures: ['Lung CT'] });
    expect(moved.visits.filter((v) => v.status === 'done')).toEqual(doneBefore);
    // Everything else planned is where it was.
    const before = byKey(first);
    for (const v of moved.visits) if (v.key !== 'week-12') expect([v.key, v.plannedDate, v.status]).toEqual([v.key, before[v.key]!.plannedDate, before[v.key]!.status]);
    // The move is in the participant's history, with its reason.
    const audit = ok<{ method: string; reason: string | null }[]>('participantAudit', { participantId: p.participant.id });
    expect(audit.filter((a) => a.method === 'moveParticipants').every((a) => a.reason === 'Amendment 1')).toBe(true);
  });

  it('a changed offset moves planned visits, a removed visit is cancelled, done visits never change', () => {
    const { ok, enroll } = setup();
    const p = enroll('C-2');
    const postW1 = byKey(p)['post-w1']!;
    ok('markVisitDone', { visitId: p.visits[0]!.id, actualDate: '2025-06-10', dose: { lotNumber: 'L1', givenAt: '2025-06-10T08:00', weightKg: null }, by: 'CO' });
    const v2 = covid();
    const amended: Protocol = {
      ...v2,
      arms: v2.arms.map((a) => ({
        ...a,
        visits: a.visits.filter((v) => v.key !== 'post-w2').map((v) => (v.key === 'post-w8' ? { ...v, offset: { value: 10, unit: 'weeks' as const }, procedures: ['Lung CT'] } : v)),
      })),
    };
    ok('importProtocol', { document: amended, asNewVersion: true, note: 'Drop week 2, week 8 becomes week 10', by: 'CO' });
    const [preview] = ok<MovePreview[]>('previewMove', { protocolId: 'ucmsc-covid19', toVersion: 2 });
    expect(preview!.changes.map((c) => [c.key, c.change, c.before, c.after])).toEqual([
      ['post-w8', 'moved', '2025-08-11', '2025-08-25'],
      ['post-w8', 'changed', '2025-08-11', '2025-08-25'],
      ['post-w2', 'removed', '2025-06-30', null],
    ]);
    expect(preview!.kept).toBe(1);
    const [done] = ok<MovePreview[]>('moveParticipants', { protocolId: 'ucmsc-covid19', toVersion: 2, by: 'CO' });
    expect(done).toEqual(preview);
    const after = byKey(ok<ParticipantDetail>('getParticipant', { participantId: p.participant.id }));
    expect(after['post-w2']).toMatchObject({ status: 'cancelled', reason: 'Not in protocol version 2' });
    expect(after['post-w8']).toMatchObject({ status: 'planned', plannedDate: '2025-08-25', procedures: ['Lung CT'] });
    expect(after['post-w1']!.plannedDate).toBe(postW1.plannedDate);
    expect(after['infusion-1']).toMatchObject({ status: 'done', actualDate: '2025-06-10' });
  });

  it('refuses the whole move when one participant cannot move, and changes nothing', () => {
    const { ok, call, enroll, conn } = setup();
    const a = enroll('C-3');
    const b = enroll('C-4');
    ok('withdrawParticipant', { participantId: b.participant.id, date: '2025-06-15', reason: 'Moved away', by: 'CO' });
    ok('importProtocol', { document: withWeek12(covid()), asNewVersion: true, by: 'CO' });
    const before = dumpTables(conn);
    const r = call('moveParticipants', { protocolId: 'ucmsc-covid19', toVersion: 2, participantIds: [a.participant.id, b.participant.id], by: 'CO' });
    expect(r.ok ? null : r.error.message).toBe('Nothing was moved: C-4 has withdrawn; their record stays on version 1.');
    const back = call('moveParticipants', { protocolId: 'ucmsc-covid19', toVersion: 1, participantIds: [a.participant.id], by: 'CO' });
    expect(back.ok ? null : back.error.message).toBe('Nothing was moved: C-3 is already on version 1.');
    const noArm = covid();
    ok('importProtocol', { document: { ...noArm, arms: [noArm.arms[0]!] }, asNewVersion: true, by: 'CO' });
    const after = dumpTables(conn);
    const preview = ok<MovePreview[]>('previewMove', { protocolId: 'ucmsc-covid19', toVersion: 3, participantIds: [a.participant.id] });
    const armKey = conn.read((db) => (db.prepare('SELECT arm_key FROM participants WHERE id = ?').get(a.participant.id) as { arm_key: string }).arm_key);
    expect(preview[0]!.blocked).toBe(armKey === 'placebo' ? 'Version 3 has no arm "placebo", the arm C-3 is on.' : null);
    expect(dumpTables(conn).participants).toEqual(after.participants);
    expect(before.visits).toEqual(after.visits);
  });

  it('new screenings use the latest version in effect on the day', () => {
    const { ok } = setup(new Date('2025-06-20T09:00:00'));
    ok('importProtocol', { document: withWeek12(covid()), asNewVersion: true, effectiveDate: '2025-07-01', by: 'CO' });
    const s = ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-9', initials: 'GH', ageYears: 40, sex: 'female', weightKg: 60, consentDate: '2025-06-19', by: 'CO' });
    expect(s.participant.protocolVersion).toBe(1);
    const later = setup(new Date('2025-07-02T09:00:00'));
    later.ok('importProtocol', { document: withWeek12(covid()), asNewVersion: true, effectiveDate: '2025-07-01', by: 'CO' });
    expect(later.ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-9', initials: 'GH', ageYears: 40, sex: 'female', weightKg: 60, consentDate: '2025-06-19', by: 'CO' }).participant.protocolVersion).toBe(2);
  });
});

describe('protocol diff', () => {
  it('names list items by key and reports additions, removals, changes and reordering', () => {
    const a = covid();
    const arm = a.arms[0]!;
    const b: Protocol = {
      ...a,
      title: 'New title',
      arms: [{ ...arm, visits: [...arm.visits.slice(1).reverse(), { ...arm.visits[0]!, offset: { value: 48, unit: 'hours' } }] }, ...a.arms.slice(1)],
      eligibility: { ...a.eligibility, exclusion: [] },
    };
    const lines = diffProtocols(a, b).map(formatChange);
    expect(lines).toContain('~ title: "Umbilical cord-derived mesenchymal stem cells (UC-MSCs) for 2019 novel coronavirus (2019-nCoV) pneumonia" → "New title"'.replace(/"Umbilical[^"]*"/, JSON.stringify(a.title)));
    expect(lines).toContain('~ arms[uc-msc].visits[post-24h].offset.value: 24 → 48');
    expect(lines).toContain(`- eligibility.exclusion[exc-underlying]: "Severe underlying diseases"`);
    expect(lines.some((l) => l.startsWith('~ arms[uc-msc].visits (order)'))).toBe(true);
    expect(diffProtocols(a, structuredClone(a))).toEqual([]);
  });
});
