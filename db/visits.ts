// A participant's visits: created from the schedule engine at enrollment and re-planned after
// every change. The engine decides dates; this file stores them beside what happened.
import { doseTotal } from '../core/dose.js';
import { isBlinded } from '../core/eligibility.js';
import { blindedDoseLabel } from '../core/participants.js';
import type { ParsedInput } from '../core/api.js';
import type { DosingSeries, Protocol } from '../core/protocol.js';
import { computeSchedule, ScheduleError, type Schedule, type ScheduledVisit } from '../core/schedule.js';
import { AppError } from './errors.js';
import { participantRow, protocolFor, type Clock, type ParticipantRow } from './participants.js';
import type { ReadableDB, WritableDB } from './types.js';

export interface VisitRow {
  id: number;
  participant_id: number;
  key: string;
  position: number;
  label: string;
  kind: string;
  series: string | null;
  dose_number: number | null;
  planned_date: string;
  projected_date: string;
  window_start: string;
  window_end: string;
  window_text: string | null;
  window_stated: number;
  study_day: number;
  anchor: string;
  procedures: string;
  status: 'planned' | 'done' | 'missed' | 'cancelled';
  actual_date: string | null;
  out_of_window: number;
  rescheduled_date: string | null;
  reason: string | null;
  notes: string | null;
  updated_by: string | null;
  updated_at: string | null;
}

/**
 * The arm whose schedule a participant follows. A participant imported with only a blinded
 * code (the sponsor holds the arm) follows the schedule all arms share; where the arms'
 * schedules differ there is none, and null is returned.
 */
export function scheduleArmFor(protocol: Protocol, armKey: string | null): string | null {
  if (armKey) return armKey;
  if (!sharedArm.has(protocol)) {
    const shape = (key: string) => JSON.stringify(computeSchedule({ protocol, armKey: key, start: '2000-01-01' }).visits.map((v) => [v.key, v.plannedDate, v.windowStart, v.windowEnd]));
    const first = shape(protocol.arms[0]!.key);
    sharedArm.set(protocol, protocol.arms.every((a) => shape(a.key) === first) ? protocol.arms[0]!.key : null);
  }
  return sharedArm.get(protocol)!;
}
const sharedArm = new WeakMap<Protocol, string | null>();

export function scheduleArm(protocol: Protocol, p: ParticipantRow): string {
  const arm = scheduleArmFor(protocol, p.arm_key);
  if (arm === null) throw new AppError('conflict', `${p.study_id} has no arm on record and the arms' schedules differ, so no schedule can be made.`);
  return arm;
}

/** Visits already done when a participant is first scheduled (an import): dates, and the planned dates they had then. */
export interface InitialRecord {
  readonly actual: Readonly<Record<string, string>>;
  readonly frozenPlanned: Readonly<Record<string, string>>;
  readonly by: string;
  readonly reason: string;
}

/** Every visit key an arm's schedule has (dose keys included). */
export function scheduleKeys(protocol: Protocol, armKey: string): ReadonlySet<string> {
  let byArm = keysCache.get(protocol);
  if (!byArm) keysCache.set(protocol, (byArm = new Map()));
  let keys = byArm.get(armKey);
  if (!keys) byArm.set(armKey, (keys = new Set(computeSchedule({ protocol, armKey, start: '2000-01-01' }).visits.map((v) => v.key))));
  return keys;
}
const keysCache = new WeakMap<Protocol, Map<string, ReadonlySet<string>>>();

/**
 * The engine's plan for a participant from their visit rows. Rows of visits the protocol version
 * does not have (left from an earlier version) stay as recorded and do not take part.
 */
export function runEngine(protocol: Protocol, p: ParticipantRow, allRows: readonly VisitRow[], initial: InitialRecord | undefined) {
  const known = scheduleKeys(protocol, scheduleArm(protocol, p));
  const rows = allRows.filter((r) => known.has(r.key));
  const done = rows.filter((r) => r.status === 'done');
  try {
    return computeSchedule({
      protocol,
      armKey: scheduleArm(protocol, p),
      start: p.day1!,
      actual: { ...initial?.actual, ...Object.fromEntries(done.map((r) => [r.key, r.actual_date!])) },
      frozenPlanned: { ...initial?.frozenPlanned, ...Object.fromEntries(done.map((r) => [r.key, r.planned_date])) },
      missed: rows.filter((r) => r.status === 'missed').map((r) => r.key),
      cancelled: rows.filter((r) => r.status === 'cancelled').map((r) => r.key),
      rescheduled: Object.fromEntries(rows.filter((r) => r.status === 'planned' && r.rescheduled_date).map((r) => [r.key, r.rescheduled_date!])),
    });
  } catch (e) {
    if (e instanceof ScheduleError) throw new AppError('invalid_input', e.message);
    throw e;
  }
}

