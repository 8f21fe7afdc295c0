import dayjs from 'dayjs';
import updateLocale from 'dayjs/plugin/updateLocale';
import { useMemo, useState } from 'react';
import { Calendar, dayjsLocalizer, Views, type View } from 'react-big-calendar';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import { useNavigate } from 'react-router';
import type { WorklistRow } from '../../../core/participants';
import { todayIso } from '../dates';
import { WeekList } from '../components/WeekList';
import { Options } from '../components/forms';
import { ErrorNotice, Loading, Page } from '../components/ui';
import { useApi } from '../useApi';

// Weeks run Monday to Sunday here, as in the worklists.
dayjs.extend(updateLocale);
dayjs.updateLocale('en', { weekStart: 1 });
const localizer = dayjsLocalizer(dayjs);
const STATUSES = ['planned', 'done', 'missed', 'cancelled'] as const;

interface VisitEvent {
  readonly title: string;
  readonly start: Date;
  readonly end: Date;
  readonly allDay: true;
  readonly row: WorklistRow;
}

// The calendar component works in Date objects; a visit's calendar date becomes local midnight
// for display only, and every date sent back to the app is ISO text again.
const toDate = (iso: string) => new Date(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
const toIso = (d: Date) => dayjs(d).format('YYYY-MM-DD');

/** All visits across trials and participants: month, week and agenda views, filtered by trial and status. */
export function SiteCalendar() {
  const protocols = useApi('listProtocols', {});
  const navigate = useNavigate();
  const [date, setDate] = useState(() => toDate(todayIso()));
  const [view, setView] = useState<View>(Views.MONTH);
  const [trial, setTrial] = useState('');
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set(STATUSES));
  // The range any view can show: the month with a week either side (leading and trailing days),
  // and the agenda's 31 days from the chosen date.
  const from = toIso(dayjs(date).startOf('month').subtract(7, 'day').toDate());
  const to = toIso(dayjs(date).add(31, 'day').isAfter(dayjs(date).endOf('month').add(7, 'day')) ? dayjs(date).add(31, 'day').toDate() : dayjs(date).endOf('month').add(7, 'day').toDate());
  const visits = useApi('siteCalendar', { from, to, ...(trial ? { protocolId: trial } : {}) });
  const events = useMemo<VisitEvent[]>(
    () =>
      visits.state !== 'ready'
        ? []
        : visits.value
            .filter((r) => shown.has(r.status))
            .map((r) => ({
              title: `${r.studyId}: ${r.visitLabel}`,
              start: toDate(r.actualDate ?? r.plannedDate),
              end: dayjs(toDate(r.actualDate ?? r.plannedDate)).add(1, 'day').toDate(),
              allDay: true,
              row: r,
            })),
    [visits, shown],
  );
  return (
    <Page title="Site calendar" eyebrow="Every visit, all trials">
      <form className="toolbar" aria-label="Calendar filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="cal-trial">Trial</label>
          <select id="cal-trial" value={trial} onChange={(e) => setTrial(e.target.value)}>
            <Options blank="All trials" items={protocols.state === 'ready' ? protocols.value.map((p) => ({ value: p.id, label: p.title })) : []} />
          </select>
        </div>
        <fieldset className="choice status-filter">
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s} className={`status-${s}`}>
              <input
                type="checkbox"
                checked={shown.has(s)}
                onChange={(e) => {
                  const next = new Set(shown);
                  if (e.target.checked) next.add(s);
                  else next.delete(s);
                  setShown(next);
                }}
              />{' '}
              {s}
            </label>
          ))}
        </fieldset>
      </form>
      {visits.state === 'error' && <ErrorNotice error={visits.error} />}
      {visits.state === 'loading' && <Loading what="visits" />}
      <div className="site-calendar">
        <Calendar<VisitEvent>
          localizer={localizer}
          events={events}
          date={date}
          view={view}
          views={{ month: true, week: WeekList, agenda: true }}
          onNavigate={setDate}
          onView={setView}
          popup
          length={31}
          eventPropGetter={(e) => ({ className: `visit-${e.row.status}${e.row.status === 'done' && e.row.actualDate !== e.row.plannedDate ? ' visit-moved' : ''}` })}
          onSelectEvent={(e) => void navigate(`/participants/${e.row.participantId}`)}
          tooltipAccessor={(e) => `${e.row.studyId} (${e.row.initials}), ${e.row.protocolTitle}: ${e.row.visitLabel}, ${e.row.status}`}
        />
      </div>
    </Page>
  );
}
