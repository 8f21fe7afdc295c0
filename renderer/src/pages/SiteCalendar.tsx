import dayjs from 'dayjs';
import updateLocale from 'dayjs/plugin/updateLocale';
import { useDeferredValue, useMemo, useState, useTransition } from 'react';
import { Calendar, dayjsLocalizer, Views, type DateHeaderProps, type View } from 'react-big-calendar';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import { Link, useNavigate } from 'react-router';
import type { WorklistRow } from '../../../core/participants';
import { VISIT_STATUS_WORDS, VISIT_STATUSES } from '../../../core/vocabulary';
import { dateFormat, todayIso } from '../dates';
import { AgendaList, DayList, ListsLoading, WeekList } from '../components/CalendarViews';
import { Options } from '../components/forms';
import { ErrorNotice, formatCount, Loading, Page } from '../components/ui';
import { useApi } from '../useApi';

// Weeks run Monday to Sunday here, as in the worklists.
dayjs.extend(updateLocale);
dayjs.updateLocale('en', { weekStart: 1 });
const localizer = dayjsLocalizer(dayjs);
const STATUSES = VISIT_STATUSES;
/** Visits a month cell shows; the cell says how many the day has, and opens the day's full list. */
const PER_DAY = 2;

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
const DAY_LABEL = { format: (d: Date) => dateFormat({ weekday: 'long', day: 'numeric', month: 'long' }).format(d) };

/** All visits across trials and participants: month, week and agenda views, filtered by trial and status. */
export function SiteCalendar() {
  const protocols = useApi('listProtocols', {});
  const navigate = useNavigate();
  const [date, setDate] = useState(() => toDate(todayIso()));
  const [view, setView] = useState<View>(Views.MONTH);
  const [trial, setTrial] = useState('');
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set(STATUSES));
  // The days the view shows: the month grid (with the leading and trailing days of its first
  // and last weeks), or the days of the week, day or agenda view, as each view says.
  const d = dayjs(date);
  const listDays = view === Views.WEEK ? WeekList.range(date) : view === Views.DAY ? DayList.range(date) : view === Views.AGENDA ? AgendaList.range(date) : null;
  const [from, to] = listDays ? [listDays[0]!, listDays.at(-1)!] : [d.startOf('month').subtract(7, 'day').toDate(), d.endOf('month').add(7, 'day').toDate()];
  const visits = useApi('siteCalendar', {
    from: toIso(from),
    to: toIso(to),
    statuses: STATUSES.filter((s) => shown.has(s)),
    ...(view === Views.MONTH ? { perDay: PER_DAY } : {}),
    ...(trial ? { protocolId: trial } : {}),
  });
  // The month is drawn in transitions, which React renders in slices between the window's own
  // work: its first drawing after the page is up (in one piece it was a task of 58-65 ms here),
  // a new month's, and its visits when they come. (Putting a new month on the page is still one
  // task, of 50-90 ms in some switches here: the calendar library lays out every week there.)
  const [, startTransition] = useTransition();
  const shownVisits = useDeferredValue(visits);
  const drawn = useDeferredValue(true, false);
  const counts = useMemo(() => new Map(shownVisits.state === 'ready' ? shownVisits.value.days.map((day) => [day.date, day.shown]) : []), [shownVisits]);
  const events = useMemo<VisitEvent[]>(
    () =>
      shownVisits.state !== 'ready'
        ? []
        : shownVisits.value.visits.map((r) => ({
            title: `${r.studyId}: ${r.visitLabel}`,
            start: toDate(r.actualDate ?? r.plannedDate),
            end: dayjs(toDate(r.actualDate ?? r.plannedDate)).add(1, 'day').toDate(),
            allDay: true,
            row: r,
          })),
    [shownVisits],
  );
  const openDay = (day: Date) => {
    setDate(day);
    setView(Views.DAY);
  };
  // A month cell: the day's number (opens the day) and how many visits it has when the cell
  // cannot show them all.
  const DateHeader = useMemo(
    () =>
      function DateHeader({ date: day, label }: DateHeaderProps) {
        const n = counts.get(toIso(day)) ?? 0;
        return (
          <span className="day-head">
            {n > PER_DAY && (
              <button type="button" className="day-count" onClick={() => openDay(day)} aria-label={`All ${formatCount(n)} visits on ${DAY_LABEL.format(day)}`}>
                {formatCount(n)} visits
              </button>
            )}
            <button type="button" className="rbc-button-link" onClick={() => openDay(day)} aria-label={`${label}: open ${DAY_LABEL.format(day)}`}>
              {label}
            </button>
          </span>
        );
      },
    [counts],
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
              {VISIT_STATUS_WORDS[s]}
            </label>
          ))}
        </fieldset>
      </form>
      {visits.state === 'error' && <ErrorNotice error={visits.error} />}
      {visits.state === 'loading' && <Loading what="visits" />}
      {/* The list views (week, day, agenda) grow with the page instead of scrolling inside it. */}
      <div className={view === Views.MONTH ? 'site-calendar' : 'site-calendar site-calendar-list'}>
        {drawn && (
          <ListsLoading.Provider value={shownVisits.state === 'loading'}>
            <Calendar<VisitEvent>
              localizer={localizer}
              events={events}
              date={date}
              view={view}
              views={{ month: true, week: WeekList, day: DayList, agenda: AgendaList }}
              components={{ month: { dateHeader: DateHeader, event: MonthEvent } }}
              onShowMore={(_, day) => openDay(day)}
              messages={{ showMore: (n) => `+${n} more` }}
              onNavigate={(next) => startTransition(() => setDate(next))}
              onView={(next) => startTransition(() => setView(next))}
              eventPropGetter={(e) => ({ className: `visit-${e.row.status}${e.row.status === 'done' && e.row.actualDate !== e.row.plannedDate ? ' visit-moved' : ''}` })}
              onSelectEvent={(e) => void navigate(`/participants/${e.row.participantId}`)}
              tooltipAccessor={(e) => `${e.row.studyId} (${e.row.initials}), ${e.row.protocolTitle}: ${e.row.visitLabel}, ${e.row.status}`}
            />
          </ListsLoading.Provider>
        )}
      </div>
    </Page>
  );
}

/** A visit in a month cell: a link to the participant, so that the keyboard reaches it too. */
function MonthEvent({ event }: { event: VisitEvent }) {
  // A cell of the month's row (the calendar marks its rows as rows of a table).
  return (
    <span role="cell" className="month-event-cell">
      {/* The link goes there itself: the calendar's own click on the event would go a second time. */}
      <Link className="month-event-link" onClick={(e) => e.stopPropagation()} to={`/participants/${event.row.participantId}`} aria-label={`${event.row.studyId} (${event.row.initials}): ${event.row.visitLabel}, ${VISIT_STATUS_WORDS[event.row.status as keyof typeof VISIT_STATUS_WORDS] ?? event.row.status}`}>
      {event.title}
    </Link>
    </span>
  );
}
