// Moving participants to another protocol version (an amendment). A participant stays on the
// version they were screened on until the coordinator moves them; the preview shows which
// future visits change, and the move writes exactly that: visits done, missed or cancelled stay
// as recorded, planned visits take the new version's dates, new visits are added, and planned
// visits the new version no longer has are cancelled with the reason.
import type { MovePreview, VisitMove } from '../core/api.js';
import { formatDateRange } from '../core/format.js';
import { scheduleArmFor } from '../core/participant-schedule.js';
import type { Protocol } from '../core/protocol.js';
import { isBlinded } from '../core/vocabulary.js';
import { AppError } from './errors.js';
import { getProtocolVersion } from './protocols.js';
import { participantRow, type Clock, type ParticipantRow, type VisitRow } from './rows.js';
import type { ReadableDB, WritableDB } from './types.js';
import { siteAndEvents } from './site-days.js';
import { nextSettledSeq, replan, runEngine } from './visits.js';

interface Plan {
  readonly preview: MovePreview;
  /** New label, procedures and window wording for planned visits, by visit key. */
  readonly refresh: Map<string, { label: string; procedures: string; window_text: string | null; window_stated: number; kind: string }>;
  readonly cancel: readonly number[];
}

function blockedReason(p: ParticipantRow, protocol: Protocol, toVersion: number): string | null {
  if (p.protocol_version === toVersion) return `${p.study_id} is already on version ${toVersion}.`;
  if (p.protocol_version > toVersion) return `${p.study_id} is on version ${p.protocol_version}; moving back to an earlier version is not allowed.`;
  if (p.status === 'screen-failed') return `${p.study_id} failed screening; there is nothing to move.`;
  if (p.status === 'withdrawn') return `${p.study_id} has withdrawn; their record stays on version ${p.protocol_version}.`;
  if (p.arm_key && !protocol.arms.some((a) => a.key === p.arm_key)) return `Version ${toVersion} has no arm "${p.arm_key}", the arm ${p.study_id} is on.`;
  if (p.status === 'enrolled' && scheduleArmFor(protocol, p.arm_key) === null)
    return `${p.study_id} has no arm on record and the arms' schedules in version ${toVersion} differ.`;
  return null;
}

function planFor(db: ReadableDB, p: ParticipantRow, protocol: Protocol, toVersion: number): Plan {
  const base = { participantId: p.id, studyId: p.study_id, fromVersion: p.protocol_version, toVersion };
  const blocked = blockedReason(p, protocol, toVersion);
  if (blocked || p.status !== 'enrolled' || p.day1 === null) return { preview: { ...base, blocked, changes: [], kept: 0 }, refresh: new Map(), cancel: [] };

  const rows = db.prepare('SELECT * FROM visits WHERE participant_id = ? ORDER BY planned_date, position').all(p.id) as VisitRow[];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const moved = { ...p, protocol_version: toVersion };
  const schedule = runEngine(protocol, moved, rows, undefined, siteAndEvents(db, moved.id, protocol));
  const inNew = new Set(schedule.visits.map((v) => v.key));
  const blinded = isBlinded(protocol);
  const changes: VisitMove[] = [];
  const refresh: Plan['refresh'] = new Map();
  for (const v of schedule.visits) {
    const row = byKey.get(v.key);
    if (!row) {
      changes.push({ key: v.key, label: v.label, change: 'added', before: null, after: v.plannedDate, detail: null });
      continue;
    }
    if (row.status !== 'planned') continue;
    if (row.planned_date !== v.plannedDate) changes.push({ key: v.key, label: row.label, change: 'moved', before: row.planned_date, after: v.plannedDate, detail: null });
    const procedures = JSON.stringify(v.procedures);
    // A dose's label in a blinded trial never names the product; keep the stored one.
    const label = blinded && v.doseNumber !== null ? row.label : v.label;
    const what = [
      label !== row.label && `label "${row.label}" → "${label}"`,
      procedures !== row.procedures && `procedures ${(JSON.parse(row.procedures) as string[]).join(', ') || 'none'} → ${v.procedures.join(', ') || 'none'}`,
      (v.windowText ?? null) !== row.window_text && `window "${row.window_text ?? 'none stated'}" → "${v.windowText ?? 'none stated'}"`,
      (row.window_start !== v.windowStart || row.window_end !== v.windowEnd || (row.window_stated === 1) !== v.windowStated) &&
        `window ${row.window_stated === 1 ? formatDateRange(row.window_start, row.window_end) : 'not stated'} → ${v.windowStated ? formatDateRange(v.windowStart, v.windowEnd) : 'not stated'}`,
    ].filter((x): x is string => typeof x === 'string');
    if (what.length) {
      changes.push({ key: v.key, label, change: 'changed', before: row.planned_date, after: v.plannedDate, detail: what.join('; ') });
      refresh.set(v.key, { label, procedures, window_text: v.windowText, window_stated: v.windowStated ? 1 : 0, kind: v.kind });
    }
  }
  const cancel: number[] = [];
  for (const r of rows) {
    if (inNew.has(r.key) || r.status !== 'planned') continue;
    changes.push({ key: r.key, label: r.label, change: 'removed', before: r.planned_date, after: null, detail: `not in version ${toVersion}; it will be cancelled` });
    cancel.push(r.id);
  }
  const kept = rows.filter((r) => r.status !== 'planned').length;
  return { preview: { ...base, blocked: null, changes, kept }, refresh, cancel };
}