function seriesOf(protocol: Protocol, armKey: string, seriesKey: string | null): DosingSeries | undefined {
  return protocol.arms.find((a) => a.key === armKey)?.dosing.find((s) => s.key === seriesKey);
}

/** A new visit row (every column but the id) for a visit of the schedule: its first projection, and what is already known of it. */
export function newVisitValues(
  protocol: Protocol,
  armKey: string,
  blinded: boolean,
  participantId: number,
  v: ScheduledVisit,
  position: number,
  initial: Pick<InitialRecord, 'by' | 'reason'> | undefined,
  now: string,
): Record<string, string | number | null> {
  const series = seriesOf(protocol, armKey, v.series);
  return {
    participant_id: participantId,
    key: v.key,
    position,
    // In a blinded trial a dose is named without its product: the label would name the arm.
    label: blinded && v.doseNumber !== null ? blindedDoseLabel(v.doseNumber, series?.count ?? null) : v.label,
    kind: v.kind,
    series: v.series,
    dose_number: v.doseNumber,
    planned_date: v.plannedDate,
    projected_date: v.projectedDate,
    window_start: v.windowStart,
    window_end: v.windowEnd,
    window_text: v.windowText,
    window_stated: v.windowStated ? 1 : 0,
    study_day: v.studyDay,
    anchor: v.anchor,
    procedures: JSON.stringify(v.procedures),
    status: v.status,
    actual_date: v.actualDate,
    out_of_window: v.outOfWindow ? 1 : 0,
    rescheduled_date: null,
    reason: v.actualDate ? (initial?.reason ?? null) : null,
    notes: null,
    updated_by: v.actualDate ? (initial?.by ?? null) : null,
    updated_at: now,
  };
}

/**
 * Brings the stored visits in line with the engine: inserts visits the schedule has and the
 * table lacks (first projection written once), and updates planned dates, windows and study days
 * of the rest. Done visits keep the planned date they had when done.
 */
export function replan(db: WritableDB, participantId: number, clock: Clock, initial?: InitialRecord): void {
  const p = participantRow(db, participantId);
  if (p.day1 === null) return;
  const protocol = protocolFor(db, p);
  const rows = db.prepare('SELECT * FROM visits WHERE participant_id = ?').all(p.id) as VisitRow[];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const schedule = runEngine(protocol, p, rows, rows.length === 0 ? initial : undefined);
  const blinded = isBlinded(protocol);
  const insert = db.prepare(
    `INSERT INTO visits (participant_id, key, position, label, kind, series, dose_number, planned_date, projected_date, window_start, window_end,
       window_text, window_stated, study_day, anchor, procedures, status, actual_date, out_of_window, rescheduled_date, reason, notes, updated_by, updated_at)
     VALUES (@participant_id, @key, @position, @label, @kind, @series, @dose_number, @planned_date, @projected_date, @window_start, @window_end,
       @window_text, @window_stated, @study_day, @anchor, @procedures, @status, @actual_date, @out_of_window, @rescheduled_date, @reason, @notes, @updated_by, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE visits SET position = @position, planned_date = @planned_date, window_start = @window_start, window_end = @window_end,
       study_day = @study_day, anchor = @anchor, out_of_window = @out_of_window
     WHERE id = @id AND (position, planned_date, window_start, window_end, study_day, anchor, out_of_window)
       IS NOT (@position, @planned_date, @window_start, @window_end, @study_day, @anchor, @out_of_window)`,
  );
  schedule.visits.forEach((v, position) => {
    const row = byKey.get(v.key);
    const values = {
      position,
      planned_date: v.plannedDate,
      window_start: v.windowStart,
      window_end: v.windowEnd,
      study_day: v.studyDay,
      anchor: v.anchor,
    };
    if (row) {
      update.run({ ...values, id: row.id, out_of_window: v.outOfWindow ? 1 : 0 });
      return;
    }
    insert.run(newVisitValues(protocol, scheduleArm(protocol, p), blinded, p.id, v, position, initial, clock.now));
  });
}

/**
 * Replays visits done before a participant reaches the app (an import) in date order through the
 * engine: each visit's planned date is the one it had when it was done, exactly as if each had
 * been recorded in turn.
 *
 * A visit's planned date depends only on the chain of visits it is counted from, up to the first
 * one that was done. So one run of the engine with every date gives the same planned date for
 * each visit whose nearest done ancestor was done before it (the usual case); only the others
 * are replayed one by one. test/replay.test.ts checks this against the one-by-one replay.
 */
