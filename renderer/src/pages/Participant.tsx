import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ParticipantDetail } from '../../../core/participants';
import { invoke } from '../api';
import { formatCalendarDate, formatInstant } from '../dates';
import { AuditTrail } from '../components/AuditTrail';
import { Timeline } from '../components/Timeline';
import { WindowCell } from '../components/WindowCell';
import { Badge, ErrorNotice, Facts, Loading, NotStated, Page, Section } from '../components/ui';
import { useApi } from '../useApi';
import { ReasonDialog, VisitDialog, type VisitAction } from './participant/VisitDialogs';
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
  // Every change re-renders with a new detail object; the trail reloads with it.
  const [revision, setRevision] = useState(0);
  useEffect(() => setRevision((r) => r + 1), [detail]);
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
      <Section id="audit" title="History">
        <AuditTrail key={revision} participantId={p.id} />
      </Section>
    </Page>
  );
}


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
          <Link className="button button-secondary" to={`/participants/${detail.participant.id}/calendar`}>
            Print calendar
          </Link>
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
                    <WindowCell visit={v} />
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

