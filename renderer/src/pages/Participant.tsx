import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isOverdue, type AuditEntry, type ParticipantDetail } from '../../../core/participants';
import { PARTICIPANT_STATUS_WORDS, SEX_WORDS, VISIT_STATUS_WORDS, type Sex, type VisitStatus } from '../../../core/vocabulary';
import { invoke } from '../api';
import { formatCalendarDate, formatInstant, todayIso } from '../dates';
import { AuditTrail } from '../components/AuditTrail';
import { HistoryMark } from '../components/History';
import { useSession } from '../session';
import { CorrectDetails } from './participant/CorrectDetails';
import { Timeline } from '../components/Timeline';
import { WindowCell } from '../components/WindowCell';
import { Badge, ErrorNotice, Facts, Loading, NotStated, Page, Section } from '../components/ui';
import { download } from '../download';
import { useApi } from '../useApi';
import { ReasonDialog, VisitDialog, type VisitAction } from './participant/VisitDialogs';
import { EventsSection } from './participant/Events';
import { ClosedDayMark } from '../components/ClosedDayMark';
import { Screening } from './participant/Screening';
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
  const session = useSession();
  // Every change re-renders with a new detail object; the trail reloads with it.
  const [revision, setRevision] = useState(0);
  const [trail, setTrail] = useState<readonly AuditEntry[] | null>(null);
  const [correcting, setCorrecting] = useState(false);
  useEffect(() => setRevision((r) => r + 1), [detail]);
  useEffect(() => {
    let live = true;
    void invoke('participantAudit', { participantId: p.id }).then((t) => live && setTrail(t), () => {});
    return () => {
      live = false;
    };
  }, [p.id, revision]);
  const a = detail.assignment;
  const mark = (field: string, what: string) => (
    <HistoryMark entries={trail} what={what} fields={[{ entity: 'participants', entityId: String(p.id), field, label: what, ...(field.endsWith('_date') ? { show: showDate } : {}) }]} />
  );
  const canCorrect = session.can('coordinator', 'investigator');
  const overdue = p.status === 'enrolled' ? detail.visits.filter((v) => isOverdue(v, todayIso())).length : 0;
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
        <Badge tone={STATUS_TONE[p.status]}>{PARTICIPANT_STATUS_WORDS[p.status]}</Badge>
        {a.blinded && a.code && <Badge tone="warning">Blinded code {a.code}</Badge>}
        {a.armLabel && <Badge tone="accent">{a.armLabel}</Badge>}
        {overdue > 0 && <Badge tone="warning">{overdue} overdue</Badge>}
      </div>
      <Facts
        items={[
          ['Initials', <>{p.initials} {mark('initials', 'Initials')}</>],
          [
            'Age',
            <>
              {p.ageYears !== null ? `${p.ageYears} years` : p.birthDate ? `Born ${formatCalendarDate(p.birthDate)}` : <NotStated what="Age or date of birth" />} {mark('age_years', 'Age')} {mark('birth_date', 'Date of birth')}
            </>,
          ],
          ['Sex', <>{SEX_WORDS[p.sex as Sex] ?? p.sex} {mark('sex', 'Sex')}</>],
          ['Weight', <>{p.weightKg !== null ? `${p.weightKg} kg` : <NotStated />} {mark('weight_kg', 'Weight')}</>],
          ['Consent', <>{p.consentDate ? formatCalendarDate(p.consentDate) : <NotStated />} {mark('consent_date', 'Consent date')}</>],
          ['Study Day 1', p.day1 ? formatCalendarDate(p.day1) : <span className="muted">Not enrolled</span>],
          ['Protocol version', String(p.protocolVersion)],
        ]}
      />
      {canCorrect && (
        <div className="form-actions">
          <button type="button" className="button button-secondary button-small" onClick={() => setCorrecting(true)}>
            Correct details…
          </button>
        </div>
      )}
      <CorrectDetails open={correcting} detail={detail} onClose={() => setCorrecting(false)} onDone={(d) => (onChange(d), setCorrecting(false))} />
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
      {(p.status === 'enrolled' || p.status === 'withdrawn') && <Enrolled detail={detail} onChange={onChange} trail={trail} />}
      <Section id="audit" title="History">
        <AuditTrail key={revision} participantId={p.id} />
      </Section>
    </Page>
  );
}


