// Correcting a participant's details (initials, sex, date of birth or age, weight, consent date),
// each with a reason. The old value stays in the history, beside who corrected it, when and why.
import { useState, type FormEvent } from 'react';
import { CORRECTABLE_FIELDS, type CorrectableField } from '../../../../core/api';
import type { ParticipantDetail } from '../../../../core/participants';
import { SEX_WORDS, SEXES } from '../../../../core/vocabulary';
import { invoke } from '../../api';
import { Dialog, DialogActions, Field, Options, useAction } from '../../components/forms';

const WORDS: Record<CorrectableField, string> = {
  initials: 'Initials',
  sex: 'Sex',
  birth_date: 'Date of birth',
  age: 'Age (years)',
  weight_kg: 'Weight (kg)',
  consent_date: 'Consent date',
};

function current(d: ParticipantDetail, f: CorrectableField): string {
  const p = d.participant;
  const v = { initials: p.initials, sex: p.sex, birth_date: p.birthDate, age: p.ageYears, weight_kg: p.weightKg, consent_date: p.consentDate }[f];
  return v === null || v === undefined ? '' : String(v);
}

export function CorrectDetails(props: { open: boolean; detail: ParticipantDetail; onClose: () => void; onDone: (d: ParticipantDetail) => void }) {
  return (
    <Dialog title="Correct a detail" open={props.open} onClose={props.onClose}>
      <CorrectForm {...props} />
    </Dialog>
  );
}

function CorrectForm(props: { detail: ParticipantDetail; onClose: () => void; onDone: (d: ParticipantDetail) => void }) {
  const [field, setField] = useState<CorrectableField>(props.detail.participant.ageYears === null && props.detail.participant.birthDate === null ? 'birth_date' : 'weight_kg');
  const [value, setValue] = useState(current(props.detail, field));
  const [reason, setReason] = useState('');
  const act = useAction();
  const choose = (f: CorrectableField) => {
    setField(f);
    setValue(current(props.detail, f));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = await act.run(() => invoke('correctParticipant', { participantId: props.detail.participant.id, field, value: field === 'initials' ? value.trim().toUpperCase() : value.trim(), reason }));
    if (d) props.onDone(d);
  };
  const isDate = field === 'birth_date' || field === 'consent_date';
  return (
    <form className="form" onSubmit={submit}>
      <Field label="What to correct">
        {(id) => (
          <select id={id} value={field} onChange={(e) => choose(e.target.value as CorrectableField)}>
            <Options items={CORRECTABLE_FIELDS.map((f) => ({ value: f, label: WORDS[f] }))} />
          </select>
        )}
      </Field>
      <p className="muted">Now: {current(props.detail, field) || 'not recorded'}</p>
      <Field label={`Corrected ${WORDS[field].toLowerCase()}`} hint={field === 'birth_date' || field === 'age' ? 'Give a date of birth or an age: the other is cleared' : field === 'weight_kg' ? 'Leave empty to clear it' : undefined}>
        {(id, hint) =>
          field === 'sex' ? (
            <select id={id} value={value} onChange={(e) => setValue(e.target.value)} aria-describedby={hint}>
              <Options items={SEXES.map((s) => ({ value: s, label: SEX_WORDS[s] }))} />
            </select>
          ) : (
            <input id={id} type={isDate ? 'date' : 'text'} inputMode={field === 'age' || field === 'weight_kg' ? 'decimal' : undefined} value={value} onChange={(e) => setValue(e.target.value)} aria-describedby={hint} required={field === 'initials' || field === 'consent_date'} />
          )
        }
      </Field>
      <Field label="Reason for the correction">{(id) => <textarea id={id} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />}</Field>
      <DialogActions error={act.error} busy={act.busy} confirm="Save correction" onCancel={props.onClose} />
    </form>
  );
}
