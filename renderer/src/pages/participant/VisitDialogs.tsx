import { useRef, useState, type FormEvent } from 'react';
import { doseTotal } from '../../../../core/dose';
import type { ParticipantDetail, VisitView } from '../../../../core/participants';
import { invoke } from '../../api';
import { formatCalendarDate, formatDateRange, todayIso } from '../../dates';
import { DateInput, Dialog, DialogActions, Field, useAction } from '../../components/forms';
import { blindedDoseText } from '../../../../core/vocabulary';

export type VisitAction = { kind: 'done' | 'missed' | 'reschedule' | 'cancel' | 'notes' | 'correct' | 'undo'; visit: VisitView };

export function VisitDialog(props: { action: VisitAction | null; detail: ParticipantDetail; onClose: () => void; onDone: (d: ParticipantDetail) => void }) {
  const v = props.action?.visit;
  const kind = props.action?.kind;
  const titles = { done: 'Mark done', missed: 'Mark missed', reschedule: 'Reschedule', cancel: 'Cancel visit', notes: 'Notes', correct: 'Correct', undo: 'Back to planned' } as const;
  const title = v && kind ? `${titles[kind]}: ${v.label}` : '';
  return (
    <Dialog title={title} open={props.action !== null} onClose={props.onClose}>
      {v && kind && <VisitForm key={`${v.id}-${kind}`} visit={v} kind={kind} detail={props.detail} onCancel={props.onClose} onDone={props.onDone} />}
    </Dialog>
  );
}

const CONFIRM: Record<VisitAction['kind'], string> = {
  done: 'Mark done',
  missed: 'Mark missed',
  reschedule: 'Reschedule',
  cancel: 'Cancel this visit',
  notes: 'Save notes',
  correct: 'Save correction',
  undo: 'Put back to planned',
};