function participantsToMove(db: ReadableDB, protocolId: string, toVersion: number, ids: readonly number[] | undefined): ParticipantRow[] {
  if (ids) {
    return ids.map((id) => {
      const p = participantRow(db, id);
      if (p.protocol_id !== protocolId) throw new AppError('invalid_input', `${p.study_id} is in ${p.protocol_id}, not ${protocolId}.`);
      return p;
    });
  }
  return db
    .prepare("SELECT * FROM participants WHERE protocol_id = ? AND protocol_version < ? AND status IN ('screening', 'enrolled') ORDER BY study_id")
    .all(protocolId, toVersion) as ParticipantRow[];
}

/** What moving the participants would change; writes nothing. */
export function previewMove(db: ReadableDB, input: { protocolId: string; toVersion: number; participantIds?: readonly number[] | undefined }): MovePreview[] {
  const { protocol } = getProtocolVersion(db, input.protocolId, input.toVersion);
  return participantsToMove(db, protocol.id, input.toVersion, input.participantIds).map((p) => planFor(db, p, protocol, input.toVersion).preview);
}

/** Moves the participants, all or none: one who cannot be moved refuses the whole move. */
export function moveParticipants(
  db: WritableDB,
  input: { protocolId: string; toVersion: number; participantIds?: readonly number[] | undefined },
  by: string,
  clock: Clock,
): MovePreview[] {
  const { protocol } = getProtocolVersion(db, input.protocolId, input.toVersion);
  const people = participantsToMove(db, protocol.id, input.toVersion, input.participantIds);
  if (people.length === 0) throw new AppError('conflict', `No participant of ${protocol.id} is waiting to move to version ${input.toVersion}.`);
  const plans = people.map((p) => planFor(db, p, protocol, input.toVersion));
  const blocked = plans.filter((pl) => pl.preview.blocked !== null);
  if (blocked.length) throw new AppError('conflict', `Nothing was moved: ${blocked[0]!.preview.blocked}`, blocked.map((b) => b.preview.blocked!));

  const setVersion = db.prepare('UPDATE participants SET protocol_version = ?, updated_at = ? WHERE id = ?');
  const cancel = db.prepare("UPDATE visits SET status = 'cancelled', reason = ?, updated_by = ?, updated_at = ?, settled_seq = ? WHERE id = ? AND status = 'planned'");
  const refresh = db.prepare(
    `UPDATE visits SET label = @label, procedures = @procedures, window_text = @window_text, window_stated = @window_stated, kind = @kind, updated_at = @now
     WHERE participant_id = @participant_id AND key = @key AND status = 'planned'`,
  );
  for (const plan of plans) {
    const { participantId } = plan.preview;
    setVersion.run(input.toVersion, clock.now, participantId);
    for (const id of plan.cancel) cancel.run(`Not in protocol version ${input.toVersion}`, by, clock.now, nextSettledSeq(db, participantId), id);
    for (const [key, values] of plan.refresh) refresh.run({ ...values, key, participant_id: participantId, now: clock.now });
    replan(db, participantId, clock);
  }
  return plans.map((p) => p.preview);
}
