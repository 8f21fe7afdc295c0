import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { doseTotal } from '../../../core/dose';
import type { ParticipantDetail, VisitView } from '../../../core/participants';
import { invoke } from '../api';
import { formatCalendarDate, formatInstant, todayIso } from '../dates';
import { ActionError, Dialog, Field, useAction } from '../components/forms';
import { Timeline } from '../components/Timeline';
import { Badge, ErrorNotice, Facts, Loading, NotStated, Page, Section } from '../components/ui';
import { useApi } from '../useApi';
import { useUser } from '../user';
import { STATUS_TONE } from './Participants';

export function Participant() {
  const { id = '' } = useParams();
  const loaded = useApi('getParticipant', { participantId: Number(id) });
  const [detail, setDetail] = useState<ParticipantDetail | null>(null);
  useEffect(() => setDetail(loaded.state === 'ready' ? loaded.value : null), [loaded]);
  if (loaded.state === 'loading' || (loaded.state === 'ready' && !detail))
    return (
      <Page title="Participant">
        <Loading what="the participant" />
      </Page>
    );
  if (loaded.state === 'error')
    return (
      <Page title="Participant not available" eyebrow={<Link to="/participants">← Participants</Link>}>
        <ErrorNotice error={loaded.error} />
      </Page>
    );
  return <ParticipantView detail={detail!} onChange={setDetail} />;
}

function ParticipantView({ detail, onChange }: { detail: ParticipantDetail; onChange: (d: ParticipantDetail) => void }) {
  const p = detail.participant;
  const a = detail.assignment;
  return (
    <Page
      title={`${p.studyId} (${p.initials})`}
      eyebrow={
        <>
          <Link to="/participants">← Participants</Link>
          <span className="sep" aria-hidden="true">
            /
          </span>
          <Link to={`/protocols/${encodeURIComponent(p.protocolId)}`}>{p.protocolTitle}</Link>
        </>
      }
    >
      <div className="badges">
        <Badge tone={STATUS_TONE[p.status]}>{p.status}</Badge>
        {a.blinded && a.code && <Badge tone="warning">Blinded code {a.code}</Badge>}
        {a.armLabel && <Badge tone="accent">{a.armLabel}</Badge>}
      </div>
      <Facts
        items={[
          ['Age', p.ageYears !== null ? `${p.ageYears} years` : p.birthDate ? `Born ${formatCalendarDate(p.birthDate)}` : <NotStated />],
          ['Sex', p.sex],
          ['Weight', p.weightKg !== null ? `${p.weightKg} kg` : <NotStated />],
          ['Consent', p.consentDate ? formatCalendarDate(p.consentDate) : <NotStated />],
          ['Study Day 1', p.day1 ? formatCalendarDate(p.day1) : <span className="muted">Not enrolled</span>],
          ['Protocol version', String(p.protocolVersion)],
        ]}
      />
      {p.status === 'screen-failed' && (
        <div className="notice notice-info" role="status">
          <strong>Screen failure.</strong> {p.screenFailReason}
        </div>
      )}
      {p.status === 'withdrawn' && (
        <div className="notice notice-info" role="status">
          <strong>Withdrawn on {formatCalendarDate(p.withdrawnOn!)}.</strong> {p.withdrawalReason}
        </div>
      )}
      {(p.status === 'screening' || p.status === 'screen-failed') && <Screening detail={detail} onChange={onChange} />}
      {(p.status === 'enrolled' || p.status === 'withdrawn') && <Enrolled detail={detail} onChange={onChange} />}
    </Page>
  );
}

