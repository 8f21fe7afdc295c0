// The audit trail as people read it: each row's changed fields, old beside new. Where a
// participant is in a blinded trial, the arm is shown as "(blinded)" unless the reader has the
// `unblinded` role and the participant was unblinded; the stored trail keeps it.
import type { AuditEntry } from '../core/participants.js';
import { isBlinded } from '../core/vocabulary.js';
import { auditRows } from './audit.js';
import { IMPORTED_VISITS, importedVisits } from './bulk-import.js';
import { unblindingOf } from './participant-views.js';
import { participantRow, protocolFor } from './rows.js';
import type { ReadableDB } from './types.js';

/** Fields that name the arm. */
const BLINDED_FIELDS = new Set(['arm_key']);

/** Audit entries, oldest first, as changed fields: one participant's, or (null) the whole trail. */
export function auditEntries(db: ReadableDB, participantId: number | null, seesArms: boolean): AuditEntry[] {
  if (participantId !== null) participantRow(db, participantId);
  const hidden = new Map<number, boolean>();
  const hideArm = (pid: number | null) => {
    if (pid === null) return false;
    if (!hidden.has(pid)) {
      const p = participantRow(db, pid);
      hidden.set(pid, isBlinded(protocolFor(db, p)) && !(seesArms && unblindingOf(db, pid) !== null));
    }
    return hidden.get(pid)!;
  };
  const names = subjects(db);
  return auditRows(db, participantId).map((r) => {
    const before = r.oldValues ? (JSON.parse(r.oldValues) as Record<string, unknown>) : {};
    const after = r.newValues ? (JSON.parse(r.newValues) as Record<string, unknown>) : {};
    const blind = hideArm(r.participantId);
    // An imported participant's row holds the visits written with it (db/bulk-import.ts): each is read as its own insert.
    const imported = r.entity === 'participants' && r.action === 'insert' ? importedVisits(after) : null;
    if (imported) delete after[IMPORTED_VISITS];
    const entry = { id: r.id, at: r.at, by: r.by, method: r.method, reason: r.reason, entity: r.entity, entityId: r.entityId, action: r.action, participantId: r.participantId };
    const record = { ...entry, subject: names(r.entity, r.entityId, r.participantId, { ...before, ...after }), changes: changesOf(before, after, blind) };
    if (!imported) return record;
    const records = imported.map((v) => ({ entity: 'visits', entityId: String(v.id), subject: names('visits', String(v.id), r.participantId, v), changes: changesOf({}, v, blind) }));
    return { ...record, records };
  });
}

/** The fields a row changed: name → [old, new]; the arm "(blinded)" where the reader may not see it. */
function changesOf(before: Record<string, unknown>, after: Record<string, unknown>, blind: boolean): Record<string, readonly [unknown, unknown]> {
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
  return changes;
}

/** What each row is about, in a person's words: a visit's label, a participant's study ID, a criterion's text. */
function subjects(db: ReadableDB): (entity: string, entityId: string, participantId: number | null, values: Record<string, unknown>) => string | null {
  const visitLabel = db.prepare('SELECT label FROM visits WHERE id = ?').pluck();
  const who = new Map<number, string>();
  const participant = (pid: number | null) => {
    if (pid === null) return null;
    if (!who.has(pid)) {
      const p = db.prepare('SELECT study_id, initials FROM participants WHERE id = ?').get(pid) as { study_id: string; initials: string } | undefined;
      who.set(pid, p ? `${p.study_id} (${p.initials})` : `participant ${pid}`);
    }
    return who.get(pid)!;
  };
  const criteria = new Map<number, Map<string, string>>();
  const criterion = (pid: number, key: string) => {
    if (!criteria.has(pid)) {
      const protocol = protocolFor(db, participantRow(db, pid));
      criteria.set(pid, new Map([...protocol.eligibility.inclusion.map((c) => [c.key, `the inclusion criterion “${c.text}”`] as const), ...protocol.eligibility.exclusion.map((c) => [c.key, `the exclusion criterion “${c.text}”`] as const)]));
    }
    return criteria.get(pid)!.get(key) ?? `the criterion ${key}`;
  };
  return (entity, entityId, pid, v) => {
    switch (entity) {
      case 'visits':
        return typeof v.label === 'string' ? v.label : null;
      case 'doses':
        return typeof v.visit_id === 'number' ? ((visitLabel.get(v.visit_id) as string | undefined) ?? 'a visit') : null;
      case 'participants':
        return typeof v.study_id === 'string' ? `${v.study_id} (${String(v.initials ?? '')})` : participant(pid);
      case 'eligibility_answers':
        return pid === null ? null : criterion(pid, typeof v.criterion_key === 'string' ? v.criterion_key : entityId.split(':').slice(1).join(':'));
      case 'unblindings':
      case 'randomization_slots':
      case 'eligibility_signatures':
        return participant(pid);
      default:
        return null;
    }
  };
}
