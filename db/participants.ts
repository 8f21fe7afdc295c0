// Participants: screening, eligibility (answered, corrected, signed by an investigator),
// enrollment with randomization, withdrawal and its reversal, unblinding, and corrections of a
// participant's details. Every exported writer runs inside the caller's transaction.
import type { Actor, CorrectableField, ParsedInput } from '../core/api.js';
import { evaluateEligibility } from '../core/eligibility.js';
import { isIsoDate } from '../core/dates.js';
import { InitialsSchema, isBlinded, parseDecimal, SEXES, SEX_WORDS, type Sex } from '../core/vocabulary.js';
import { AppError } from './errors.js';
import { getProtocol, versionInEffect } from './protocols.js';
import { assignFromList } from './randomize.js';
import { participantRow, protocolFor, type Clock, type ParticipantRow } from './rows.js';
import { statements } from './statements.js';
import type { ReadableDB, WritableDB } from './types.js';
import { nextSettledSeq, replan, resettle } from './visits.js';
import type { Protocol } from '../core/protocol.js';

const stmts = statements((db) => ({
  answers: db.prepare('SELECT criterion_key, met, answered_by, answered_at FROM eligibility_answers WHERE participant_id = ?'),
  signature: db.prepare('SELECT by_user, signer_name, at, meaning, answers FROM eligibility_signatures WHERE participant_id = ? ORDER BY id DESC LIMIT 1'),
  touch: db.prepare('UPDATE participants SET updated_at = ? WHERE id = ?'),
}));

export function screenParticipant(db: WritableDB, input: ParsedInput<'screenParticipant'>, by: string, clock: Clock): number {
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
    .run(protocol.id, version, input.studyId, input.initials, input.birthDate, input.ageYears, input.sex, input.weightKg, input.consentDate, clock.now, by, clock.now);
  return Number(r.lastInsertRowid);
}

export interface GivenAnswer {
  readonly met: boolean;
  readonly by: string;
  readonly at: string;
}

export function answersOf(db: ReadableDB, id: number): Map<string, GivenAnswer> {
  const rows = stmts(db).answers.all(id) as { criterion_key: string; met: number; answered_by: string; answered_at: string }[];
  return new Map(rows.map((r) => [r.criterion_key, { met: r.met === 1, by: r.answered_by, at: r.answered_at }]));
}

/** The answers as an investigator's signature covers them: criterion and answer, in key order. */
function answersDigest(answers: ReadonlyMap<string, GivenAnswer>): string {
  return JSON.stringify([...answers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, v.met]));
}

export interface EligibilitySignature {
  readonly by: string;
  readonly name: string;
  readonly at: string;
  readonly meaning: string;
  /** False once an answer changed after the signature: it must be signed again. */
  readonly current: boolean;
}

export function eligibilitySignature(db: ReadableDB, id: number): EligibilitySignature | null {
  const s = stmts(db).signature.get(id) as { by_user: string; signer_name: string; at: string; meaning: string; answers: string } | undefined;
  if (!s) return null;
  return { by: s.by_user, name: s.signer_name, at: s.at, meaning: s.meaning, current: s.answers === answersDigest(answersOf(db, id)) };
}

export function answerEligibility(db: WritableDB, input: ParsedInput<'answerEligibility'>, by: string, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'screening') throw new AppError('conflict', `${p.study_id} is ${p.status === 'enrolled' ? 'enrolled' : 'no longer in screening'}: eligibility can only be answered during screening.`);
  const protocol = protocolFor(db, p);
  const keys = new Set([...protocol.eligibility.inclusion, ...protocol.eligibility.exclusion].map((c) => c.key));
  for (const a of input.answers) if (!keys.has(a.key)) throw new AppError('invalid_input', `No criterion "${a.key}" in ${protocol.id}.`);
  const given = answersOf(db, p.id);
  const changed = input.answers.filter((a) => given.has(a.key) && given.get(a.key)!.met !== a.met);
  if (changed.length && !input.reason) throw new AppError('invalid_input', 'An answer already given is being changed: give the reason for the correction.');
  const upsert = db.prepare(
    `INSERT INTO eligibility_answers (participant_id, criterion_key, met, answered_by, answered_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (participant_id, criterion_key) DO UPDATE SET met = excluded.met, answered_by = excluded.answered_by, answered_at = excluded.answered_at
     WHERE eligibility_answers.met IS NOT excluded.met`,
  );
  for (const a of input.answers) upsert.run(p.id, a.key, a.met ? 1 : 0, by, clock.now);
  stmts(db).touch.run(clock.now, p.id);
}

