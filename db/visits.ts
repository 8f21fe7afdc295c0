// A participant's visits: created from the schedule engine at enrollment and re-planned after
// every change. The engine decides dates (core/schedule.ts); this file stores them beside what
// happened. Recording and correcting visits is db/visit-records.ts.
import { engineInput, replaySettled, scheduleArmFor, type InitialRecord, type RecordedVisit, type SiteAndEvents } from '../core/participant-schedule.js';
import type { Protocol } from '../core/protocol.js';
import { computeSchedule, ScheduleError, type Schedule, type ScheduledVisit } from '../core/schedule.js';
import { blindedDoseLabel, isBlinded } from '../core/vocabulary.js';
import { AppError } from './errors.js';
import { participantRow, protocolFor, visitRowsOf, type Clock, type ParticipantRow, type VisitRow } from './rows.js';
import { siteAndEvents } from './site-days.js';
import { statements } from './statements.js';
import type { WritableDB } from './types.js';

/** The arm whose schedule a participant follows; refused where the arms' schedules differ and only a blinded code is known. */
export function scheduleArm(protocol: Protocol, p: ParticipantRow): string {
  const arm = scheduleArmFor(protocol, p.arm_key);
  if (arm === null) throw new AppError('conflict', `${p.study_id} has no arm on record and the arms' schedules differ, so no schedule can be made.`);
  return arm;
}

export function recorded(r: VisitRow): RecordedVisit {
  return { key: r.key, status: r.status, actualDate: r.actual_date, plannedDate: r.planned_date, rescheduledDate: r.rescheduled_date, settledSeq: r.settled_seq };
}

/** The engine's plan for a participant from their visit rows. */
export function runEngine(protocol: Protocol, p: ParticipantRow, rows: readonly VisitRow[], initial: InitialRecord | undefined, site: SiteAndEvents): Schedule {
  try {
    return computeSchedule(engineInput(protocol, scheduleArm(protocol, p), p.day1!, rows.map(recorded), initial, site));
  } catch (e) {
    if (e instanceof ScheduleError) throw new AppError('invalid_input', e.message);
    throw e;
  }
}

function seriesCount(protocol: Protocol, armKey: string, seriesKey: string | null): number | null {
  return protocol.arms.find((a) => a.key === armKey)?.dosing.find((s) => s.key === seriesKey)?.count ?? null;
}

export type NewVisitValues = Omit<VisitRow, 'id'>;

/** A new visit row (every column but the id) for a visit of the schedule: its first projection, and what is already known of it. */
export function newVisitValues(
  protocol: Protocol,
  armKey: string,
  blinded: boolean,
  participantId: number,
  v: ScheduledVisit,
  position: number,
  initial: (Pick<InitialRecord, 'by' | 'reason'> & { readonly settledSeq?: ReadonlyMap<string, number> }) | undefined,
  now: string,
): NewVisitValues {
  return {
    participant_id: participantId,
    key: v.key,
    position,
    // In a blinded trial a dose is named without its product: the label would name the arm.
    label: blinded && v.doseNumber !== null ? blindedDoseLabel(v.doseNumber, seriesCount(protocol, armKey, v.series)) : v.label,
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
    settled_seq: v.actualDate ? (initial?.settledSeq?.get(v.key) ?? null) : null,
    done_by: v.status === 'done' ? (initial?.by ?? null) : null,
    procedures_done: null,
    moved_from: v.movedFrom,
    moved_because: v.movedBecause,
    closed_day: v.closedDay,
  };
}

