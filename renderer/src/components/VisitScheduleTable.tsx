import type { ReactNode } from 'react';
import { humanize } from '../../../core/format';
import type { Schedule } from '../../../core/schedule';
import { formatCalendarDate } from '../dates';
import { ClosedDayMark } from './ClosedDayMark';
import { WindowCell } from './WindowCell';

/**
 * An arm's schedule as a table: study day, date, visit and window; `detailed` adds the kind, what
 * each date counts from and the procedures (the schedule preview page; the editor's side panel
 * has room for the first four only).
 */
export function VisitScheduleTable(props: { schedule: Schedule; detailed?: boolean; caption?: ReactNode; label?: string; events?: readonly { key: string; label: string }[] }) {
  const s = props.schedule;
  const labels = new Map<string, string>([...s.visits.map((v) => [v.key, v.label] as const), ...(props.events ?? []).map((e) => [`event:${e.key}`, e.label] as const)]);
  return (
    <table className="table compact" aria-label={props.label}>
      {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
      <thead>
        <tr>
          <th scope="col" className="num">
            Day
          </th>
          <th scope="col">Date</th>
          <th scope="col">Visit</th>
          <th scope="col">Window</th>
          {props.detailed && <th scope="col">Counted from</th>}
          {props.detailed && <th scope="col">Procedures</th>}
        </tr>
      </thead>
      <tbody>
        {s.visits.map((v) => (
          <tr key={v.key}>
            <td className="num">{v.studyDay}</td>
            <td className="nowrap">
              <time dateTime={v.plannedDate}>{formatCalendarDate(v.plannedDate)}</time>
              <ClosedDayMark visit={v} />
            </td>
            <th scope="row">
              {v.label}
              {props.detailed && <div className="sub">{humanize(v.kind)}</div>}
            </th>
            <td>
              <WindowCell visit={v} />
            </td>
            {props.detailed && <td>{v.anchor === 'start' ? `Study Day 1 (${formatCalendarDate(s.studyDayOne)})` : (labels.get(v.anchor) ?? humanize(v.anchor))}</td>}
            {props.detailed && <td>{v.procedures.join(', ') || <span className="muted">None listed</span>}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
