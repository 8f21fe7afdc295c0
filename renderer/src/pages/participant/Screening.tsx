import { useState, type FormEvent } from 'react';
import type { ParticipantDetail } from '../../../../core/participants';
import { invoke } from '../../api';
import { formatInstant, todayIso } from '../../dates';
import { ActionError, Field, Options, useAction } from '../../components/forms';
import { Badge, Section } from '../../components/ui';
import { useUser } from '../../user';

/** Screening: the protocol's eligibility checklist, then enrollment or a screen failure. */
export function Screening({ detail, onChange }: { detail: ParticipantDetail; onChange: (d: ParticipantDetail) => void }) {
  const by = useUser();
  const e = detail.eligibility;
  const editable = detail.participant.status === 'screening';
  const [answers, setAnswers] = useState<Record<string, boolean | undefined>>(() => Object.fromEntries(e.criteria.map((c) => [c.key, c.met ?? undefined])));
  const save = useAction();
  const enroll = useAction();
  const fail = useAction();
  const [day1, setDay1] = useState(todayIso());
  const [stratum, setStratum] = useState('');
  const [arm, setArm] = useState('');
  const [reason, setReason] = useState('');

  const saveAnswers = async (ev: FormEvent) => {
    ev.preventDefault();
    const given = Object.entries(answers).filter((x): x is [string, boolean] => x[1] !== undefined);
    const d = await save.run(() => invoke('answerEligibility', { participantId: detail.participant.id, answers: given.map(([key, met]) => ({ key, met })), by }));
    if (d) onChange(d);
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
            <strong>Eligible.</strong> Every criterion is answered and the age is in range.
          </div>
        ) : (
          <div className="notice notice-info" role="status">
            <strong>Not eligible yet.</strong>
            <ul>
              {e.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
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
                    by,
                    ...(stratum.trim() ? { stratum: stratum.trim() } : {}),
                    ...(arm ? { armKey: arm } : {}),
                  }),
                );
                if (d) onChange(d);
              }}
            >
              <Field label="Study Day 1 (planned first dose)">{(id) => <input id={id} type="date" value={day1} onChange={(x) => setDay1(x.target.value)} required />}</Field>
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
              <div className="form-actions">
                <button type="submit" className="button" disabled={enroll.busy}>
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
                const d = await fail.run(() => invoke('recordScreenFailure', { participantId: detail.participant.id, reason, by }));
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

