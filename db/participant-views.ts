// The participant list and page as the app shows them to a given person: the arm of a blinded
// participant only to someone with the `unblinded` role, and only after a signed unblinding.
import { doseRuleFor } from '../core/dose.js';
import { formatAge } from '../core/format.js';
import type { AssignmentView, CriterionAnswer, ParticipantDetail, ParticipantSummary } from '../core/participants.js';
import type { Protocol } from '../core/protocol.js';
import { isBlinded, isBlindedMasking, type ParticipantStatus } from '../core/vocabulary.js';
import { eligibilityOf, eligibilitySignature } from './participants.js';
import { participantRow, protocolFor, type ParticipantRow } from './rows.js';
import { statements } from './statements.js';
import type { ReadableDB } from './types.js';
import { eventViews, visitViews } from './visit-views.js';

const stmts = statements((db) => ({
  unblinding: db.prepare('SELECT by_user AS by, coalesce(signer_name, by_user) AS name, at, reason, coalesce(meaning, reason) AS meaning FROM unblindings WHERE participant_id = ? ORDER BY id LIMIT 1'),
}));

export function unblindingOf(db: ReadableDB, participantId: number): AssignmentView['unblinded'] {
  return (stmts(db).unblinding.get(participantId) as AssignmentView['unblinded'] | undefined) ?? null;
}

export function assignmentOf(db: ReadableDB, p: ParticipantRow, protocol: Protocol, seesArms: boolean): AssignmentView {
  const blinded = isBlinded(protocol);
  const unblinding = unblindingOf(db, p.id);
  const showArm = p.arm_key !== null && (!blinded || (unblinding !== null && seesArms));
  return {
    blinded,
    code: blinded ? p.blinded_code : null,
    armKey: showArm ? p.arm_key : null,
    armLabel: showArm ? (protocol.arms.find((a) => a.key === p.arm_key)?.label ?? p.arm_key) : null,
    armOnRecord: p.arm_key !== null,
    unblinded: unblinding,
    stratum: p.stratum,
  };
}

export function participantDetail(db: ReadableDB, id: number, seesArms: boolean): ParticipantDetail {
  const p = participantRow(db, id);
  const protocol = protocolFor(db, p);
  const { given, result } = eligibilityOf(db, p, protocol);
  const criteria: CriterionAnswer[] = [
    ...protocol.eligibility.inclusion.map((c) => ({ c, kind: 'inclusion' as const })),
    ...protocol.eligibility.exclusion.map((c) => ({ c, kind: 'exclusion' as const })),
  ].map(({ c, kind }) => {
    const a = given.get(c.key);
    return { key: c.key, kind, text: c.text, group: c.group ?? null, met: a?.met ?? null, answeredBy: a?.by ?? null, answeredAt: a?.at ?? null };
  });
  const min = formatAge(protocol.eligibility.minimumAge);
  const max = formatAge(protocol.eligibility.maximumAge);
  const { visits, open } = visitViews(db, p, protocol);
  const events = eventViews(db, p, protocol);
  return {
    participant: {
      id: p.id,
      protocolId: p.protocol_id,
      protocolTitle: protocol.title,
      protocolVersion: p.protocol_version,
      studyId: p.study_id,
      initials: p.initials,
      birthDate: p.birth_date,
      ageYears: p.age_years,
      sex: p.sex,
      weightKg: p.weight_kg,
      consentDate: p.consent_date,
      status: p.status,
      screenFailReason: p.screen_fail_reason,
      day1: p.day1,
      enrolledAt: p.enrolled_at,
      withdrawnOn: p.withdrawn_on,
      withdrawalReason: p.withdrawal_reason,
    },
    assignment: assignmentOf(db, p, protocol, seesArms),
    eligibility: {
      eligible: result.eligible,
      ageOk: result.ageOk,
      ageYears: result.ageYears,
      ageRange: min || max ? `${min ?? 'no minimum'} to ${max ?? 'no maximum'}` : 'not stated',
      reasons: result.reasons,
      criteria,
      signature: eligibilitySignature(db, p.id),
    },
    visits,
    open,
    events,
    manualArms: !isBlinded(protocol) && protocol.arms.length > 1 ? protocol.arms.map((a) => ({ key: a.key, label: a.label })) : [],
    doseRule: doseRuleFor(protocol, p.arm_key),
  };
}

export function listParticipants(db: ReadableDB, protocolId: string | undefined, seesArms: boolean, today: string): ParticipantSummary[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.protocol_id, p.study_id, p.initials, p.status, p.arm_key, p.blinded_code, pr.title, pr.masking,
         (SELECT v.label || char(31) || v.planned_date FROM visits v
            WHERE v.participant_id = p.id AND v.status = 'planned' ORDER BY v.planned_date, v.position LIMIT 1) AS next,
         EXISTS (SELECT 1 FROM unblindings u WHERE u.participant_id = p.id) AS unblinded
       FROM participants p JOIN protocols pr ON pr.id = p.protocol_id
       WHERE (@protocolId IS NULL OR p.protocol_id = @protocolId)
       ORDER BY pr.title COLLATE NOCASE, p.study_id`,
    )
    .all({ protocolId: protocolId ?? null }) as {
    id: number;
    protocol_id: string;
    study_id: string;
    initials: string;
    status: ParticipantStatus;
    arm_key: string | null;
    blinded_code: string | null;
    title: string;
    masking: string | null;
    next: string | null;
    unblinded: number;
  }[];
  // Overdue visits, counted once from the (status, window end) index: only the overdue are read.
  const overdue = new Map(
    db.prepare("SELECT participant_id, count(*) FROM visits WHERE status = 'planned' AND window_end < ? GROUP BY participant_id").raw().all(today) as [number, number][],
  );
  const armLabels = new Map<string, Map<string, string>>();
  const labelOf = (protocolId: string, arm: string) => {
    if (!armLabels.has(protocolId)) {
      const arms = db.prepare('SELECT a.key, a.label FROM arms a JOIN protocols p ON p.id = a.protocol_id AND p.current_version = a.version WHERE a.protocol_id = ?').all(protocolId) as {
        key: string;
        label: string;
      }[];
      armLabels.set(protocolId, new Map(arms.map((a) => [a.key, a.label])));
    }
    return armLabels.get(protocolId)!.get(arm) ?? arm;
  };
  return rows.map((r) => {
    const [label, date] = r.next?.split('\u001f') ?? [];
    const blinded = isBlindedMasking(r.masking);
    const showArm = r.arm_key !== null && (!blinded || (r.unblinded === 1 && seesArms));
    return {
      id: r.id,
      protocolId: r.protocol_id,
      protocolTitle: r.title,
      studyId: r.study_id,
      initials: r.initials,
      status: r.status,
      assignment: showArm ? labelOf(r.protocol_id, r.arm_key!) : blinded ? r.blinded_code : null,
      nextVisit: label && date ? { label, date } : null,
      overdue: r.status === 'enrolled' ? (overdue.get(r.id) ?? 0) : 0,
    };
  });
}
