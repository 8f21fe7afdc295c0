// Participants: screening, eligibility, enrollment with randomization, withdrawal, unblinding,
// and the participant page's data. Every exported writer runs inside the caller's transaction.
import { evaluateEligibility, isBlinded } from '../core/eligibility.js';
import { formatAge } from '../core/format.js';
import type { AssignmentView, AuditEntry, CriterionAnswer, ParticipantDetail, ParticipantStatus, ParticipantSummary } from '../core/participants.js';
import { auditRows } from './audit.js';
import type { ParsedInput } from '../core/api.js';
import type { Protocol } from '../core/protocol.js';
import { AppError } from './errors.js';
import { getProtocol, versionInEffect } from './protocols.js';
import { assignFromList } from './randomize.js';
import type { ReadableDB, WritableDB } from './types.js';
import { visitViews } from './visit-views.js';
import { doseRuleFor, replan } from './visits.js';

export interface ParticipantRow {
  id: number;
  protocol_id: string;
  protocol_version: number;
  study_id: string;
  initials: string;
  birth_date: string | null;
  age_years: number | null;
  sex: string;
  weight_kg: number | null;
  consent_date: string | null;
  status: ParticipantStatus;
  screen_fail_reason: string | null;
  arm_key: string | null;
  blinded_code: string | null;
  stratum: string | null;
  day1: string | null;
  enrolled_at: string | null;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
}

export interface Clock {
  /** ISO timestamp for "when" columns. */
  readonly now: string;
  /** The local calendar date, to refuse records from the future. */
  readonly today: string;
}

export function participantRow(db: ReadableDB, id: number): ParticipantRow {
  const row = db.prepare('SELECT * FROM participants WHERE id = ?').get(id) as ParticipantRow | undefined;
  if (!row) throw new AppError('not_found', `No participant with id ${id}.`);
  return row;
}

// Protocol versions never change once written, so a parsed document can be reused; the cache is
// keyed by the document text itself, so two databases can never share a wrong entry.
const parsedProtocols = new Map<string, Protocol>();

/** The protocol version a participant is on. */
export function protocolFor(db: ReadableDB, row: { protocol_id: string; protocol_version: number }): Protocol {
  const doc = db.prepare('SELECT document FROM protocol_versions WHERE protocol_id = ? AND version = ?').get(row.protocol_id, row.protocol_version) as { document: string };
  let protocol = parsedProtocols.get(doc.document);
  if (!protocol) {
    if (parsedProtocols.size > 200) parsedProtocols.clear();
    protocol = JSON.parse(doc.document) as Protocol;
    parsedProtocols.set(doc.document, protocol);
  }
  return protocol;
}

export function screenParticipant(db: WritableDB, input: ParsedInput<'screenParticipant'>, clock: Clock): number {
  const { protocol } = getProtocol(db, input.protocolId);
  const version = versionInEffect(db, protocol.id, clock.today);
  if (input.consentDate > clock.today) throw new AppError('invalid_input', `The consent date ${input.consentDate} is in the future.`);
  if (input.birthDate && input.birthDate > input.consentDate) throw new AppError('invalid_input', 'The date of birth is after the consent date.');
  const clash = db.prepare('SELECT id FROM participants WHERE protocol_id = ? AND study_id = ?').get(protocol.id, input.studyId);
  if (clash) throw new AppError('conflict', `Study ID ${input.studyId} is already used in ${protocol.id}.`);
  const r = db
    .prepare(
      `INSERT INTO participants (protocol_id, protocol_version, study_id, initials, birth_date, age_years, sex, weight_kg, consent_date,
         status, created_at, created_by, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'screening', ?, ?, ?)`,
    )
    .run(protocol.id, version, input.studyId, input.initials, input.birthDate, input.ageYears, input.sex, input.weightKg, input.consentDate, clock.now, input.by, clock.now);
  return Number(r.lastInsertRowid);
}

export function answerEligibility(db: WritableDB, input: ParsedInput<'answerEligibility'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'screening') throw new AppError('conflict', `${p.study_id} is ${p.status}; eligibility can only be answered during screening.`);
  const protocol = protocolFor(db, p);
  const keys = new Set([...protocol.eligibility.inclusion, ...protocol.eligibility.exclusion].map((c) => c.key));
  for (const a of input.answers) if (!keys.has(a.key)) throw new AppError('invalid_input', `No criterion "${a.key}" in ${protocol.id}.`);
  const upsert = db.prepare(
    `INSERT INTO eligibility_answers (participant_id, criterion_key, met, answered_by, answered_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (participant_id, criterion_key) DO UPDATE SET met = excluded.met, answered_by = excluded.answered_by, answered_at = excluded.answered_at`,
  );
  for (const a of input.answers) upsert.run(p.id, a.key, a.met ? 1 : 0, input.by, clock.now);
  touch(db, p.id, clock);
}