const stmts = statements((db) => ({
  insert: db.prepare(
    `INSERT INTO visits (participant_id, key, position, label, kind, series, dose_number, planned_date, projected_date, window_start, window_end,
       window_text, window_stated, study_day, anchor, procedures, status, actual_date, out_of_window, rescheduled_date, reason, notes, updated_by, updated_at, settled_seq,
       done_by, procedures_done, moved_from, moved_because, closed_day)
     VALUES (@participant_id, @key, @position, @label, @kind, @series, @dose_number, @planned_date, @projected_date, @window_start, @window_end,
       @window_text, @window_stated, @study_day, @anchor, @procedures, @status, @actual_date, @out_of_window, @rescheduled_date, @reason, @notes, @updated_by, @updated_at, @settled_seq,
       @done_by, @procedures_done, @moved_from, @moved_because, @closed_day)`,
  ),
  update: db.prepare(
    `UPDATE visits SET position = @position, planned_date = @planned_date, window_start = @window_start, window_end = @window_end,
       study_day = @study_day, anchor = @anchor, out_of_window = @out_of_window, moved_from = @moved_from, moved_because = @moved_because, closed_day = @closed_day
     WHERE id = @id AND (position, planned_date, window_start, window_end, study_day, anchor, out_of_window, moved_from, moved_because, closed_day)
       IS NOT (@position, @planned_date, @window_start, @window_end, @study_day, @anchor, @out_of_window, @moved_from, @moved_because, @closed_day)`,
  ),
  freeze: db.prepare('UPDATE visits SET planned_date = ? WHERE id = ? AND planned_date IS NOT ?'),
  nextSeq: db.prepare('SELECT coalesce(max(settled_seq), 0) + 1 FROM visits WHERE participant_id = ?').pluck(),
}));

/** The next number in a participant's order of settled visits. */
export function nextSettledSeq(db: WritableDB, participantId: number): number {
  return stmts(db).nextSeq.get(participantId) as number;
}

/**
 * Brings the stored visits in line with the engine: inserts visits the schedule has and the
 * table lacks (first projection written once), and updates planned dates, windows and study days
 * of the rest. Settled visits (done, missed, cancelled) keep the planned date they had when settled.
 */
export function replan(db: WritableDB, participantId: number, clock: Clock, initial?: InitialRecord): void {
  const p = participantRow(db, participantId);
  if (p.day1 === null) return;
  const protocol = protocolFor(db, p);
  const rows = visitRowsOf(db, p.id);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const schedule = runEngine(protocol, p, rows, rows.length === 0 ? initial : undefined, siteAndEvents(db, p.id, protocol));
  const blinded = isBlinded(protocol);
  const { insert, update } = stmts(db);
  schedule.visits.forEach((v, position) => {
    const row = byKey.get(v.key);
    if (row) {
      // A settled visit keeps the date it was settled on, and with it what moved that date.
      const settled = row.status !== 'planned';
      update.run({
        position,
        planned_date: v.plannedDate,
        window_start: v.windowStart,
        window_end: v.windowEnd,
        study_day: v.studyDay,
        anchor: v.anchor,
        out_of_window: v.outOfWindow ? 1 : 0,
        moved_from: settled ? row.moved_from : v.movedFrom,
        moved_because: settled ? row.moved_because : v.movedBecause,
        closed_day: settled ? row.closed_day : v.closedDay,
        id: row.id,
      });
      return;
    }
    insert.run(newVisitValues(protocol, scheduleArm(protocol, p), blinded, p.id, v, position, initial, clock.now));
  });
}

/**
 * After a correction (a date, an undo): each settled visit takes the planned date it would have
 * had with the corrected values recorded from the first, then everything re-plans. The same
 * function decides every date, so the result equals recording the corrected value first
 * (test/corrections.test.ts checks it on generated histories).
 */
export function resettle(db: WritableDB, participantId: number, clock: Clock): void {
  const p = participantRow(db, participantId);
  if (p.day1 === null) return;
  const protocol = protocolFor(db, p);
  const rows = visitRowsOf(db, p.id);
  let frozen: Record<string, string>;
  try {
    frozen = replaySettled(protocol, scheduleArm(protocol, p), p.day1, rows.map(recorded), siteAndEvents(db, p.id, protocol));
  } catch (e) {
    if (e instanceof ScheduleError) throw new AppError('invalid_input', e.message);
    throw e;
  }
  for (const r of rows) {
    const planned = frozen[r.key];
    if (planned !== undefined) stmts(db).freeze.run(planned, r.id, planned);
  }
  replan(db, participantId, clock);
}