function VisitForm(props: { visit: VisitView; kind: VisitAction['kind']; detail: ParticipantDetail; onCancel: () => void; onDone: (d: ParticipantDetail) => void }) {
  const { visit: v, kind, detail } = props;
  const act = useAction();
  const form = useRef<HTMLFormElement>(null);
  const today = todayIso();
  const correcting = kind === 'correct';
  const recorded = v.proceduresDone;
  const [ticked, setTicked] = useState<readonly string[]>(correcting ? (recorded ?? []) : []);
  const checklist = (kind === 'done' || correcting) && v.procedures.length > 0;
  const [date, setDate] = useState(correcting ? v.actualDate! : kind === 'reschedule' ? v.plannedDate : v.plannedDate <= today ? v.plannedDate : today);
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState(v.notes ?? '');
  const [lot, setLot] = useState(correcting ? (v.dose?.lotNumber ?? '') : '');
  const [time, setTime] = useState(correcting ? (v.dose?.givenAt.slice(11, 16) ?? '') : '');
  const [weight, setWeight] = useState(correcting && v.dose?.weightKg != null ? String(v.dose.weightKg) : detail.participant.weightKg === null ? '' : String(detail.participant.weightKg));
  const isDose = (kind === 'done' || correcting) && v.kind === 'dose' && (kind === 'done' || v.dose !== null);
  const outside = (kind === 'done' || kind === 'reschedule' || correcting) && (date < v.windowStart || date > v.windowEnd);
  const rule = detail.doseRule;
  const working =
    isDose && rule.amount !== null && rule.unit
      ? doseTotal(rule.perKg ? { kind: 'perKg', amount: rule.amount, unit: rule.unit } : { kind: 'fixed', amount: rule.amount, unit: rule.unit, per: 'session' }, weight === '' ? null : Number(weight)).text
      : null;
  const preview = working === null ? rule.text : rule.blinded ? blindedDoseText(working) : working;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = await act.run(() => {
      switch (kind) {
        case 'done':
          return invoke('markVisitDone', {
            visitId: v.id,
            actualDate: date,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
            ...(notes.trim() ? { notes: notes.trim() } : {}),
            ...(isDose ? { dose: { lotNumber: lot, givenAt: `${date}T${time}`, weightKg: weight === '' ? null : Number(weight) } } : {}),
            ...(checklist ? { proceduresDone: [...ticked] } : {}),
          });
        case 'missed':
          return invoke('markVisitMissed', { visitId: v.id, reason });
        case 'reschedule':
          return invoke('rescheduleVisit', { visitId: v.id, newDate: date, reason });
        case 'cancel':
          return invoke('cancelVisit', { visitId: v.id, reason });
        case 'notes':
          return invoke('setVisitNotes', { visitId: v.id, notes });
        case 'undo':
          return invoke('undoVisit', { visitId: v.id, reason });
        case 'correct': {
          const d = v.dose;
          const w = weight === '' ? undefined : Number(weight);
          return invoke('correctVisit', {
            visitId: v.id,
            reason,
            ...(date !== v.actualDate ? { actualDate: date } : {}),
            ...(d && lot !== d.lotNumber ? { lotNumber: lot } : {}),
            ...(d && time !== d.givenAt.slice(11, 16) ? { givenTime: time } : {}),
            ...(d && w !== undefined && w !== d.weightKg ? { weightKg: w } : {}),
            ...(checklist && JSON.stringify(ticked) !== JSON.stringify(recorded ?? []) ? { proceduresDone: [...ticked] } : {}),
          });
        }
      }
    }, form.current);
    if (d) props.onDone(d);
  };
  return (
    // The app's own checks speak, in words, rather than the browser's bubbles.
    <form className="form" onSubmit={submit} ref={form} noValidate>
      <p className="muted">
        Planned {formatCalendarDate(v.plannedDate)};{' '}
        {v.windowStated ? `window ${formatDateRange(v.windowStart, v.windowEnd)}${v.windowText ? ` (${v.windowText})` : ''}` : 'the protocol states no window: due on the planned day'}.
      </p>
      {kind === 'undo' && (
        <p>
          {v.label} was recorded as {v.status}
          {v.actualDate ? ` on ${formatCalendarDate(v.actualDate)}` : ''}. It goes back to planned{v.dose ? ' and its dose record is removed' : ''}; what was recorded stays in the history, with your reason.
        </p>
      )}
      {(kind === 'done' || kind === 'reschedule' || correcting) && (
        <Field label={kind === 'reschedule' ? 'New date' : 'Date done'}>
          {(id) => <DateInput id={id} value={date} max={kind === 'reschedule' ? undefined : today} onChange={setDate} required />}
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
      {checklist && (
        <fieldset className="field checklist">
          <legend>Procedures done</legend>
          {v.procedures.map((name) => (
            <label key={name} className="check">
              <input type="checkbox" checked={ticked.includes(name)} onChange={(e) => setTicked(e.target.checked ? v.procedures.filter((x) => x === name || ticked.includes(x)) : ticked.filter((x) => x !== name))} />
              <span>{name}</span>
            </label>
          ))}
        </fieldset>
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
        <Field label={kind === 'done' ? 'Reason for the deviation' : correcting ? 'Reason for the correction' : 'Reason'}>
          {(id) => <textarea id={id} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />}
        </Field>
      )}
      <DialogActions error={act.error} busy={act.busy} confirm={CONFIRM[kind]} onCancel={props.onCancel} dismiss={kind === 'cancel' ? 'Keep the visit' : 'Close'} />
    </form>
  );
}

export function ReasonDialog(props: {
  open: boolean;
  title: string;
  explain: string;
  confirm: string;
  withDate?: boolean;
  /** Signing with the passphrase (an unblinding): the field is asked for and handed to submit. */
  signature?: boolean;
  danger?: boolean;
  onClose: () => void;
  submit: (reason: string, date: string, passphrase: string) => Promise<ParticipantDetail>;
  onDone: (d: ParticipantDetail) => void;
}) {
  const act = useAction();
  const [reason, setReason] = useState('');
  const [date, setDate] = useState(todayIso());
  const [passphrase, setPassphrase] = useState('');
  return (
    <Dialog title={props.title} open={props.open} onClose={props.onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const d = await act.run(() => props.submit(reason, date, passphrase));
          setPassphrase('');
          if (d) props.onDone(d);
        }}
      >
        <p>{props.explain}</p>
        {props.withDate && <Field label="Date">{(id) => <DateInput id={id} value={date} onChange={setDate} required />}</Field>}
        <Field label="Reason">{(id) => <textarea id={id} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required />}</Field>
        {props.signature && (
          <Field label="Your passphrase (signature)" hint="Re-entering it signs this record with your name, the time and its meaning">
            {(id, hint) => <input id={id} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required autoComplete="current-password" aria-describedby={hint} />}
          </Field>
        )}
        <DialogActions error={act.error} busy={act.busy} confirm={props.confirm} danger={props.danger ?? true} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
