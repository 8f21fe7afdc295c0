// A participant's visits as the participant page shows them: each visit beside what happened at
// it (and the dose given), and what the arm leaves without a date.
import type { ParticipantEventView, VisitView } from '../core/participants.js';
import type { Protocol } from '../core/protocol.js';
import { computeSchedule, type OpenItem } from '../core/schedule.js';
import { isBlinded } from '../core/vocabulary.js';
import type { ParticipantRow, VisitRow } from './rows.js';
import { statements } from './statements.js';
import type { ReadableDB } from './types.js';
import { scheduleArm } from './visits.js';

const stmts = statements((db) => ({
  visits: db
    .prepare(
      `SELECT id, key, label, kind, dose_number, planned_date, projected_date, window_start, window_end, window_text, window_stated, study_day, anchor,
         procedures, status, actual_date, out_of_window, rescheduled_date, reason, notes, updated_by, updated_at, done_by, procedures_done,
         moved_from, moved_because, closed_day
       FROM visits WHERE participant_id = ? ORDER BY planned_date, position`,
    )
    .raw(),
  events: db.prepare('SELECT event_key, event_date, recorded_by, recorded_at, reason FROM participant_events WHERE participant_id = ?'),
  doses: db.prepare('SELECT id, visit_id, given_at, lot_number, dose_text, weight_kg, total_amount, total_unit, recorded_by FROM doses WHERE participant_id = ?'),
}));

type ViewRow = [
  id: number,
  key: string,
  label: string,
  kind: string,
  doseNumber: number | null,
  planned: string,
  projected: string,
  windowStart: string,
  windowEnd: string,
  windowText: string | null,
  windowStated: number,
  studyDay: number,
  anchor: string,
  procedures: string,
  status: VisitRow['status'],
  actual: string | null,
  outOfWindow: number,
  rescheduled: string | null,
  reason: string | null,
  notes: string | null,
  updatedBy: string | null,
  updatedAt: string | null,
  doneBy: string | null,
  proceduresDone: string | null,
  movedFrom: string | null,
  movedBecause: string | null,
  closedDay: string | null,
];

/** The protocol's events, each with the date recorded for the participant (null: not yet). */
export function eventViews(db: ReadableDB, p: ParticipantRow, protocol: Protocol): ParticipantEventView[] {
  const rows = new Map(
    (stmts(db).events.all(p.id) as { event_key: string; event_date: string; recorded_by: string; recorded_at: string; reason: string | null }[]).map((r) => [r.event_key, r]),
  );
  return (protocol.events ?? []).map((e) => {
    const r = rows.get(e.key);
    return { key: e.key, label: e.label, description: e.description ?? null, date: r?.event_date ?? null, recordedBy: r?.recorded_by ?? null, recordedAt: r?.recorded_at ?? null, reason: r?.reason ?? null };
  });
}

export function visitViews(db: ReadableDB, p: ParticipantRow, protocol: Protocol): { visits: VisitView[]; open: OpenItem[] } {
  // Read as arrays and named below: a participant with 75 months of follow-up has 80-odd visits.
  const rows = stmts(db).visits.all(p.id) as ViewRow[];
  const doses = new Map(
    (
      stmts(db).doses.all(p.id) as {
        id: number;
        visit_id: number;
        given_at: string;
        lot_number: string;
        dose_text: string;
        weight_kg: number | null;
        total_amount: number | null;
        total_unit: string | null;
        recorded_by: string;
      }[]
    ).map((d) => [
      d.visit_id,
      { id: d.id, givenAt: d.given_at, lotNumber: d.lot_number, doseText: d.dose_text, weightKg: d.weight_kg, totalAmount: d.total_amount, totalUnit: d.total_unit, recordedBy: d.recorded_by },
    ]),
  );
  const open = p.day1 && p.status !== 'screening' && p.status !== 'screen-failed' ? openItems(protocol, p, (stmts(db).events.all(p.id) as { event_key: string }[]).map((e) => e.event_key)) : [];
  return {
    visits: rows.map((r) => ({
      id: r[0],
      key: r[1],
      label: r[2],
      kind: r[3] as VisitView['kind'],
      doseNumber: r[4],
      plannedDate: r[5],
      projectedDate: r[6],
      windowStart: r[7],
      windowEnd: r[8],
      windowText: r[9],
      windowStated: r[10] === 1,
      studyDay: r[11],
      anchor: r[12],
      procedures: r[13] === '[]' ? [] : (JSON.parse(r[13]) as string[]),
      status: r[14],
      actualDate: r[15],
      outOfWindow: r[16] === 1,
      rescheduled: r[17] !== null && r[14] === 'planned',
      reason: r[18],
      notes: r[19],
      updatedBy: r[20],
      updatedAt: r[21],
      doneBy: r[22],
      proceduresDone: r[23] === null ? null : (JSON.parse(r[23]) as string[]),
      dose: doses.get(r[0]) ?? null,
      movedFrom: r[24],
      movedBecause: r[25],
      closedDay: r[26],
    })),
    open,
  };
}

/** What the arm leaves open: it depends on the protocol version and arm alone, so it is worked out once per arm. */
function openItems(protocol: Protocol, p: ParticipantRow, recordedEvents: readonly string[]): OpenItem[] {
  const armKey = scheduleArm(protocol, p);
  // Which events are recorded decides what waits for one; their dates do not.
  const known = new Set((protocol.events ?? []).map((e) => e.key));
  const events = Object.fromEntries(recordedEvents.filter((k) => known.has(k)).sort().map((k) => [k, p.day1!]));
  const cacheKey = `${armKey}|${Object.keys(events).join(',')}`;
  let byArm = openCache.get(protocol);
  if (!byArm) openCache.set(protocol, (byArm = new Map()));
  let items = byArm.get(cacheKey);
  if (!items) {
    const blinded = isBlinded(protocol);
    const series = new Set(protocol.arms.find((a) => a.key === armKey)?.dosing.map((s) => s.key));
    items = computeSchedule({ protocol, armKey, start: p.day1!, events }).open.map((o) =>
      // The series label would name the product (and so the arm) in a blinded trial.
      blinded && [...series].some((k) => o.key === k || o.key.startsWith(`${k}-`)) ? { key: o.key, label: 'Further study treatments', reason: o.reason } : o,
    );
    byArm.set(cacheKey, items);
  }
  return items;
}
const openCache = new WeakMap<Protocol, Map<string, OpenItem[]>>();
