// The mark beside a corrected value: it opens the value's history (each value it had, who
// recorded or corrected it, when and why), read from the participant's audit trail.
import { useState } from 'react';
import type { AuditEntry } from '../../../core/participants';
import { formatInstant } from '../dates';
import { Dialog } from './forms';

/** Methods whose changes are corrections of something recorded before. */
const CORRECTIONS = new Set(['correctParticipant', 'correctVisit', 'undoVisit', 'answerEligibility', 'reverseWithdrawal']);

export interface FieldRef {
  readonly entity: string;
  readonly entityId: string;
  readonly field: string;
  /** How the field is shown: "Lot number". */
  readonly label: string;
  readonly show?: (v: unknown) => string;
}

const plain = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : String(v));

/** Every change to the fields, oldest first. */
function changesTo(entries: readonly AuditEntry[], fields: readonly FieldRef[]) {
  // An imported participant's row holds its visits' inserts too.
  return entries.flatMap((e) =>
    [e, ...(e.records ?? [])].flatMap((r) =>
      fields
        .filter((f) => r.entity === f.entity && r.entityId === f.entityId && f.field in r.changes)
        .map((f) => {
          const [before, after] = r.changes[f.field]!;
          const show = f.show ?? plain;
          return { id: `${e.id}-${r.entityId}-${f.field}`, e, f, before: e.action === 'insert' ? null : show(before), after: e.action === 'delete' ? '(removed)' : show(after) };
        }),
    ),
  );
}

export function HistoryMark(props: { entries: readonly AuditEntry[] | null; fields: readonly FieldRef[]; what: string }) {
  const [open, setOpen] = useState(false);
  if (!props.entries) return null;
  const changes = changesTo(props.entries, props.fields);
  if (!changes.some((c) => CORRECTIONS.has(c.e.method) && c.e.action !== 'insert')) return null;
  return (
    <>
      <button type="button" className="history-mark" onClick={() => setOpen(true)} aria-label={`History of ${props.what} (corrected)`} title="Corrected: show the history">
        corrected
      </button>
      <Dialog title={`History: ${props.what}`} open={open} onClose={() => setOpen(false)}>
        <ol className="history-list">
          {changes.map(({ id, e, f, before, after }) => (
            <li key={id}>
              <div>
                <strong>{f.label}</strong>: {before === null ? after : `${before} → ${after}`}
              </div>
              <div className="sub">
                {CORRECTIONS.has(e.method) && e.action !== 'insert' ? 'Corrected' : 'Recorded'} by {e.by}, {formatInstant(e.at)}
                {e.reason ? ` — reason: ${e.reason}` : ''}
              </div>
            </li>
          ))}
        </ol>
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </Dialog>
    </>
  );
}
