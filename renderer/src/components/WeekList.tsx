import dayjs from 'dayjs';
import type { NavigateAction } from 'react-big-calendar';

interface WeekEvent {
  readonly title: string;
  readonly start: Date;
  readonly row: { readonly visitId: number; readonly status: string };
}

const WEEK_TITLE = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'short' });
const monday = (d: Date) => dayjs(d).subtract((dayjs(d).day() + 6) % 7, 'day').startOf('day');

/**
 * The week view: Monday to Sunday as a table of days and their visits. Visits are all-day, so
 * the component's hour grid would be seven empty columns; this view is the calendar's own week,
 * plugged in through its custom-view interface, and a plain table that screen readers can read.
 */
export function WeekList(props: { date: Date; events: readonly WeekEvent[]; onSelectEvent?: (e: WeekEvent) => void }) {
  const start = monday(props.date);
  const days = Array.from({ length: 7 }, (_, i) => start.add(i, 'day'));
  return (
    <table className="week-list">
      <caption className="visually-hidden">Visits in the week of {WEEK_TITLE.format(start.toDate())}</caption>
      <tbody>
        {days.map((d) => {
          const on = props.events.filter((e) => dayjs(e.start).isSame(d, 'day'));
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
                        <button type="button" className={`rbc-event visit-${e.row.status}`} onClick={() => props.onSelectEvent?.(e)}>
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

WeekList.range = (date: Date): Date[] => Array.from({ length: 7 }, (_, i) => monday(date).add(i, 'day').toDate());
WeekList.navigate = (date: Date, action: NavigateAction): Date =>
  action === 'PREV' ? dayjs(date).subtract(1, 'week').toDate() : action === 'NEXT' ? dayjs(date).add(1, 'week').toDate() : date;
WeekList.title = (date: Date): string => `Week of ${WEEK_TITLE.format(monday(date).toDate())}`;