export function replayActuals(
  protocol: Protocol,
  armKey: string,
  day1: string,
  actuals: readonly (readonly [key: string, date: string])[],
): { actual: Record<string, string>; frozenPlanned: Record<string, string>; schedule: Schedule } {
  const order = [...actuals].map(([key, date], i) => ({ key, date, i })).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.i - b.i));
  const rank = new Map(order.map((a, r) => [a.key, r]));
  const actual = Object.fromEntries(order.map((a) => [a.key, a.date]));
  const full = computeSchedule({ protocol, armKey, start: day1, actual });
  const byKey = new Map(full.visits.map((v) => [v.key, v]));
  const frozenPlanned: Record<string, string> = {};
  const slow: string[] = [];
  for (const { key } of order) {
    const own = rank.get(key)!;
    // The nearest ancestor that was done: its date is what this visit counts from.
    let anchor = byKey.get(key)?.anchor;
    while (anchor !== undefined && byKey.has(anchor) && !rank.has(anchor)) anchor = byKey.get(anchor)!.anchor;
    if (anchor !== undefined && rank.has(anchor) && rank.get(anchor)! > own) slow.push(key);
    else frozenPlanned[key] = byKey.get(key)!.plannedDate;
  }
  for (const key of slow) {
    const own = rank.get(key)!;
    const before = Object.fromEntries(order.filter((a) => rank.get(a.key)! < own).map((a) => [a.key, a.date]));
    frozenPlanned[key] = computeSchedule({ protocol, armKey, start: day1, actual: before }).visits.find((v) => v.key === key)!.plannedDate;
  }
  // Without slow visits every done visit keeps the planned date the full run gave it, so the full
  // run is the participant's schedule; otherwise the schedule is made again with the frozen dates.
  const schedule = slow.length === 0 ? full : computeSchedule({ protocol, armKey, start: day1, actual, frozenPlanned });
  return { actual, frozenPlanned, schedule };
}

/**
 * How a dose is worked out at a dose visit. In a blinded trial every participant sees the same
 * words whatever their arm: "Blinded study treatment", with the active arm's per-kg working
 * where the preparation depends on weight.
 */
export function doseRuleFor(protocol: Protocol, p: ParticipantRow): { text: string; perKg: boolean; amount: number | null; unit: string | null; blinded: boolean } {
  const blinded = isBlinded(protocol);
  const arms = blinded ? protocol.arms : protocol.arms.filter((a) => a.key === p.arm_key);
  const dose = arms.flatMap((a) => a.dosing).map((s) => s.dose).find((d) => d !== null && (d.kind === 'perKg' || d.kind === 'fixed')) ?? null;
  if (blinded) {
    if (dose?.kind !== 'perKg') return { text: 'Blinded study treatment', perKg: false, amount: null, unit: null, blinded };
    return { text: `Blinded study treatment (if active: ${doseTotal(dose, null).text})`, perKg: true, amount: dose.amount, unit: dose.unit, blinded };
  }
  if (dose === null) return { text: 'Dose not stated in the protocol', perKg: false, amount: null, unit: null, blinded };
  return { text: doseTotal(dose, null).text, perKg: dose.kind === 'perKg', amount: dose.amount, unit: dose.unit, blinded };
}

/** What is written in the dose log for one administration. */
function doseRecord(protocol: Protocol, p: ParticipantRow, seriesKey: string | null, weight: number | null): { text: string; total: number | null; unit: string | null } {
  const rule = doseRuleFor(protocol, p);
  if (rule.blinded) {
    // Never a total: the same words for every arm, so the log cannot tell them apart.
    if (!rule.perKg) return { text: rule.text, total: null, unit: null };
    return { text: `Blinded study treatment (if active: ${doseTotal({ kind: 'perKg', amount: rule.amount!, unit: rule.unit! }, weight).text})`, total: null, unit: null };
  }
  const t = doseTotal(seriesOf(protocol, scheduleArm(protocol, p), seriesKey)?.dose ?? null, weight);
  return { text: t.text, total: t.total, unit: t.unit };
}

function visitRow(db: ReadableDB, id: number): VisitRow {
  const row = db.prepare('SELECT * FROM visits WHERE id = ?').get(id) as VisitRow | undefined;
  if (!row) throw new AppError('not_found', `No visit with id ${id}.`);
  return row;
}

function enrolledParticipant(db: ReadableDB, v: VisitRow): ParticipantRow {
  const p = participantRow(db, v.participant_id);
  if (p.status !== 'enrolled') throw new AppError('conflict', `${p.study_id} is ${p.status}: visits can no longer be changed.`);
  return p;
}