const DOSE_FIELD_WORDS = { lot_number: 'Lot number', given_at: 'Time given', weight_kg: 'Weight' } as const;
const showDate = (x: unknown) => (typeof x === 'string' && x ? formatCalendarDate(x) : '(none)');
const DOSE_FIELD_SHOW = {
  lot_number: (x: unknown) => String(x ?? '(none)'),
  given_at: (x: unknown) => (typeof x === 'string' ? `${formatCalendarDate(x)} ${x.slice(11, 16)}` : '(none)'),
  weight_kg: (x: unknown) => (x === null || x === undefined ? '(none)' : `${String(x)} kg`),
} as const;

function Enrolled({ detail, onChange, trail }: { detail: ParticipantDetail; onChange: (d: ParticipantDetail) => void; trail: readonly AuditEntry[] | null }) {
  const session = useSession();
  const [action, setAction] = useState<VisitAction | null>(null);
  const [withdraw, setWithdraw] = useState(false);
  const [unblind, setUnblind] = useState(false);
  const [reinstate, setReinstate] = useState(false);
  const a = detail.assignment;
  const records = session.can('coordinator', 'investigator');
  const active = detail.participant.status === 'enrolled' && records;
  const moved = detail.visits.filter((v) => v.plannedDate !== v.projectedDate && v.status === 'planned').length;
  const today = todayIso();
  return (
    <>
      <Section id="assignment" title="Assignment">
        {a.blinded ? (
          <p>
            Blinded trial: this participant's code is <strong className="code">{a.code ?? 'held by the sponsor'}</strong>.{' '}
            {a.armLabel ? '' : a.armOnRecord ? 'The arm is not shown.' : 'The arm for this code is held by the sponsor, not here.'}
            {a.unblinded && (
              <>
                {' '}
                <strong>Unblinded</strong>, signed by {a.unblinded.name} ({a.unblinded.by}) on {formatInstant(a.unblinded.at)}: “{a.unblinded.meaning}”.
                {a.armLabel ? ` Arm: ${a.armLabel}.` : ' The arm is shown only to people with the unblinded role.'}
              </>
            )}
          </p>
        ) : (
          <p>
            Arm: <strong>{a.armLabel}</strong>
          </p>
        )}
        <div className="form-actions">
          <Link className="button button-secondary" to={`/participants/${detail.participant.id}/calendar`}>
            Print calendar
          </Link>
          <button
            type="button"
            className="button button-secondary"
            onClick={() =>
              void invoke('exportIcs', { protocolId: detail.participant.protocolId, studyId: detail.participant.studyId }).then(
                (r) => download(`${detail.participant.studyId}-visits.ics`, [r.ics], 'text/calendar;charset=utf-8'),
                () => {},
              )
            }
          >
            Calendar file for their phone
          </button>
          {active && (
            <button type="button" className="button button-secondary" onClick={() => setWithdraw(true)}>
              Withdraw…
            </button>
          )}
          {detail.participant.status === 'withdrawn' && session.can('investigator') && (
            <button type="button" className="button button-secondary" onClick={() => setReinstate(true)}>
              Reverse the withdrawal…
            </button>
          )}
          {/* Last and apart: unblinding is rare, signed, and only for the unblinded role. */}
          {a.blinded && !a.unblinded && a.armOnRecord && session.can('unblinded') && (
            <button type="button" className="button button-secondary button-danger-outline push-right" onClick={() => setUnblind(true)}>
              Unblind…
            </button>
          )}
        </div>
      </Section>
      <EventsSection detail={detail} canRecord={active} onChange={onChange} />
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
                <tr key={v.id} id={`visit-${v.id}`} className={v.outOfWindow || (active && isOverdue(v, today)) || (v.status === 'planned' && v.closedDay) ? 'row-warning' : undefined}>
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
                    <ClosedDayMark visit={v} />
                  </td>
                  <td className="nowrap">
                    <WindowCell visit={v} />
                  </td>
                  <td>
                    <Badge tone={v.status === 'done' ? (v.outOfWindow ? 'warning' : 'success') : v.status === 'planned' ? 'neutral' : 'warning'}>
                      {v.status === 'done' ? `Done ${formatCalendarDate(v.actualDate!)}` : VISIT_STATUS_WORDS[v.status]}
                    </Badge>{' '}
                    {detail.participant.status === 'enrolled' && isOverdue(v, today) && (
                      <>
                        <Badge tone="warning">Overdue</Badge>{' '}
                      </>
                    )}
                    <HistoryMark
                      entries={trail}
                      what={v.label}
                      fields={[
                        { entity: 'visits', entityId: String(v.id), field: 'status', label: 'Status', show: (x) => VISIT_STATUS_WORDS[x as VisitStatus] ?? String(x) },
                        { entity: 'visits', entityId: String(v.id), field: 'actual_date', label: 'Date done', show: showDate },
                        ...(v.dose
                          ? (['lot_number', 'given_at', 'weight_kg'] as const).map((f) => ({ entity: 'doses', entityId: String(v.dose!.id), field: f, label: DOSE_FIELD_WORDS[f], show: DOSE_FIELD_SHOW[f] }))
                          : []),
                      ]}
                    />
                    {v.outOfWindow && <div className="sub">out of window</div>}
                    {v.reason && <div className="sub">{v.reason}</div>}
                    {v.doneBy && <div className="sub">by {v.doneBy}</div>}
                    {v.proceduresDone && v.procedures.length > 0 && (
                      <div className="sub">
                        Procedures done: {v.proceduresDone.length ? v.proceduresDone.join(', ') : 'none ticked'}
                        {v.proceduresDone.length < v.procedures.length && ` (not done: ${v.procedures.filter((x) => !v.proceduresDone!.includes(x)).join(', ')})`}
                      </div>
                    )}
                    {v.notes && <NoteText text={v.notes} />}
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
                    {active && v.status === 'done' && (
                      <div className="row-actions">
                        <button type="button" className="button button-small button-secondary" onClick={() => setAction({ kind: 'correct', visit: v })} aria-label={`Correct: ${v.label}`}>
                          Correct
                        </button>
                        <button type="button" className="button button-small button-secondary" onClick={() => setAction({ kind: 'undo', visit: v })} aria-label={`Undo: ${v.label}`}>
                          Undo
                        </button>
                      </div>
                    )}
                    {active && (v.status === 'missed' || v.status === 'cancelled') && (
                      <div className="row-actions">
                        <button type="button" className="button button-small button-secondary" onClick={() => setAction({ kind: 'undo', visit: v })} aria-label={`Undo: ${v.label}`}>
                          Undo
                        </button>
                      </div>
                    )}
                    {records && (
                      <button type="button" className="link-button" onClick={() => setAction({ kind: 'notes', visit: v })} aria-label={`${v.notes ? 'Edit notes' : 'Add notes'}: ${v.label}`}>
                        {v.notes ? 'Edit notes' : 'Add notes'}
                      </button>
                    )}
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
        submit={(reason, date) => invoke('withdrawParticipant', { participantId: detail.participant.id, reason, date })}
        onDone={(d) => (onChange(d), setWithdraw(false))}
      />
      <ReasonDialog
        open={reinstate}
        title="Reverse the withdrawal"
        explain="The participant is enrolled again and the visits the withdrawal cancelled are planned again. The withdrawal stays in the history with your reason."
        confirm="Reverse the withdrawal"
        danger={false}
        onClose={() => setReinstate(false)}
        submit={(reason) => invoke('reverseWithdrawal', { participantId: detail.participant.id, reason })}
        onDone={(d) => (onChange(d), setReinstate(false))}
      />
      <ReasonDialog
        open={unblind}
        title="Unblind this participant"
        explain="The arm will be shown for this participant only, to people with the unblinded role. The unblinding is signed with your passphrase: your name, the time and “unblinded because …” are kept with the record."
        confirm="Sign and unblind"
        signature
        onClose={() => setUnblind(false)}
        submit={(reason, _date, passphrase) => invoke('unblindParticipant', { participantId: detail.participant.id, reason, passphrase })}
        onDone={(d) => (onChange(d), setUnblind(false))}
      />
    </>
  );
}


/** A visit's note: a long one shows its start, and the whole of it on asking. */
function NoteText({ text }: { text: string }) {
  if (text.length <= 280) return <div className="sub visit-notes">Notes: {text}</div>;
  return (
    <details className="sub visit-notes">
      <summary>Notes: {text.slice(0, 200).trimEnd()}… (show all)</summary>
      {text}
    </details>
  );
}
