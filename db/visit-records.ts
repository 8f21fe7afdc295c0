// Recording what happened at a visit (done with its dose, missed, cancelled, rescheduled, notes)
// and correcting it afterwards (a date, a lot, a time, a weight; back to planned). Every writer
// runs inside the caller's transaction and re-plans what depends on the visit.
import type { ParsedInput } from '../core/api.js';
import { doseRecord, doseRuleFor } from '../core/dose.js';
import { formatDateRange } from '../core/format.js';
import { AppError } from './errors.js';
import { participantRow, protocolFor, visitRow, type Clock, type DoseRow, type ParticipantRow, type VisitRow } from './rows.js';
import { statements } from './statements.js';
import type { ReadableDB, WritableDB } from './types.js';
import { nextSettledSeq, replan, resettle, scheduleArm } from './visits.js';

function enrolledParticipant(db: ReadableDB, v: VisitRow): ParticipantRow {
  const p = participantRow(db, v.participant_id);
  if (p.status !== 'enrolled') throw new AppError('conflict', `${p.study_id} is ${p.status === 'withdrawn' ? 'withdrawn' : 'not enrolled'}: visits can no longer be changed.`);
  return p;
}

const stmts = statements((db) => ({
  dose: db.prepare('SELECT * FROM doses WHERE visit_id = ?'),
  insertDose: db.prepare(
    `INSERT INTO doses (visit_id, participant_id, given_at, lot_number, dose_text, weight_kg, total_amount, total_unit, recorded_by, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  done: db.prepare(
    "UPDATE visits SET status = 'done', actual_date = ?, out_of_window = ?, reason = ?, notes = coalesce(?, notes), updated_by = ?, updated_at = ?, settled_seq = ?, done_by = ?, procedures_done = ? WHERE id = ?",
  ),
}));

/** The procedures ticked at Done, as stored: each must be one of the visit's own. */
function proceduresDone(v: VisitRow, done: readonly string[] | undefined): string | null {
  if (done === undefined) return null;
  const own = JSON.parse(v.procedures) as string[];
  for (const d of done) if (!own.includes(d)) throw new AppError('invalid_input', `Procedures done: "${d}" is not one of this visit’s procedures.`);
  return JSON.stringify(own.filter((x) => done.includes(x)));
}

function checkDate(p: ParticipantRow, date: string, clock: Clock): void {
  if (date > clock.today) throw new AppError('invalid_input', `The visit date ${date} is in the future.`);
  if (p.consent_date && date < p.consent_date) throw new AppError('invalid_input', `The visit date ${date} is before consent (${p.consent_date}).`);
}

export function markVisitDone(db: WritableDB, input: ParsedInput<'markVisitDone'>, by: string, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status === 'done') throw new AppError('conflict', `${v.label} is already done (${v.actual_date}).`);
  if (v.status === 'cancelled') throw new AppError('conflict', `${v.label} was cancelled.`);
  checkDate(p, input.actualDate, clock);
  const outOfWindow = input.actualDate < v.window_start || input.actualDate > v.window_end;
  if (outOfWindow && !input.reason)
    throw new AppError('invalid_input', `${input.actualDate} is outside the window for ${v.label} (${formatDateRange(v.window_start, v.window_end)}): give a reason for the deviation.`);
  const protocol = protocolFor(db, p);
  if (v.kind === 'dose') {
    if (!input.dose) throw new AppError('invalid_input', `${v.label} is a dose: record the lot number and the time it was given.`);
    if (input.dose.givenAt.slice(0, 10) !== input.actualDate) throw new AppError('invalid_input', `The time given (${input.dose.givenAt}) is not on the visit date ${input.actualDate}.`);
    const weight = input.dose.weightKg ?? p.weight_kg;
    if (doseRuleFor(protocol, p.arm_key).perKg && weight === null) throw new AppError('invalid_input', 'This dose is per kg of body weight: record the weight.');
    const t = doseRecord(protocol, p.arm_key, scheduleArm(protocol, p), v.series, weight);
    stmts(db).insertDose.run(v.id, p.id, input.dose.givenAt, input.dose.lotNumber, t.text, weight, t.total, t.unit, by, clock.now);
    if (input.dose.weightKg !== null && input.dose.weightKg !== p.weight_kg) db.prepare('UPDATE participants SET weight_kg = ? WHERE id = ?').run(input.dose.weightKg, p.id);
  } else if (input.dose) {
    throw new AppError('invalid_input', `${v.label} is not a dose visit.`);
  }
  const procedures = proceduresDone(v, input.proceduresDone);
  stmts(db).done.run(input.actualDate, outOfWindow ? 1 : 0, input.reason || null, input.notes || null, by, clock.now, nextSettledSeq(db, p.id), by, procedures, v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function markVisitMissed(db: WritableDB, input: ParsedInput<'markVisitMissed'>, by: string, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status !== 'planned') throw new AppError('conflict', `${v.label} is ${v.status}, not planned.`);
  // Missed means its time has come: a visit whose window has not opened can be rescheduled or cancelled instead.
  if (clock.today < v.window_start)
    throw new AppError('conflict', `${v.label} cannot be missed yet: its ${v.window_stated ? 'window opens' : 'date is'} ${v.window_start}. It can be marked missed from then; to change the plan now, reschedule or cancel it.`);
  db.prepare("UPDATE visits SET status = 'missed', reason = ?, updated_by = ?, updated_at = ?, settled_seq = ? WHERE id = ?").run(input.reason, by, clock.now, nextSettledSeq(db, p.id), v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function cancelVisit(db: WritableDB, input: ParsedInput<'cancelVisit'>, by: string, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status !== 'planned') throw new AppError('conflict', `${v.label} is ${v.status}, not planned.`);
  db.prepare("UPDATE visits SET status = 'cancelled', reason = ?, updated_by = ?, updated_at = ?, settled_seq = ? WHERE id = ?").run(input.reason, by, clock.now, nextSettledSeq(db, p.id), v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function rescheduleVisit(db: WritableDB, input: ParsedInput<'rescheduleVisit'>, by: string, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status !== 'planned') throw new AppError('conflict', `${v.label} is ${v.status}; only a planned visit can be rescheduled.`);
  if (p.day1 && input.newDate < p.day1 && v.dose_number !== 1) throw new AppError('invalid_input', `${input.newDate} is before Day 1 (${p.day1}).`);
  db.prepare('UPDATE visits SET rescheduled_date = ?, reason = ?, updated_by = ?, updated_at = ? WHERE id = ?').run(input.newDate, input.reason, by, clock.now, v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function setVisitNotes(db: WritableDB, input: ParsedInput<'setVisitNotes'>, by: string, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  db.prepare('UPDATE visits SET notes = ?, updated_by = ?, updated_at = ? WHERE id = ?').run(input.notes || null, by, clock.now, v.id);
  return v.participant_id;
}

/**
 * Corrects what was recorded at a done visit: its date, and for a dose its lot, time and weight.
 * The old values stay in the audit trail with who, when and why; a corrected date re-plans what
 * follows exactly as if it had been recorded first.
 */
export function correctVisit(db: WritableDB, input: ParsedInput<'correctVisit'>, by: string, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status !== 'done') throw new AppError('conflict', `${v.label} is ${v.status}: only what was recorded at a done visit can be corrected. To put a missed or cancelled visit back to planned, undo it.`);
  const dose = stmts(db).dose.get(v.id) as DoseRow | undefined;
  if (!dose && (input.lotNumber !== undefined || input.givenTime !== undefined || input.weightKg !== undefined)) throw new AppError('invalid_input', `${v.label} is not a dose: it has no lot, time or weight.`);
  const date = input.actualDate ?? v.actual_date!;
  if (input.actualDate !== undefined) {
    checkDate(p, date, clock);
    const outOfWindow = date < v.window_start || date > v.window_end;
    // Out of window after the correction: its reason is the deviation's reason unless one is recorded.
    db.prepare('UPDATE visits SET actual_date = ?, out_of_window = ?, reason = ?, updated_by = ?, updated_at = ? WHERE id = ?').run(
      date,
      outOfWindow ? 1 : 0,
      outOfWindow ? (v.reason ?? input.reason) : v.reason,
      by,
      clock.now,
      v.id,
    );
  }
  if (input.proceduresDone !== undefined) db.prepare('UPDATE visits SET procedures_done = ?, updated_by = ?, updated_at = ? WHERE id = ?').run(proceduresDone(v, input.proceduresDone), by, clock.now, v.id);
  if (dose) {
    const time = input.givenTime ?? dose.given_at.slice(11, 16);
    const weight = input.weightKg ?? dose.weight_kg;
    const protocol = protocolFor(db, p);
    const t = doseRecord(protocol, p.arm_key, scheduleArm(protocol, p), v.series, weight);
    db.prepare('UPDATE doses SET given_at = ?, lot_number = ?, weight_kg = ?, dose_text = ?, total_amount = ?, total_unit = ? WHERE id = ?').run(
      `${date}T${time}`,
      input.lotNumber ?? dose.lot_number,
      weight,
      t.text,
      t.total,
      t.unit,
      dose.id,
    );
  }
  if (input.actualDate !== undefined && input.actualDate !== v.actual_date) resettle(db, p.id, clock);
  return p.id;
}

/** A visit marked done, missed or cancelled by mistake goes back to planned (its dose record, if any, is removed: the trail keeps it). */
export function undoVisit(db: WritableDB, input: ParsedInput<'undoVisit'>, by: string, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status === 'planned') throw new AppError('conflict', `${v.label} is planned: there is nothing to undo.`);
  db.prepare('DELETE FROM doses WHERE visit_id = ?').run(v.id);
  db.prepare("UPDATE visits SET status = 'planned', actual_date = NULL, out_of_window = 0, reason = NULL, updated_by = ?, updated_at = ?, settled_seq = NULL, done_by = NULL, procedures_done = NULL WHERE id = ?").run(by, clock.now, v.id);
  resettle(db, p.id, clock);
  return p.id;
}