export function recordScreenFailure(db: WritableDB, input: ParsedInput<'recordScreenFailure'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'screening') throw new AppError('conflict', `${p.study_id} is ${p.status}, not in screening.`);
  db.prepare("UPDATE participants SET status = 'screen-failed', screen_fail_reason = ?, updated_at = ? WHERE id = ?").run(input.reason, clock.now, p.id);
}

function answers(db: ReadableDB, id: number): Map<string, { met: boolean; by: string; at: string }> {
  const rows = db.prepare('SELECT criterion_key, met, answered_by, answered_at FROM eligibility_answers WHERE participant_id = ?').all(id) as {
    criterion_key: string;
    met: number;
    answered_by: string;
    answered_at: string;
  }[];
  return new Map(rows.map((r) => [r.criterion_key, { met: r.met === 1, by: r.answered_by, at: r.answered_at }]));
}

function eligibilityOf(db: ReadableDB, p: ParticipantRow, protocol: Protocol) {
  const given = answers(db, p.id);
  const result = evaluateEligibility(
    protocol,
    { birthDate: p.birth_date, ageYears: p.age_years, onDate: p.consent_date ?? p.day1 ?? '1900-01-01' },
    new Map([...given].map(([k, v]) => [k, v.met])),
  );
  return { given, result };
}

export function enrollParticipant(db: WritableDB, input: ParsedInput<'enrollParticipant'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'screening') throw new AppError('conflict', `${p.study_id} is ${p.status}; only a participant in screening can be enrolled.`);
  const protocol = protocolFor(db, p);
  const { result } = eligibilityOf(db, p, protocol);
  if (!result.eligible) throw new AppError('invalid_input', `${p.study_id} cannot be enrolled: ${result.reasons.join(' ')}`, [...result.reasons]);
  if (p.consent_date && input.day1 < p.consent_date) throw new AppError('invalid_input', `Day 1 (${input.day1}) is before the consent date (${p.consent_date}).`);

  const blinded = isBlinded(protocol);
  let armKey: string;
  let code: string | null = null;
  if (input.armKey !== undefined) {
    if (blinded) throw new AppError('invalid_input', `${protocol.id} is blinded: arms are assigned from the randomization list, not by hand.`);
    if (!protocol.arms.some((a) => a.key === input.armKey))
      throw new AppError('invalid_input', `No arm "${input.armKey}" in ${protocol.id}; arms: ${protocol.arms.map((a) => a.key).join(', ')}.`);
    armKey = input.armKey;
  } else if (protocol.arms.length === 1) {
    armKey = protocol.arms[0]!.key;
  } else {
    const slot = assignFromList(db, protocol, p.id, input.stratum ?? 'all', clock.now);
    armKey = slot.arm;
    code = blinded ? slot.code : null;
  }
  db.prepare(
    "UPDATE participants SET status = 'enrolled', arm_key = ?, blinded_code = ?, stratum = ?, day1 = ?, enrolled_at = ?, updated_at = ? WHERE id = ?",
  ).run(armKey, code, input.stratum ?? null, input.day1, clock.now, clock.now, p.id);
  replan(db, p.id, clock);
}

export function withdrawParticipant(db: WritableDB, input: ParsedInput<'withdrawParticipant'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'enrolled') throw new AppError('conflict', `${p.study_id} is ${p.status}; only an enrolled participant can be withdrawn.`);
  if (input.date > clock.today) throw new AppError('invalid_input', `The withdrawal date ${input.date} is in the future.`);
  db.prepare("UPDATE participants SET status = 'withdrawn', withdrawn_on = ?, withdrawal_reason = ?, updated_at = ? WHERE id = ?").run(input.date, input.reason, clock.now, p.id);
  // Only what has not happened yet is cancelled; the past stays as it was.
  db.prepare(
    "UPDATE visits SET status = 'cancelled', reason = ?, updated_by = ?, updated_at = ? WHERE participant_id = ? AND status = 'planned' AND planned_date >= ?",
  ).run(`Withdrawn: ${input.reason}`, input.by, clock.now, p.id, input.date);
  replan(db, p.id, clock);
}

export function unblindParticipant(db: WritableDB, input: ParsedInput<'unblindParticipant'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  const protocol = protocolFor(db, p);
  if (!isBlinded(protocol)) throw new AppError('conflict', `${protocol.id} is open label: there is nothing to unblind.`);
  if (p.arm_key === null) throw new AppError('conflict', `${p.study_id} has no arm on record here (the code ${p.blinded_code ?? '-'} is held by the sponsor).`);
  db.prepare('INSERT INTO unblindings (participant_id, reason, by_user, at) VALUES (?, ?, ?, ?)').run(p.id, input.reason, input.by, clock.now);
}

function assignmentOf(db: ReadableDB, p: ParticipantRow, protocol: Protocol): AssignmentView {
  const blinded = isBlinded(protocol);
  const unblinding = db.prepare('SELECT by_user AS by, at, reason FROM unblindings WHERE participant_id = ? ORDER BY id LIMIT 1').get(p.id) as
    | { by: string; at: string; reason: string }
    | undefined;
  const showArm = p.arm_key !== null && (!blinded || unblinding !== undefined);
  return {
    blinded,
    code: blinded ? p.blinded_code : null,
    armKey: showArm ? p.arm_key : null,
    armLabel: showArm ? (protocol.arms.find((a) => a.key === p.arm_key)?.label ?? p.arm_key) : null,
    unblinded: unblinding ?? null,
    stratum: p.stratum,
  };
}