function Screening({ detail, onChange }: { detail: ParticipantDetail; onChange: (d: ParticipantDetail) => void }) {
  const by = useUser();
  const e = detail.eligibility;
  const editable = detail.participant.status === 'screening';
  const [answers, setAnswers] = useState<Record<string, boolean | undefined>>(() => Object.fromEntries(e.criteria.map((c) => [c.key, c.met ?? undefined])));
  const save = useAction();
  const enroll = useAction();
  const fail = useAction();
  const [day1, setDay1] = useState(todayIso());
  const [stratum, setStratum] = useState('');
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
                  invoke('enrollParticipant', { participantId: detail.participant.id, day1, by, ...(stratum.trim() ? { stratum: stratum.trim() } : {}) }),
                );
                if (d) onChange(d);
              }}
            >
              <Field label="Study Day 1 (planned first dose)">{(id) => <input id={id} type="date" value={day1} onChange={(x) => setDay1(x.target.value)} required />}</Field>
              <Field label="Stratum (optional)" hint="Each stratum has its own randomization list">
                {(id, hint) => <input id={id} value={stratum} onChange={(x) => setStratum(x.target.value)} aria-describedby={hint} />}
              </Field>
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

type VisitAction = { kind: 'done' | 'missed' | 'reschedule' | 'cancel' | 'notes'; visit: VisitView };

