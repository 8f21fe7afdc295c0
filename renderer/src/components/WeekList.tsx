import dayjs from 'dayjs';
import type { NavigateAction } from 'react-big-calendar';

interface ListEvent {
  readonly title: string;
  readonly start: Date;
  readonly row: { readonly visitId: number; readonly status: string };
}

const TITLE = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'short' });
const monday = (d: Date) => dayjs(d).subtract((dayjs(d).day() + 6) % 7, 'day').startOf('day');

type ViewProps = { date: Date; events: readonly ListEvent[]; onSelectEvent?: (e: ListEvent) => void };

/** Days as rows of a table, each with its visits as buttons: a table screen readers can read. */
function DayTable({ days, caption, events, onSelectEvent }: { days: dayjs.Dayjs[]; caption: string } & Omit<ViewProps, 'date'>) {
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
                  <span className="muted">No visits</span>
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