export function eligibilityOf(db: ReadableDB, p: ParticipantRow, protocol: Protocol) {
  const given = answersOf(db, p.id);
  const result = evaluateEligibility(
    protocol,
    { birthDate: p.birth_date, ageYears: p.age_years, onDate: p.consent_date ?? p.day1 ?? '1900-01-01' },
    new Map([...given].map(([k, v]) => [k, v.met])),
  );
  return { given, result };
}

/** An investigator signs that the participant is eligible, as the answers stand now. */
export function confirmEligibility(db: WritableDB, participantId: number, signer: Actor, clock: Clock): void {
  const p = participantRow(db, participantId);
  if (p.status !== 'screening') throw new AppError('conflict', `${p.study_id} is not in screening: there is no eligibility to confirm.`);
  const { given, result } = eligibilityOf(db, p, protocolFor(db, p));
  if (!result.eligible) throw new AppError('invalid_input', `${p.study_id} is not eligible as answered: ${result.reasons.join(' ')}`, [...result.reasons]);
  db.prepare('INSERT INTO eligibility_signatures (participant_id, by_user, signer_name, at, meaning, answers) VALUES (?, ?, ?, ?, ?, ?)').run(
    p.id,
    signer.initials,
    signer.name,
    clock.now,
    'I confirm that this participant meets every inclusion criterion and no exclusion criterion.',
    answersDigest(given),
  );
  stmts(db).touch.run(clock.now, p.id);
}

export function recordScreenFailure(db: WritableDB, input: ParsedInput<'recordScreenFailure'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'screening') throw new AppError('conflict', `${p.study_id} is not in screening.`);
  db.prepare("UPDATE participants SET status = 'screen-failed', screen_fail_reason = ?, updated_at = ? WHERE id = ?").run(input.reason, clock.now, p.id);
}

export function enrollParticipant(db: WritableDB, input: ParsedInput<'enrollParticipant'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'screening') throw new AppError('conflict', `${p.study_id} is not in screening: only a participant in screening can be enrolled.`);
  const protocol = protocolFor(db, p);
  const { result } = eligibilityOf(db, p, protocol);
  if (!result.eligible) throw new AppError('invalid_input', `${p.study_id} cannot be enrolled: ${result.reasons.join(' ')}`, [...result.reasons]);
  const signature = eligibilitySignature(db, p.id);
  if (!signature) throw new AppError('invalid_input', `${p.study_id} cannot be enrolled yet: an investigator confirms eligibility first, signing with their passphrase.`);
  if (!signature.current) throw new AppError('invalid_input', `The eligibility answers changed after ${signature.name} signed them: an investigator confirms them again.`);
  if (p.consent_date && input.day1 < p.consent_date) throw new AppError('invalid_input', `Day 1 (${input.day1}) is before the consent date (${p.consent_date}).`);

  const blinded = isBlinded(protocol);
  let armKey: string;
  let code: string | null = null;
  if (input.armKey !== undefined) {
    if (blinded) throw new AppError('invalid_input', 'This trial is blinded: arms are assigned from the randomization list, not by hand.');
    if (!protocol.arms.some((a) => a.key === input.armKey)) throw new AppError('invalid_input', `No arm "${input.armKey}" in this trial; arms: ${protocol.arms.map((a) => a.label).join(', ')}.`);
    armKey = input.armKey;
  } else if (protocol.arms.length === 1) {
    armKey = protocol.arms[0]!.key;
  } else {
    const slot = assignFromList(db, protocol, p.id, input.stratum ?? 'all', clock.now);
    armKey = slot.arm;
    code = blinded ? slot.code : null;
  }
  db.prepare("UPDATE participants SET status = 'enrolled', arm_key = ?, blinded_code = ?, stratum = ?, day1 = ?, enrolled_at = ?, updated_at = ? WHERE id = ?").run(
    armKey,
    code,
    input.stratum ?? null,
    input.day1,
    clock.now,
    clock.now,
    p.id,
  );
  replan(db, p.id, clock);
}

