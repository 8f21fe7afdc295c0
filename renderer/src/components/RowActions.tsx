// Done, Missed and Reschedule from a worklist or calendar row: the participant page's own
// dialogs, opened on the visit after its participant is read (the dialog needs the dose rule and
// the participant's weight). The list is read again after a change.
import { useState } from 'react';
import type { ParticipantDetail, VisitView, WorklistRow } from '../../../core/participants';
import { invoke } from '../api';
import { VisitDialog, type VisitAction } from '../pages/participant/VisitDialogs';
import { ActionError, useAction } from './forms';

type Kind = 'done' | 'missed' | 'reschedule';
const WORDS: Record<Kind, string> = { done: 'Done', missed: 'Missed', reschedule: 'Reschedule' };

export function RowActions({ row, onChanged, kinds = ['done', 'missed', 'reschedule'] }: { row: WorklistRow; onChanged: () => void; kinds?: readonly Kind[] }) {
  const [open, setOpen] = useState<{ action: VisitAction; detail: ParticipantDetail } | null>(null);
  const load = useAction();
  const start = async (kind: Kind) => {
    const detail = await load.run(() => invoke('getParticipant', { participantId: row.participantId }));
    const visit: VisitView | undefined = detail?.visits.find((v) => v.id === row.visitId);
    if (detail && visit) setOpen({ action: { kind, visit }, detail });
  };
  if (row.status !== 'planned') return null;
  return (
    <>
      <div className="row-actions">
        {kinds.map((k) => (
          <button
            key={k}
            type="button"
            className={k === 'done' ? 'button button-small' : 'button button-small button-secondary'}
            onClick={() => void start(k)}
            disabled={load.busy}
            aria-label={`${WORDS[k]}: ${row.visitLabel}, ${row.studyId}`}
          >
            {WORDS[k]}
          </button>
        ))}
      </div>
      <ActionError error={load.error} title="The visit could not be opened" />
      {open && (
        <VisitDialog
          action={open.action}
          detail={open.detail}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onChanged();
          }}
        />
      )}
    </>
  );
}