export function participantDetail(db: ReadableDB, id: number): ParticipantDetail {
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
    assignment: assignmentOf(db, p, protocol),
    eligibility: {
      eligible: result.eligible,
      ageOk: result.ageOk,
      ageYears: result.ageYears,
      ageRange: min || max ? `${min ?? 'no minimum'} to ${max ?? 'no maximum'}` : 'not stated',
      reasons: result.reasons,
      criteria,
    },
    visits,
    open,
    manualArms: !isBlinded(protocol) && protocol.arms.length > 1 ? protocol.arms.map((a) => ({ key: a.key, label: a.label })) : [],
    doseRule: doseRuleFor(protocol, p),
  };
}

export function listParticipants(db: ReadableDB, protocolId: string | undefined): ParticipantSummary[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.protocol_id, p.study_id, p.initials, p.status, p.arm_key, p.blinded_code, pr.title, pr.masking,
         (SELECT v.label || char(31) || v.planned_date FROM visits v
            WHERE v.participant_id = p.id AND v.status = 'planned' ORDER BY v.planned_date, v.position LIMIT 1) AS next
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
  }[];
  const armLabels = new Map<string, Map<string, string>>();
  const labelOf = (protocolId: string, arm: string) => {
    if (!armLabels.has(protocolId)) {
      const arms = db.prepare('SELECT a.key, a.label FROM arms a JOIN protocols p ON p.id = a.protocol_id AND p.current_version = a.version WHERE a.protocol_id = ?').all(protocolId) as { key: string; label: string }[];
      armLabels.set(protocolId, new Map(arms.map((a) => [a.key, a.label])));
    }
    return armLabels.get(protocolId)!.get(arm) ?? arm;
  };
  return rows.map((r) => {
    const [label, date] = r.next?.split('\u001f') ?? [];
    const blinded = r.masking !== 'NONE';
    return {
      id: r.id,
      protocolId: r.protocol_id,
      protocolTitle: r.title,
      studyId: r.study_id,
      initials: r.initials,
      status: r.status,
      assignment: blinded ? r.blinded_code : r.arm_key === null ? null : labelOf(r.protocol_id, r.arm_key),
      nextVisit: label && date ? { label, date } : null,
    };
  });
}

export function findParticipant(db: ReadableDB, protocolId: string, studyId: string): number {
  const row = db.prepare('SELECT id FROM participants WHERE protocol_id = ? AND study_id = ?').get(protocolId, studyId) as { id: number } | undefined;
  if (!row) throw new AppError('not_found', `No participant ${studyId} in ${protocolId}.`);
  return row.id;
}

function touch(db: WritableDB, id: number, clock: Clock): void {
  db.prepare('UPDATE participants SET updated_at = ? WHERE id = ?').run(clock.now, id);
}

/**
 * Audit entries, oldest first, as changed fields: one participant's, or (null) the whole trail.
 * Where a participant is in a blinded trial and has not been unblinded, the arm is shown as
 * "(blinded)"; the stored trail keeps it.
 */
export function auditEntries(db: ReadableDB, participantId: number | null): AuditEntry[] {
  if (participantId !== null) participantRow(db, participantId);
  const hidden = new Map<number, boolean>();
  const hideArm = (pid: number | null) => {
    if (pid === null) return false;
    if (!hidden.has(pid)) {
      const p = participantRow(db, pid);
      const protocol = protocolFor(db, p);
      hidden.set(pid, isBlinded(protocol) && assignmentOf(db, p, protocol).unblinded === null);
    }
    return hidden.get(pid)!;
  };
  return auditRows(db, participantId).map((r) => {
    const before = r.oldValues ? (JSON.parse(r.oldValues) as Record<string, unknown>) : {};
    const after = r.newValues ? (JSON.parse(r.newValues) as Record<string, unknown>) : {};
    const blind = hideArm(r.participantId);
    const changes: Record<string, readonly [unknown, unknown]> = {};
    const compare = (k: string) => {
      const o = before[k] ?? null;
      const n = after[k] ?? null;
      // Values are a row's columns: text, numbers or null, compared as they are.
      if (o === n || (typeof o === 'object' && typeof n === 'object' && JSON.stringify(o) === JSON.stringify(n))) return;
      changes[k] = blind && BLINDED_FIELDS.has(k) ? ['(blinded)', '(blinded)'] : [o, n];
    };
    for (const k in before) compare(k);
    for (const k in after) if (!(k in before)) compare(k);
    return { id: r.id, at: r.at, by: r.by, method: r.method, reason: r.reason, entity: r.entity, entityId: r.entityId, action: r.action, participantId: r.participantId, changes };
  });
}

const BLINDED_FIELDS = new Set(['arm_key']);