/** The reason written on the visits a withdrawal cancels; a reversal finds them by it. */
const withdrawnBecause = (reason: string) => `Withdrawn: ${reason}`;

export function withdrawParticipant(db: WritableDB, input: ParsedInput<'withdrawParticipant'>, by: string, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'enrolled') throw new AppError('conflict', `${p.study_id} is not enrolled: only an enrolled participant can be withdrawn.`);
  if (input.date > clock.today) throw new AppError('invalid_input', `The withdrawal date ${input.date} is in the future.`);
  if (p.day1 && input.date < (p.consent_date ?? p.day1)) throw new AppError('invalid_input', `The withdrawal date ${input.date} is before consent.`);
  db.prepare("UPDATE participants SET status = 'withdrawn', withdrawn_on = ?, withdrawal_reason = ?, updated_at = ? WHERE id = ?").run(input.date, input.reason, clock.now, p.id);
  // Only what has not happened yet is cancelled; the past stays as it was.
  const cancel = db.prepare("UPDATE visits SET status = 'cancelled', reason = ?, updated_by = ?, updated_at = ?, settled_seq = ? WHERE id = ?");
  const ahead = db.prepare("SELECT id FROM visits WHERE participant_id = ? AND status = 'planned' AND planned_date >= ? ORDER BY planned_date, position").pluck().all(p.id, input.date) as number[];
  for (const id of ahead) cancel.run(withdrawnBecause(input.reason), by, clock.now, nextSettledSeq(db, p.id), id);
  replan(db, p.id, clock);
}

/** An investigator reverses a withdrawal recorded by mistake: the visits it cancelled are planned again. */
export function reverseWithdrawal(db: WritableDB, input: ParsedInput<'reverseWithdrawal'>, by: string, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  if (p.status !== 'withdrawn') throw new AppError('conflict', `${p.study_id} is not withdrawn.`);
  db.prepare("UPDATE participants SET status = 'enrolled', withdrawn_on = NULL, withdrawal_reason = NULL, updated_at = ? WHERE id = ?").run(clock.now, p.id);
  db.prepare("UPDATE visits SET status = 'planned', reason = NULL, updated_by = ?, updated_at = ?, settled_seq = NULL WHERE participant_id = ? AND status = 'cancelled' AND reason = ?").run(
    by,
    clock.now,
    p.id,
    withdrawnBecause(p.withdrawal_reason ?? ''),
  );
  resettle(db, p.id, clock);
}

export function unblindParticipant(db: WritableDB, participantId: number, reason: string, signer: Actor, clock: Clock): void {
  const p = participantRow(db, participantId);
  const protocol = protocolFor(db, p);
  if (!isBlinded(protocol)) throw new AppError('conflict', 'This trial is open label: there is nothing to unblind.');
  if (p.arm_key === null) throw new AppError('conflict', `${p.study_id} has no arm on record here (the code ${p.blinded_code ?? '-'} is held by the sponsor).`);
  db.prepare('INSERT INTO unblindings (participant_id, reason, by_user, at, signer_name, meaning) VALUES (?, ?, ?, ?, ?, ?)').run(
    p.id,
    reason,
    signer.initials,
    clock.now,
    signer.name,
    `Unblinded because ${reason}`,
  );
}

