import { useId } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { ProtocolDetail } from '../../../core/api';
import type { Schedule } from '../../../core/schedule';
import { formatCalendarDate, todayIso } from '../dates';
import { ErrorNotice, Loading, Page, Section } from '../components/ui';
import { Options } from '../components/forms';
import { useApi } from '../useApi';
import { VisitScheduleTable } from '../components/VisitScheduleTable';
import { WithProtocol } from '../components/WithProtocol';

/** A participant-free schedule for any arm and Study Day 1: what enrolling someone today would give. */
export function SchedulePreview() {
  const { id = '' } = useParams();
  return (
    <WithProtocol id={id} title="Schedule preview" errorTitle={`Protocol “${id}” could not be shown`}>
      {(detail) => <PreviewForm detail={detail} />}
    </WithProtocol>
  );
}

function PreviewForm({ detail }: { detail: ProtocolDetail }) {
  const p = detail.protocol;
  const [params, setParams] = useSearchParams();
  const armKey = p.arms.some((a) => a.key === params.get('arm')) ? params.get('arm')! : p.arms[0]!.key;
  const start = params.get('start') || todayIso();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const armId = useId();
  const startId = useId();
  const arm = p.arms.find((a) => a.key === armKey)!;
  const events = Object.fromEntries((p.events ?? []).flatMap((e) => (params.get(`event-${e.key}`) ? [[e.key, params.get(`event-${e.key}`)!]] : [])));
  return (
    <Page
      title="Schedule preview"
      eyebrow={
        <>
          <Link to="/protocols">← All protocols</Link>
          <span className="sep" aria-hidden="true">
            /
          </span>
          <Link to={`/protocols/${encodeURIComponent(p.id)}`}>{p.id}</Link>
        </>
      }
    >
      <p className="lead">{p.title}</p>
      <form className="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Preview settings">
        <div className="field">
          <label htmlFor={armId}>Arm</label>
          <select id={armId} value={armKey} onChange={(e) => set('arm', e.target.value)}>
            <Options items={p.arms.map((a) => ({ value: a.key, label: a.label }))} />
          </select>
        </div>
        <div className="field">
          <label htmlFor={startId}>Study Day {p.studyDay.firstDoseIs} (first dose)</label>
          <input id={startId} type="date" value={start} required min="1900-01-01" max="2100-12-31" onChange={(e) => e.target.value && set('start', e.target.value)} />
        </div>
        {(p.events ?? []).map((ev) => (
          <EventDate key={ev.key} label={`${ev.label} date`} value={events[ev.key] ?? ''} onChange={(v) => set(`event-${ev.key}`, v)} />
        ))}
      </form>
      <ScheduleTable protocolId={p.id} armKey={armKey} armLabel={arm.label} start={start} events={events} eventList={p.events ?? []} />
    </Page>
  );
}

/** An event's date for the preview (surgery): empty leaves the visits timed from it waiting. */
export function EventDate(props: { label: string; value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input id={id} type="date" value={props.value} min="1900-01-01" max="2100-12-31" onChange={(e) => props.onChange(e.target.value)} />
    </div>
  );
}

function ScheduleTable(props: { protocolId: string; armKey: string; armLabel: string; start: string; events: Record<string, string>; eventList: readonly { key: string; label: string }[] }) {
  const schedule = useApi('previewSchedule', { protocolId: props.protocolId, armKey: props.armKey, start: props.start, events: props.events });
  if (schedule.state === 'loading') return <Loading what="the schedule" />;
  if (schedule.state === 'error') return <ErrorNotice error={schedule.error} title="The schedule could not be computed" />;
  const s: Schedule = schedule.value;
  return (
    <>
      <Section id="visits" title={`${props.armLabel}: visits`} count={s.visits.length}>
        <div className="table-wrap">
          <VisitScheduleTable
            schedule={s}
            events={props.eventList}
            detailed
            caption={
              <>
                Visits for {props.armLabel} with Study Day 1 on {formatCalendarDate(s.studyDayOne)}, in date order
              </>
            }
          />
        </div>
      </Section>
      {s.open.length > 0 && (
        <Section id="open" title="Not on the calendar" count={s.open.length}>
          <p>The protocol leaves these open, so they cannot be dated yet:</p>
          <ul className="plain-list gaps">
            {s.open.map((o) => (
              <li key={o.key}>
                <strong>{o.label}</strong>: {o.reason}.
              </li>
            ))}
          </ul>
        </Section>
      )}
    </>
  );
}
