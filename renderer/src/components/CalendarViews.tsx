import dayjs from 'dayjs';
import { createContext, useContext } from 'react';
import type { NavigateAction } from 'react-big-calendar';
import { dateFormat } from '../dates';
import { HeadRow, VirtualTable } from './VirtualRows';

interface ListEvent {
  readonly title: string;
  readonly start: Date;
  readonly row: { readonly visitId: number; readonly status: string };
}

const TITLE = { format: (d: Date) => dateFormat({ day: 'numeric', month: 'short', year: 'numeric' }).format(d) };
const DAY = { format: (d: Date) => dateFormat({ weekday: 'long', day: 'numeric', month: 'short' }).format(d) };
const monday = (d: Date) => dayjs(d).subtract((dayjs(d).day() + 6) % 7, 'day').startOf('day');

type ViewProps = { date: Date; events: readonly ListEvent[]; onSelectEvent?: (e: ListEvent) => void };

/** Whether the visits of the days shown are still loading: the list views then say nothing of them (the page says they are loading). */
export const ListsLoading = createContext(false);

/** Days as rows of a table, each with its visits as buttons: a table screen readers can read. */
function DayTable({ days, caption, events, onSelectEvent }: { days: dayjs.Dayjs[]; caption: string } & Omit<ViewProps, 'date'>) {
  const loading = useContext(ListsLoading);
  return (
    <table className="week-list">
      <caption className="visually-hidden">{caption}</caption>
      <tbody>
        {days.map((d) => {
          const on = events.filter((e) => dayjs(e.start).isSame(d, 'day'));
          return (
            <tr key={d.toString()} className={d.isSame(dayjs(), 'day') ? 'week-today' : undefined}>
              <th scope="row">{DAY.format(d.toDate())}</th>
              <td>
                {on.length === 0 ? (
                  !loading && <span className="muted">No visits</span>
                ) : (
                  <ul className="plain-list">
                    {on.map((e) => (
                      <li key={e.row.visitId}>
                        <button type="button" className={`rbc-event visit-${e.row.status}`} onClick={() => onSelectEvent?.(e)}>
                          {e.title}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * The week view: Monday to Sunday as a table of days and their visits. Visits are all-day, so
 * the component's hour grid would be seven empty columns; this view is the calendar's own week,
 * plugged in through its custom-view interface.
 */
export function WeekList(props: ViewProps) {
  const start = monday(props.date);
  return <DayTable days={Array.from({ length: 7 }, (_, i) => start.add(i, 'day'))} caption={`Visits in the week of ${TITLE.format(start.toDate())}`} events={props.events} {...(props.onSelectEvent ? { onSelectEvent: props.onSelectEvent } : {})} />;
}

WeekList.range = (date: Date): Date[] => Array.from({ length: 7 }, (_, i) => monday(date).add(i, 'day').toDate());
WeekList.navigate = (date: Date, action: NavigateAction): Date =>
  action === 'PREV' ? dayjs(date).subtract(1, 'week').toDate() : action === 'NEXT' ? dayjs(date).add(1, 'week').toDate() : date;
WeekList.title = (date: Date): string => `Week of ${TITLE.format(monday(date).toDate())}`;

/** The day view: every visit of one day (a busy day at a large site has hundreds). */
export function DayList(props: ViewProps) {
  const day = dayjs(props.date).startOf('day');
  return <DayTable days={[day]} caption={`Visits on ${TITLE.format(day.toDate())}`} events={props.events} {...(props.onSelectEvent ? { onSelectEvent: props.onSelectEvent } : {})} />;
}

DayList.range = (date: Date): Date[] => [dayjs(date).startOf('day').toDate()];
DayList.navigate = (date: Date, action: NavigateAction): Date =>
  action === 'PREV' ? dayjs(date).subtract(1, 'day').toDate() : action === 'NEXT' ? dayjs(date).add(1, 'day').toDate() : date;
DayList.title = (date: Date): string => DAY.format(date);

const AGENDA_DAYS = 31;
const AGENDA_ROW = 44;
const SHORT_DAY = { format: (d: Date) => dateFormat({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(d) };

type AgendaEvent = ListEvent & { readonly row: ListEvent['row'] & { readonly protocolTitle?: string } };

/**
 * The agenda: every visit of 31 days from the chosen date, in date order, one row each. A busy
 * month at a large site has thousands, so a long agenda draws only the rows in view.
 */
export function AgendaList(props: { date: Date; events: readonly AgendaEvent[]; onSelectEvent?: (e: AgendaEvent) => void }) {
  const events = [...props.events].sort((a, b) => a.start.getTime() - b.start.getTime() || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  const label = `Visits from ${TITLE.format(props.date)} to ${TITLE.format(dayjs(props.date).add(AGENDA_DAYS - 1, 'day').toDate())}`;
  const loading = useContext(ListsLoading);
  if (events.length === 0) return loading ? null : <p className="muted agenda-empty">No visits from {TITLE.format(props.date)} for {AGENDA_DAYS} days.</p>;
  const head = (rowIndex?: number) => <HeadRow rowIndex={rowIndex} columns={['Day', 'Visit', 'Trial', 'Status']} />;
  const row = (e: AgendaEvent, rowIndex?: number) => (
    <tr key={e.row.visitId} aria-rowindex={rowIndex}>
      <td className="nowrap">{SHORT_DAY.format(e.start)}</td>
      <td>
        <button type="button" className={`rbc-event visit-${e.row.status}`} onClick={() => props.onSelectEvent?.(e)}>
          {e.title}
        </button>
      </td>
      <td title={e.row.protocolTitle}>{e.row.protocolTitle}</td>
      <td>{e.row.status}</td>
    </tr>
  );
  return events.length > 60 ? (
    <VirtualTable label={label} count={events.length} rowHeight={AGENDA_ROW} className="compact agenda-list" head={head(1)} row={(i) => row(events[i]!, i + 2)} />
  ) : (
    <table className="table compact agenda-list" aria-label={label}>
      <thead>{head()}</thead>
      <tbody>{events.map((e) => row(e))}</tbody>
    </table>
  );
}

AgendaList.range = (date: Date): Date[] => Array.from({ length: AGENDA_DAYS }, (_, i) => dayjs(date).startOf('day').add(i, 'day').toDate());
AgendaList.navigate = (date: Date, action: NavigateAction): Date =>
  action === 'PREV' ? dayjs(date).subtract(AGENDA_DAYS, 'day').toDate() : action === 'NEXT' ? dayjs(date).add(AGENDA_DAYS, 'day').toDate() : date;
AgendaList.title = (date: Date): string => `${TITLE.format(date)} – ${TITLE.format(dayjs(date).add(AGENDA_DAYS - 1, 'day').toDate())}`;