function Enrolled({ detail, onChange }: { detail: ParticipantDetail; onChange: (d: ParticipantDetail) => void }) {
  const [action, setAction] = useState<VisitAction | null>(null);
  const [withdraw, setWithdraw] = useState(false);
  const [unblind, setUnblind] = useState(false);
  const a = detail.assignment;
  const active = detail.participant.status === 'enrolled';
  const moved = detail.visits.filter((v) => v.plannedDate !== v.projectedDate && v.status === 'planned').length;
  return (
    <>
      <Section id="assignment" title="Assignment">
        {a.blinded ? (
          <p>
            Blinded trial: this participant's code is <strong className="code">{a.code ?? 'held by the sponsor'}</strong>. The arm is not shown.
            {a.unblinded && (
              <>
                {' '}
                <strong>Unblinded</strong> by {a.unblinded.by} on {formatInstant(a.unblinded.at)} ({a.unblinded.reason}): {a.armLabel}.
              </>
            )}
          </p>
        ) : (
          <p>
            Arm: <strong>{a.armLabel}</strong>
          </p>
        )}
        <div className="form-actions">
          {a.blinded && !a.unblinded && (
            <button type="button" className="button button-danger" onClick={() => setUnblind(true)}>
              Unblind this participant…
            </button>
          )}
          {active && (
            <button type="button" className="button button-secondary" onClick={() => setWithdraw(true)}>
              Withdraw…
            </button>
          )}
        </div>
      </Section>
      <Section id="schedule" title="Schedule" count={detail.visits.length}>
        {moved > 0 && <p className="muted">{moved} planned visit{moved === 1 ? ' has' : 's have'} moved from the first projection (shown struck through).</p>}
        <Timeline visits={detail.visits} />
        <div className="table-wrap">
          <table className="table compact">
            <caption className="visually-hidden">Visits in date order with status and actions</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Day
                </th>
                <th scope="col">Visit</th>
                <th scope="col">Planned</th>
                <th scope="col">Window</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {detail.visits.map((v) => (
                <tr key={v.id} className={v.outOfWindow ? 'row-warning' : undefined}>
                  <td className="num">{v.studyDay}</td>
                  <th scope="row">
                    {v.label}
                    {v.procedures.length > 0 && <div className="sub">{v.procedures.join(', ')}</div>}
                  </th>
                  <td className="nowrap">
                    {formatCalendarDate(v.plannedDate)}
                    {v.projectedDate !== v.plannedDate && (
                      <div className="sub">
                        first projected <s>{formatCalendarDate(v.projectedDate)}</s>
                      </div>
                    )}
                    {v.rescheduled && <div className="sub">rescheduled</div>}
                  </td>
                  <td className="nowrap">
                    {!v.windowStated ? <NotStated what="Window" /> : v.windowStart === v.windowEnd ? 'On the day' : `${formatCalendarDate(v.windowStart)} – ${formatCalendarDate(v.windowEnd)}`}
                    {v.windowText && <div className="sub">{v.windowText}</div>}
                  </td>
                  <td>
                    <Badge tone={v.status === 'done' ? (v.outOfWindow ? 'warning' : 'success') : v.status === 'planned' ? 'neutral' : 'warning'}>
                      {v.status === 'done' ? `done ${formatCalendarDate(v.actualDate!)}` : v.status}
                    </Badge>
                    {v.outOfWindow && <div className="sub">out of window</div>}
                    {v.reason && <div className="sub">{v.reason}</div>}
                    {v.notes && <div className="sub">Notes: {v.notes}</div>}
                    {v.dose && (
                      <div className="sub">
                        Lot {v.dose.lotNumber}, {v.dose.givenAt.slice(11)}: {v.dose.doseText}
                      </div>
                    )}
                  </td>
                  <td>
                    {active && v.status === 'planned' && (
                      <div className="row-actions">
                        <button type="button" className="button button-small" onClick={() => setAction({ kind: 'done', visit: v })} aria-label={`Done: ${v.label}`}>
                          Done
                        </button>
                        <button type="button" className="button button-small button-secondary" onClick={() => setAction({ kind: 'missed', visit: v })} aria-label={`Missed: ${v.label}`}>
                          Missed
                        </button>
                        <button type="button" className="button button-small button-secondary" onClick={() => setAction({ kind: 'reschedule', visit: v })} aria-label={`Reschedule: ${v.label}`}>
                          Reschedule
                        </button>
                        <button type="button" className="button button-small button-secondary" onClick={() => setAction({ kind: 'cancel', visit: v })} aria-label={`Cancel: ${v.label}`}>
                          Cancel
                        </button>
                      </div>
                    )}
                    <button type="button" className="link-button" onClick={() => setAction({ kind: 'notes', visit: v })} aria-label={`${v.notes ? 'Edit notes' : 'Add notes'}: ${v.label}`}>
                      {v.notes ? 'Edit notes' : 'Add notes'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {detail.open.length > 0 && (
          <>
            <h3 className="subhead">Not on the calendar</h3>
            <ul className="plain-list gaps">
              {detail.open.map((o) => (
                <li key={o.key}>
                  <strong>{o.label}</strong>: {o.reason}.
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>
      <VisitDialog action={action} detail={detail} onClose={() => setAction(null)} onDone={(d) => (onChange(d), setAction(null))} />
      <ReasonDialog
        open={withdraw}
        title="Withdraw from the study"
        explain="Future visits are cancelled with this reason; what already happened stays as it was."
        withDate
        confirm="Withdraw"
        onClose={() => setWithdraw(false)}
        submit={(reason, by, date) => invoke('withdrawParticipant', { participantId: detail.participant.id, reason, by, date: date! })}
        onDone={(d) => (onChange(d), setWithdraw(false))}
      />
      <ReasonDialog
        open={unblind}
        title="Unblind this participant"
        explain="The arm will be shown for this participant only. The unblinding is recorded with your initials and the reason."
        confirm="Unblind"
        onClose={() => setUnblind(false)}
        submit={(reason, by) => invoke('unblindParticipant', { participantId: detail.participant.id, reason, by })}
        onDone={(d) => (onChange(d), setUnblind(false))}
      />
    </>
  );
}

function VisitDialog(props: { action: VisitAction | null; detail: ParticipantDetail; onClose: () => void; onDone: (d: ParticipantDetail) => void }) {
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
        {v.windowStart === v.windowEnd ? `${formatCalendarDate(v.windowStart)} only` : `${formatCalendarDate(v.windowStart)} – ${formatCalendarDate(v.windowEnd)}`}
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
      <ActionError error={act.error} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={act.busy}>
          Confirm
        </button>
        <button type="button" className="button button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ReasonDialog(props: {
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
        <ActionError error={act.error} />
        <div className="form-actions">
          <button type="submit" className="button button-danger" disabled={act.busy}>
            {props.confirm}
          </button>
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