const FIELD_COLUMNS: Record<CorrectableField, { column: keyof ParticipantRow; words: string }> = {
  initials: { column: 'initials', words: 'initials' },
  sex: { column: 'sex', words: 'sex' },
  birth_date: { column: 'birth_date', words: 'date of birth' },
  age: { column: 'age_years', words: 'age' },
  weight_kg: { column: 'weight_kg', words: 'weight' },
  consent_date: { column: 'consent_date', words: 'consent date' },
};

/** Reads a corrected value as its field takes it; '' clears a field that may be empty. */
function correctedValue(field: CorrectableField, text: string): string | number | null {
  const bad = (what: string): never => {
    throw new AppError('invalid_input', `${FIELD_COLUMNS[field].words[0]!.toUpperCase()}${FIELD_COLUMNS[field].words.slice(1)}: ${what}.`);
  };
  switch (field) {
    case 'initials': {
      const r = InitialsSchema.safeParse(text);
      return r.success ? r.data : bad('initials are 1 to 4 capital letters (no names)');
    }
    case 'sex':
      return (SEXES as readonly string[]).includes(text) ? text : bad(`must be one of: ${SEXES.map((s) => SEX_WORDS[s as Sex].toLowerCase()).join(', ')}`);
    case 'birth_date':
    case 'consent_date':
      if (text === '' && field === 'birth_date') return null;
      return isIsoDate(text) ? text : bad('must be a real date (YYYY-MM-DD)');
    case 'age': {
      if (text === '') return null;
      const n = /^\d{1,3}$/.test(text) ? Number(text) : null;
      return n !== null && n <= 130 ? n : bad('must be a whole number of years from 0 to 130');
    }
    case 'weight_kg': {
      if (text === '') return null;
      const n = parseDecimal(text);
      return n !== null && n > 0 && n <= 500 ? n : bad('must be a weight in kg, more than 0 and at most 500');
    }
    default:
      throw new Error(`Unknown field ${String(field)}`);
  }
}

export function correctParticipant(db: WritableDB, input: ParsedInput<'correctParticipant'>, clock: Clock): void {
  const p = participantRow(db, input.participantId);
  const { column, words } = FIELD_COLUMNS[input.field];
  const value = correctedValue(input.field, input.value);
  if (p[column] === value) throw new AppError('conflict', `The ${words} is already ${value ?? 'empty'}: nothing to correct.`);
  const next = { ...p, [column]: value };
  if (next.consent_date && next.consent_date > clock.today) throw new AppError('invalid_input', `The consent date ${next.consent_date} is in the future.`);
  if (next.birth_date && next.birth_date > (next.consent_date ?? clock.today)) throw new AppError('invalid_input', 'The date of birth is after the consent date.');
  if (input.field === 'consent_date' && next.day1 && next.consent_date! > next.day1) throw new AppError('invalid_input', `The consent date would be after Day 1 (${next.day1}).`);
  if (input.field === 'consent_date') {
    const before = db.prepare("SELECT label FROM visits WHERE participant_id = ? AND status = 'done' AND actual_date < ? LIMIT 1").pluck().get(p.id, value) as string | undefined;
    if (before) throw new AppError('invalid_input', `${before} was done before that consent date.`);
  }
  // Age or date of birth: one of them is kept, as at screening.
  if (input.field === 'birth_date' && value !== null) db.prepare('UPDATE participants SET age_years = NULL WHERE id = ?').run(p.id);
  if (input.field === 'age' && value !== null) db.prepare('UPDATE participants SET birth_date = NULL WHERE id = ?').run(p.id);
  db.prepare(`UPDATE participants SET ${column} = ?, updated_at = ? WHERE id = ?`).run(value, clock.now, p.id);
}
