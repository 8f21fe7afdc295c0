import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { SEX_WORDS, SEXES, type Sex } from '../../../core/vocabulary';
import { invoke } from '../api';
import { todayIso } from '../dates';
import { ActionError, DateInput, Field, Options, useAction } from '../components/forms';
import { ErrorNotice, Loading, Page } from '../components/ui';
import { useApi } from '../useApi';

export function ScreenParticipant() {
  const protocols = useApi('listProtocols', {});
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const action = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState({
    protocolId: params.get('protocol') ?? '',
    studyId: '',
    initials: '',
    birthDate: '',
    ageYears: '',
    sex: 'unknown',
    weightKg: '',
    consentDate: todayIso(),
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = await action.run(() =>
      invoke('screenParticipant', {
        protocolId: form.protocolId,
        studyId: form.studyId,
        initials: form.initials.toUpperCase(),
        birthDate: form.birthDate || null,
        ageYears: form.ageYears === '' ? null : Number(form.ageYears),
        sex: form.sex as Sex,
        weightKg: form.weightKg === '' ? null : Number(form.weightKg),
        consentDate: form.consentDate,
      }),
      formRef.current,
    );
    if (d) void navigate(`/participants/${d.participant.id}`);
  };

  return (
    <Page title="Screen a participant" eyebrow={<Link to="/participants">← Participants</Link>}>
      {protocols.state === 'loading' && <Loading what="protocols" />}
      {protocols.state === 'error' && <ErrorNotice error={protocols.error} />}
      {protocols.state === 'ready' && (
        <form className="form card" onSubmit={submit} noValidate ref={formRef}>
          <p className="muted">A participant is identified by a study ID and initials only: no names.</p>
          <div className="form-grid">
            <Field label="Trial">
              {(id) => (
                <select id={id} value={form.protocolId} onChange={set('protocolId')} required>
                  <Options blank="Choose a trial…" items={protocols.value.map((p) => ({ value: p.id, label: p.title }))} />
                </select>
              )}
            </Field>
            <Field label="Study ID">{(id) => <input id={id} value={form.studyId} onChange={set('studyId')} required autoComplete="off" />}</Field>
            <Field label="Initials" hint="1 to 4 capital letters">
              {(id, hint) => <input id={id} value={form.initials} onChange={set('initials')} required aria-describedby={hint} autoComplete="off" autoCapitalize="characters" />}
            </Field>
            <Field label="Date of birth" hint="Or give the age">
              {(id, hint) => <DateInput id={id} value={form.birthDate} onChange={(value) => setForm({ ...form, birthDate: value })} describedBy={hint} max={todayIso()} />}
            </Field>
            <Field label="Age (years)">{(id) => <input id={id} type="number" min={0} max={130} value={form.ageYears} onChange={set('ageYears')} />}</Field>
            <Field label="Sex">
              {(id) => (
                <select id={id} value={form.sex} onChange={set('sex')}>
                  <Options items={SEXES.map((s) => ({ value: s, label: SEX_WORDS[s] }))} />
                </select>
              )}
            </Field>
            <Field label="Weight (kg)">{(id) => <input id={id} type="number" min={1} max={500} step="0.1" value={form.weightKg} onChange={set('weightKg')} />}</Field>
            <Field label="Consent date">{(id) => <DateInput id={id} value={form.consentDate} onChange={(value) => setForm({ ...form, consentDate: value })} required />}</Field>
          </div>
          <ActionError error={action.error} title="The participant was not saved" />
          <div className="form-actions">
            <button type="submit" className="button" disabled={action.busy}>
              Start screening
            </button>
          </div>
        </form>
      )}
    </Page>
  );
}
