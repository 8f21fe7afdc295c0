// A participant's events (surgery, transplant): the visits that count from one wait until its
// date is recorded; a date already recorded is corrected with a reason, and what follows re-plans.
import { useRef, useState, type FormEvent } from 'react';
import type { ParticipantDetail, ParticipantEventView } from '../../../../core/participants';
import { invoke } from '../../api';
import { formatCalendarDate, formatInstant, todayIso } from '../../dates';
import { DateInput, Dialog, DialogActions, Field, useAction } from '../../components/forms';
import { Section } from '../../components/ui';

export function EventsSection(props: { detail: ParticipantDetail; canRecord: boolean; onChange: (d: ParticipantDetail) => void }) {
  const { detail } = props;
  const [editing, setEditing] = useState<ParticipantEventView | null>(null);
  if (detail.events.length === 0) return null;
  const waiting = (e: ParticipantEventView) => detail.open.filter((o) => o.reason === `waiting for: ${e.label} date`);
  return (
    <Section id="events" title="Events" count={detail.events.length}>
      <p className="muted">Visits timed from an event are placed on the calendar once its date is recorded.</p>
      <ul className="plain-list gaps">
        {detail.events.map((e) => (
          <li key={e.key} className="event-row">
            <div>
              <strong>{e.label}</strong>
              {e.date ? (
                <>
                  : {formatCalendarDate(e.date)}
                  <div className="sub">
                    recorded by {e.recordedBy} on {formatInstant(e.recordedAt!)}
                    {e.reason ? `; corrected: ${e.reason}` : ''}
                  </div>
                </>
              ) : (
                <>
                  : not recorded yet
                  {waiting(e).length > 0 && <div className="sub">Waiting for it: {waiting(e).map((o) => o.label).join(', ')}</div>}
                </>
              )}
              {e.description && <div className="sub">{e.description}</div>}
            </div>
            {props.canRecord && (
              <button type="button" className="button button-small button-secondary" onClick={() => setEditing(e)} aria-label={`${e.date ? 'Correct date' : 'Record date'}: ${e.label}`}>
                {e.date ? 'Correct date' : 'Record date'}
              </button>
            )}
          </li>
        ))}
      </ul>
      <Dialog title={editing ? `${editing.date ? 'Correct' : 'Record'}: ${editing.label} date` : ''} open={editing !== null} onClose={() => setEditing(null)}>
        {editing && <EventForm key={editing.key} event={editing} detail={detail} onCancel={() => setEditing(null)} onDone={(d) => (props.onChange(d), setEditing(null))} />}
      </Dialog>
    </Section>
  );
}

function EventForm(props: { event: ParticipantEventView; detail: ParticipantDetail; onCancel: () => void; onDone: (d: ParticipantDetail) => void }) {
  const { event } = props;
  const act = useAction();
  const form = useRef<HTMLFormElement>(null);
  const [date, setDate] = useState(event.date ?? todayIso());
  const [reason, setReason] = useState('');
  const correcting = event.date !== null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = await act.run(
      () => invoke('recordEvent', { participantId: props.detail.participant.id, eventKey: event.key, date, ...(correcting ? { reason: reason.trim() } : {}) }),
      form.current,
    );
    if (d) props.onDone(d);
  };
  return (
    <form className="form" onSubmit={submit} ref={form} noValidate>
      <p className="muted">
        {correcting
          ? `Recorded as ${formatCalendarDate(event.date!)}. The visits timed from it move with the corrected date; what was already done keeps its date.`
          : 'The visits timed from it are planned from this date. A date ahead (a surgery booked) is fine.'}
      </p>
      <Field label={`${event.label} date`}>{(id) => <DateInput id={id} value={date} onChange={setDate} required />}</Field>
      {correcting && <Field label="Reason for the correction">{(id) => <textarea id={id} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />}</Field>}
      <DialogActions error={act.error} busy={act.busy} confirm={correcting ? 'Save correction' : 'Record date'} onCancel={props.onCancel} />
    </form>
  );
}