const formatRange = (v: VisitRow) => (v.window_start === v.window_end ? v.window_start : `${v.window_start} to ${v.window_end}`);

export function markVisitDone(db: WritableDB, input: ParsedInput<'markVisitDone'>, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status === 'done') throw new AppError('conflict', `${v.label} is already done (${v.actual_date}).`);
  if (v.status === 'cancelled') throw new AppError('conflict', `${v.label} was cancelled.`);
  if (input.actualDate > clock.today) throw new AppError('invalid_input', `The visit date ${input.actualDate} is in the future.`);
  if (p.consent_date && input.actualDate < p.consent_date) throw new AppError('invalid_input', `The visit date ${input.actualDate} is before consent (${p.consent_date}).`);
  const outOfWindow = input.actualDate < v.window_start || input.actualDate > v.window_end;
  if (outOfWindow && !input.reason)
    throw new AppError('invalid_input', `${input.actualDate} is outside the window for ${v.label} (${formatRange(v)}): give a reason for the deviation.`);
  const protocol = protocolFor(db, p);
  if (v.kind === 'dose') {
    if (!input.dose) throw new AppError('invalid_input', `${v.label} is a dose: record the lot number and the time it was given.`);
    if (input.dose.givenAt.slice(0, 10) !== input.actualDate) throw new AppError('invalid_input', `The time given (${input.dose.givenAt}) is not on the visit date ${input.actualDate}.`);
    const weight = input.dose.weightKg ?? p.weight_kg;
    const rule = doseRuleFor(protocol, p);
    if (rule.perKg && weight === null) throw new AppError('invalid_input', 'This dose is per kg of body weight: record the weight.');
    const t = doseRecord(protocol, p, v.series, weight);
    db.prepare(
      `INSERT INTO doses (visit_id, participant_id, given_at, lot_number, dose_text, weight_kg, total_amount, total_unit, recorded_by, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(v.id, p.id, input.dose.givenAt, input.dose.lotNumber, t.text, weight, t.total, t.unit, input.by, clock.now);
    if (input.dose.weightKg !== null && input.dose.weightKg !== p.weight_kg) db.prepare('UPDATE participants SET weight_kg = ? WHERE id = ?').run(input.dose.weightKg, p.id);
  } else if (input.dose) {
    throw new AppError('invalid_input', `${v.label} is not a dose visit.`);
  }
  db.prepare(
    "UPDATE visits SET status = 'done', actual_date = ?, out_of_window = ?, reason = ?, notes = coalesce(?, notes), rescheduled_date = NULL, updated_by = ?, updated_at = ? WHERE id = ?",
  ).run(input.actualDate, outOfWindow ? 1 : 0, input.reason || null, input.notes || null, input.by, clock.now, v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function markVisitMissed(db: WritableDB, input: ParsedInput<'markVisitMissed'>, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status !== 'planned') throw new AppError('conflict', `${v.label} is ${v.status}, not planned.`);
  db.prepare("UPDATE visits SET status = 'missed', reason = ?, rescheduled_date = NULL, updated_by = ?, updated_at = ? WHERE id = ?").run(input.reason, input.by, clock.now, v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function cancelVisit(db: WritableDB, input: ParsedInput<'cancelVisit'>, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status !== 'planned') throw new AppError('conflict', `${v.label} is ${v.status}, not planned.`);
  db.prepare("UPDATE visits SET status = 'cancelled', reason = ?, updated_by = ?, updated_at = ? WHERE id = ?").run(input.reason, input.by, clock.now, v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function rescheduleVisit(db: WritableDB, input: ParsedInput<'rescheduleVisit'>, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  const p = enrolledParticipant(db, v);
  if (v.status !== 'planned') throw new AppError('conflict', `${v.label} is ${v.status}; only a planned visit can be rescheduled.`);
  if (p.day1 && input.newDate < p.day1 && v.dose_number !== 1) throw new AppError('invalid_input', `${input.newDate} is before Day 1 (${p.day1}).`);
  db.prepare('UPDATE visits SET rescheduled_date = ?, reason = ?, updated_by = ?, updated_at = ? WHERE id = ?').run(input.newDate, input.reason, input.by, clock.now, v.id);
  replan(db, p.id, clock);
  return p.id;
}

export function setVisitNotes(db: WritableDB, input: ParsedInput<'setVisitNotes'>, clock: Clock): number {
  const v = visitRow(db, input.visitId);
  db.prepare('UPDATE visits SET notes = ?, updated_by = ?, updated_at = ? WHERE id = ?').run(input.notes || null, input.by, clock.now, v.id);
  return v.participant_id;
}
