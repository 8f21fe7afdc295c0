import { useState, type FormEvent } from 'react';
import type { ParticipantDetail } from '../../../../core/participants';
import { invoke } from '../../api';
import { formatInstant, todayIso } from '../../dates';
import { DateInput, ActionError, Field, Options, useAction } from '../../components/forms';
import { Badge, Section } from '../../components/ui';
import { useSession } from '../../session';

/** Screening: the protocol's eligibility checklist, an investigator's signed confirmation, then enrollment or a screen failure. */
export function Screening({ detail, onChange }: { detail: ParticipantDetail; onChange: (d: ParticipantDetail) => void }) {
  const session = useSession();
  const e = detail.eligibility;
  const editable = detail.participant.status === 'screening' && session.can('coordinator', 'investigator');
  const [answers, setAnswers] = useState<Record<string, boolean | undefined>>(() => Object.fromEntries(e.criteria.map((c) => [c.key, c.met ?? undefined])));
  const save = useAction();
  const enroll = useAction();
  const fail = useAction();
  const sign = useAction();
  const [day1, setDay1] = useState(todayIso());
  const [stratum, setStratum] = useState('');
  const [arm, setArm] = useState('');
  const [reason, setReason] = useState('');
  const [correction, setCorrection] = useState('');
  const [passphrase, setPassphrase] = useState('');
  // An answer already given and now changed is a correction: it needs a reason.
  const changed = e.criteria.filter((c) => c.met !== null && answers[c.key] !== undefined && answers[c.key] !== c.met);
  const signed = e.signature?.current === true;

  const saveAnswers = async (ev: FormEvent) => {
    ev.preventDefault();
    const given = Object.entries(answers).filter((x): x is [string, boolean] => x[1] !== undefined);
    const d = await save.run(() =>
      invoke('answerEligibility', { participantId: detail.participant.id, answers: given.map(([key, met]) => ({ key, met })), ...(changed.length ? { reason: correction } : {}) }),
    );
    if (d) {
      setCorrection('');
      onChange(d);
    }
  };
  return (
    <>
      <Section id="eligibility" title="Eligibility">
        <p>
          Age on the consent date: <strong>{e.ageYears ?? 'unknown'}</strong> (protocol: {e.ageRange}){' '}
          {e.ageOk === true && <Badge tone="success">in range</Badge>}
          {e.ageOk === false && <Badge tone="warning">out of range</Badge>}
        </p>
        <form onSubmit={saveAnswers}>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Criterion</th>
                <th scope="col">Answer</th>
                <th scope="col">Answered</th>
              </tr>
            </thead>
            <tbody>
              {e.criteria.map((c) => (
                <tr key={c.key}>
                  <th scope="row">
                    <span className="sub">{c.kind === 'inclusion' ? 'Inclusion' : 'Exclusion'}</span>
                    <div>
                      {c.group && <span className="muted">{c.group}: </span>}
                      {c.text}
                    </div>
                  </th>
                  <td>
                    <fieldset className="choice" disabled={!editable}>
                      <legend className="visually-hidden">{c.text}</legend>
                      {[true, false].map((met) => (
                        <label key={String(met)}>
                          <input type="radio" name={c.key} checked={answers[c.key] === met} onChange={() => setAnswers({ ...answers, [c.key]: met })} /> {met ? 'Met' : 'Not met'}
                        </label>
                      ))}
                    </fieldset>
                  </td>
                  <td className="sub">{c.answeredBy ? `${c.answeredBy}, ${formatInstant(c.answeredAt!)}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {editable && changed.length > 0 && (
            <Field label={`Reason for correcting ${changed.length === 1 ? 'an answer' : `${changed.length} answers`}`}>
              {(id) => <input id={id} value={correction} onChange={(x) => setCorrection(x.target.value)} required />}
            </Field>
          )}
          <ActionError error={save.error} />
          {editable && (
            <div className="form-actions">
              <button type="submit" className="button" disabled={save.busy}>
                Save answers
              </button>
            </div>
          )}
        </form>
        {e.eligible ? (
          <div className="notice notice-success" role="status">
            <strong>Eligible as answered.</strong> Every criterion is answered and the age is in range.
            {e.signature && (
              <p>
                {e.signature.current ? 'Confirmed' : 'Was confirmed'} by {e.signature.name} ({e.signature.by}), {formatInstant(e.signature.at)}: “{e.signature.meaning}”
                {!e.signature.current && ' The answers changed since: an investigator confirms them again.'}
              </p>
            )}
          </div>
        ) : (
          <div className="notice notice-info" role="status">
            <strong>{detail.participant.status === 'screen-failed' ? 'Screen failed.' : 'Not eligible as answered.'}</strong>
            <ul>
              {e.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        )}
        {detail.participant.status === 'screening' && e.eligible && !signed && (
          session.can('investigator') ? (
            <form
              className="form signature"
              onSubmit={async (ev) => {
                ev.preventDefault();
                const d = await sign.run(() => invoke('confirmEligibility', { participantId: detail.participant.id, passphrase }));
                setPassphrase('');
                if (d) onChange(d);
              }}
            >
              <p>
                <strong>Confirm eligibility.</strong> Signing with your passphrase records that you, {session.person?.name}, confirm this participant meets every inclusion criterion and no exclusion criterion.
              </p>
              <Field label="Your passphrase (signature)">{(id) => <input id={id} type="password" value={passphrase} onChange={(x) => setPassphrase(x.target.value)} required autoComplete="current-password" />}</Field>
              <ActionError error={sign.error} title="Not signed" />
              <div className="form-actions">
                <button type="submit" className="button" disabled={sign.busy}>
                  Sign and confirm eligibility
                </button>
              </div>
            </form>
          ) : (
            <p className="notice notice-info">An investigator confirms eligibility, signing with their passphrase, before the participant can be enrolled.</p>
          )
        )}
      </Section>
      {editable && (
        <div className="two-col">
          <Section id="enroll" title="Enroll and randomize">
            <form
              className="form"
              onSubmit={async (ev) => {
                ev.preventDefault();
                const d = await enroll.run(() =>
                  invoke('enrollParticipant', {
                    participantId: detail.participant.id,
                    day1,
                    ...(stratum.trim() ? { stratum: stratum.trim() } : {}),
                    ...(arm ? { armKey: arm } : {}),
                  }),
                );
                if (d) onChange(d);
              }}
            >
              <Field label="Study Day 1 (planned first dose)">{(id) => <DateInput id={id} value={day1} onChange={setDay1} required />}</Field>
              <Field label="Stratum (optional)" hint="Each stratum has its own randomization list">
                {(id, hint) => <input id={id} value={stratum} onChange={(x) => setStratum(x.target.value)} aria-describedby={hint} />}
              </Field>
              {detail.manualArms.length > 0 && (
                <Field label="Arm" hint="Open-label trial: randomize, or assign an arm by hand">
                  {(id, hint) => (
                    <select id={id} value={arm} onChange={(x) => setArm(x.target.value)} aria-describedby={hint}>
                      <Options blank="Randomize" items={detail.manualArms.map((a) => ({ value: a.key, label: a.label }))} />
                    </select>
                  )}
                </Field>
              )}
              <ActionError error={enroll.error} title="Enrollment refused" />
              {!signed && <p className="muted">Enrollment opens once an investigator has confirmed eligibility.</p>}
              <div className="form-actions">
                <button type="submit" className="button" disabled={enroll.busy || !signed}>
                  Enroll and randomize
                </button>
              </div>
            </form>
          </Section>
          <Section id="screen-fail" title="Screen failure">
            <form
              className="form"
              onSubmit={async (ev) => {
                ev.preventDefault();
                const d = await fail.run(() => invoke('recordScreenFailure', { participantId: detail.participant.id, reason }));
                if (d) onChange(d);
              }}
            >
              <Field label="Reason">{(id) => <textarea id={id} value={reason} onChange={(x) => setReason(x.target.value)} rows={3} />}</Field>
              <ActionError error={fail.error} />
              <div className="form-actions">
                <button type="submit" className="button button-secondary" disabled={fail.busy}>
                  Record screen failure
                </button>
              </div>
            </form>
          </Section>
        </div>
      )}
    </>
  );
}

