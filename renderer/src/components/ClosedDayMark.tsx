// Where the site's closed day moved a visit ("moved from Sat 14 Mar: site closed"), or the warning
// that it stays on one because its window holds no open day: the coordinator decides.
import { formatCalendarDateAs } from '../dates';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SHORT = { weekday: 'short', day: 'numeric', month: 'short' } as const;

export function closedDayWords(v: { readonly movedFrom: string | null; readonly movedBecause: string | null; readonly closedDay: string | null; readonly status: string }): string | null {
  if (v.movedFrom) return `moved from ${formatCalendarDateAs(v.movedFrom, SHORT)}: site closed${v.movedBecause && !WEEKDAYS.includes(v.movedBecause) ? ` (${v.movedBecause})` : ''}`;
  if (v.closedDay && v.status === 'planned') return `site closed (${v.closedDay}) and no open day in the window: choose a date`;
  return null;
}

export function ClosedDayMark(props: { visit: Parameters<typeof closedDayWords>[0] }) {
  const words = closedDayWords(props.visit);
  if (!words) return null;
  return <div className={props.visit.movedFrom ? 'sub closed-mark' : 'sub closed-mark text-warning'}>{words}</div>;
}
