// The audit trail as people read it: each row's changed fields, old beside new. Where a
// participant is in a blinded trial, the arm is shown as "(blinded)" unless the reader has the
// `unblinded` role and the participant was unblinded; the stored trail keeps it.
import type { AuditEntry } from '../core/participants.js';
import { isBlinded } from '../core/vocabulary.js';
import { auditRows } from './audit.js';
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
