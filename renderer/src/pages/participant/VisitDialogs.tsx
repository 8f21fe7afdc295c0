import { useState, type FormEvent } from 'react';
import { doseTotal } from '../../../../core/dose';
import type { ParticipantDetail, VisitView } from '../../../../core/participants';
import { invoke } from '../../api';
import { formatCalendarDate, formatDateRange, todayIso } from '../../dates';
import { Dialog, DialogActions, Field, useAction } from '../../components/forms';
import { useUser } from '../../user';

export type VisitAction = { kind: 'done' | 'missed' | 'reschedule' | 'cancel' | 'notes'; visit: VisitView };

export function VisitDialog(props: { action: VisitAction | null; detail: ParticipantDetail; onClose: () => void; onDone: (d: ParticipantDetail) => void }) {
  const v = props.action?.visit;
  const kind = props.action?.kind;
  const titles = { done: 'Mark done', missed: 'Mark missed', reschedule: 'Reschedule', cancel: 'Cancel visit', notes: 'Notes' } as const;
  const title = v && kind ? `${titles[kind]}: ${v.label}` : '';
  return (
    <Dialog title={title} open={props.action !== null} onClose={props.onClose}>
      {v && kind && <VisitForm key={`${v.id}-${kind}`} visit={v} kind={kind} detail={props.detail} onCancel={props.onClose} onDone={props.onDone} />}
    </Dialog>
  );
}

function VisitForm(props: { visit: VisitView; kind: VisitAction['kind']; detail: ParticipantDetail; onCancel: () => void; onDone: (d: ParticipantDetail) => void }) {
  const { visit: v, kind, detail } = props;
  const by = useUser();
  const act = useAction();
  const today = todayIso();
  const [date, setDate] = useState(kind === 'reschedule' ? v.plannedDate : v.plannedDate <= today ? v.plannedDate : today);
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState(v.notes ?? '');
  const [lot, setLot] = useState('');
  const [time, setTime] = useState('09:00');
  const [weight, setWeight] = useState(detail.participant.weightKg === null ? '' : String(detail.participant.weightKg));
  const isDose = kind === 'done' && v.kind === 'dose';
  const outside = (kind === 'done' || kind === 'reschedule') && (date < v.windowStart || date > v.windowEnd);
  const rule = detail.doseRule;
  const working =
    isDose && rule.amount !== null && rule.unit
      ? doseTotal(rule.perKg ? { kind: 'perKg', amount: rule.amount, unit: rule.unit } : { kind: 'fixed', amount: rule.amount, unit: rule.unit, per: 'session' }, weight === '' ? null : Number(weight)).text
      : null;
  const preview = working === null ? rule.text : rule.blinded ? `Blinded study treatment (if active: ${working})` : working;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = await act.run(() => {
      switch (kind) {
        case 'done':
          return invoke('markVisitDone', {
            visitId: v.id,
            actualDate: date,
            by,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
            ...(notes.trim() ? { notes: notes.trim() } : {}),
            ...(isDose ? { dose: { lotNumber: lot, givenAt: `${date}T${time}`, weightKg: weight === '' ? null : Number(weight) } } : {}),
          });
        case 'missed':
          return invoke('markVisitMissed', { visitId: v.id, reason, by });
        case 'reschedule':
          return invoke('rescheduleVisit', { visitId: v.id, newDate: date, reason, by });
        case 'cancel':
          return invoke('cancelVisit', { visitId: v.id, reason, by });
        case 'notes':
          return invoke('setVisitNotes', { visitId: v.id, notes, by });
      }
    });
    if (d) props.onDone(d);
  };
  return (
    <form className="form" onSubmit={submit}>
      <p className="muted">
        Planned {formatCalendarDate(v.plannedDate)}; window{' '}
        {formatDateRange(v.windowStart, v.windowEnd)}
        {!v.windowStated && ' (the protocol states no window)'}.
      </p>
      {(kind === 'done' || kind === 'reschedule') && (
        <Field label={kind === 'done' ? 'Date done' : 'New date'}>
          {(id) => <input id={id} type="date" value={date} max={kind === 'done' ? today : undefined} onChange={(e) => setDate(e.target.value)} required />}
        </Field>
      )}
      {isDose && (
        <>
          <Field label="Time given">{(id) => <input id={id} type="time" value={time} onChange={(e) => setTime(e.target.value)} required />}</Field>
          <Field label="Lot number">{(id) => <input id={id} value={lot} onChange={(e) => setLot(e.target.value)} required autoComplete="off" />}</Field>
          {rule.perKg && <Field label="Weight (kg)">{(id) => <input id={id} type="number" step="0.1" min={1} value={weight} onChange={(e) => setWeight(e.target.value)} required />}</Field>}
          <p className="dose-preview" role="status">
            Dose: <strong>{preview}</strong>
          </p>
        </>
      )}
      {outside && (
        <p className="notice notice-warning" role="status">
          {formatCalendarDate(date)} is outside the window: a reason is required.
        </p>
      )}
      {(kind === 'done' || kind === 'notes') && (
        <Field label="Notes">{(id) => <textarea id={id} rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />}</Field>
      )}
      {((kind !== 'done' && kind !== 'notes') || outside) && (
        <Field label={kind === 'done' ? 'Reason for the deviation' : 'Reason'}>{(id) => <textarea id={id} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />}</Field>
      )}
      <DialogActions error={act.error} busy={act.busy} confirm="Confirm" onCancel={props.onCancel} />
    </form>
  );
}

export function ReasonDialog(props: {
  open: boolean;
  title: string;
  explain: string;
  confirm: string;
  withDate?: boolean;
  onClose: () => void;
  submit: (reason: string, by: string, date?: string) => Promise<ParticipantDetail>;
  onDone: (d: ParticipantDetail) => void;
}) {
  const by = useUser();
  const act = useAction();
  const [reason, setReason] = useState('');
  const [date, setDate] = useState(todayIso());
  return (
    <Dialog title={props.title} open={props.open} onClose={props.onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const d = await act.run(() => props.submit(reason, by, date));
          if (d) props.onDone(d);
        }}
      >
        <p>{props.explain}</p>
        {props.withDate && <Field label="Date">{(id) => <input id={id} type="date" value={date} onChange={(e) => setDate(e.target.value)} required />}</Field>}
        <Field label="Reason">{(id) => <textarea id={id} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required />}</Field>
        <DialogActions error={act.error} busy={act.busy} confirm={props.confirm} danger onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
