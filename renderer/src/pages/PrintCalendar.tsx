import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { calendarPlan, datesBetween, monthGrid } from '../../../core/calendar';
import type { AppInfo, AuditHead } from '../../../core/api';
import type { ParticipantDetail, VisitView } from '../../../core/participants';
import { ClosedDayMark } from '../components/ClosedDayMark';
import { VISIT_STATUS_WORDS } from '../../../core/vocabulary';
import { dateFormat, formatCalendarDate } from '../dates';
import { PrintToolbar } from '../components/PrintToolbar';
import { ErrorNotice, Loading } from '../components/ui';
import { useApi } from '../useApi';

const MONTH: Intl.DateTimeFormatOptions = { month: 'long', year: 'numeric', timeZone: 'UTC' };
const MONTH_SHORT: Intl.DateTimeFormatOptions = { month: 'short', timeZone: 'UTC' };
const monthName = (y: number, m: number, f = MONTH) => dateFormat(f).format(new Date(Date.UTC(y, m - 1, 1)));
// 2024-01-01 was a Monday.
const weekdays = () => Array.from({ length: 7 }, (_, i) => dateFormat({ weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + i))));

/** The participant's calendar as a printable handout: month grids, then a list of every visit. */
export function PrintCalendar() {
  const { id = '' } = useParams();
  const detail = useApi('getParticipant', { participantId: Number(id) });
  const info = useApi('appInfo', {});
  const head = useApi('auditHead', {});
  if (detail.state === 'loading' || info.state === 'loading' || head.state === 'loading') return <Loading what="the calendar" />;
  if (detail.state === 'error') return <ErrorNotice error={detail.error} />;
  if (info.state === 'error') return <ErrorNotice error={info.error} />;
  if (head.state === 'error') return <ErrorNotice error={head.error} />;
  return <Calendar detail={detail.value} info={info.value} head={head.value} />;
}

function Calendar({ detail, info, head }: { detail: ParticipantDetail; info: AppInfo; head: AuditHead }) {
  const [params] = useSearchParams();
  const [paper, setPaper] = useState(params.get('paper') === 'letter' ? 'letter' : 'a4');
  const p = detail.participant;
  // Every visit, cancelled and missed ones too: the participant sees they are off (struck), not that they vanished.
  const visits = detail.visits;
  if (visits.length === 0)
    return (
      <main className="print-page">
        <p>{p.studyId} has no visits to print.</p>
      </main>
    );
  const onDay = new Map<string, VisitView[]>();
  const inWindow = new Set<string>();
  for (const v of visits) {
    const day = v.actualDate ?? v.plannedDate;
    onDay.set(day, [...(onDay.get(day) ?? []), v]);
    if (v.status === 'planned' && v.windowStart !== v.windowEnd) for (const d of datesBetween(v.windowStart, v.windowEnd)) inWindow.add(d);
  }
  // A day is boxed when a visit is still to come or was done there; missed and cancelled ones are struck, not boxed.
  const boxed = (d: string) => (onDay.get(d) ?? []).some((v) => v.status === 'planned' || v.status === 'done');
  const dayClass = (d: string) => (boxed(d) ? 'visit-day' : onDay.has(d) ? 'struck-day' : inWindow.has(d) ? 'window-day' : undefined);
  const days = [...onDay.keys()].sort();
  const plan = calendarPlan(days[0]!, days.at(-1)!);
  // Years of a long follow-up with no visit at all are one line, not a page of empty months.
  const years = yearRuns([...new Set(plan.compact.map((m) => m.year))], new Set(days.map((d) => Number(d.slice(0, 4)))));
  const assignment = detail.assignment.blinded ? (detail.assignment.code ? `Code ${detail.assignment.code}` : null) : detail.assignment.armLabel;
  return (
    <div className={`print-page paper-${paper}`} data-ready="true">
      <PrintToolbar back={<Link to={`/participants/${p.id}`}>← Back to {p.studyId}</Link>} paper={paper} onPaper={setPaper} />
      <header className="print-head">
        {/* The site's name from the settings page; a handout says nothing rather than a placeholder. */}
        {info.siteName && <div className="print-site">{info.siteName}</div>}
        <h1>Visit calendar: {p.studyId}</h1>
        <p>{p.protocolTitle}</p>
        <p>
          Study Day 1: {p.day1 ? formatCalendarDate(p.day1) : 'not set'}
          {assignment && <> · {assignment}</>}
        </p>
      </header>

      <section className="print-months" aria-label="Month calendars">
        {plan.detailed.map(({ year, month }) => (
          <table key={`${year}-${month}`} className="month">
            <caption>{monthName(year, month)}</caption>
            <thead>
              <tr>
                {weekdays().map((d) => (
                  <th key={d} scope="col">
                    {d}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {monthGrid(year, month).weeks.map((week, i) => (
                <tr key={i}>
                  {week.map((d, j) => (
                    <td key={j} className={d === null ? 'outside' : dayClass(d)}>
                      {d && (
                        <>
                          <span className="day-number">{Number(d.slice(8))}</span>
                          {onDay.get(d)?.map((v) => (
                            <span key={v.id} className={v.status === 'missed' || v.status === 'cancelled' ? 'visit-label struck' : 'visit-label'}>
                              {v.label}
                              {v.status === 'done' ? ' ✓' : v.status === 'missed' ? ' (missed)' : v.status === 'cancelled' ? ' (cancelled)' : ''}
                            </span>
                          ))}
                        </>
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </section>

      {years.map((run) =>
        run.empty ? (
          <p key={run.from} className="print-year-empty">
            {run.from === run.to ? run.from : `${run.from} to ${run.to}`}: no visits.
          </p>
        ) : (
          <section key={run.from} className="print-year" aria-label={`Year ${run.from}`}>
            <h2>{run.from}: visit days</h2>
            <div className="mini-months">
              {plan.compact
                .filter((m) => m.year === run.from)
                .map(({ month }) => (
                  <table key={month} className="mini-month">
                    <caption>{monthName(run.from, month, MONTH_SHORT)}</caption>
                    <tbody>
                      {monthGrid(run.from, month).weeks.map((week, i) => (
                        <tr key={i}>
                          {week.map((d, j) => (
                            <td key={j} className={d ? dayClass(d) : undefined}>
                              {d ? Number(d.slice(8)) : ''}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ))}
            </div>
            <ul className="year-visits">
              {days
                .filter((d) => d.startsWith(`${run.from}-`))
                .flatMap((d) => onDay.get(d)!.map((v) => ({ d, v })))
                .map(({ d, v }) => (
                  <li key={v.id} className={v.status === 'missed' || v.status === 'cancelled' ? 'struck' : undefined}>
                    <strong>{d}</strong> {v.label}
                  </li>
                ))}
            </ul>
          </section>
        ),
      )}

      <section className="print-list">
        <h2>All visits</h2>
        <table className="visit-table">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Day</th>
              <th scope="col">Visit</th>
              <th scope="col">Window</th>
              <th scope="col">Procedures</th>
            </tr>
          </thead>
          <tbody>
            {visits.map((v) => (
              <tr key={v.id}>
                <td className="nowrap">
                  {/* ISO in files: the printed list carries the exact date as well as the local form. */}
                  <strong>{v.actualDate ?? v.plannedDate}</strong>
                  <div className="sub">{formatCalendarDate(v.actualDate ?? v.plannedDate)}</div>
                  {v.actualDate && v.actualDate !== v.plannedDate && <div className="sub">planned {v.plannedDate}</div>}
                  {v.status === 'planned' && <ClosedDayMark visit={v} />}
                </td>
                <td>{v.studyDay}</td>
                <th scope="row" className={v.status === 'missed' || v.status === 'cancelled' ? 'struck' : undefined}>
                  {v.label}
                  {v.status !== 'planned' && <div className="sub">{v.status === 'done' ? `done ${v.actualDate}` : VISIT_STATUS_WORDS[v.status].toLowerCase()}</div>}
                </th>
                <td>
                  {!v.windowStated ? 'No window stated' : v.windowStart === v.windowEnd ? 'On the day' : `${v.windowStart} to ${v.windowEnd}`}
                  {v.windowText && <div className="sub">{v.windowText}</div>}
                </td>
                <td>{v.procedures.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {detail.open.length > 0 && (
          <p className="print-open">
            <strong>Not yet dated:</strong> {detail.open.map((o) => `${o.label} (${o.reason})`).join('; ')}.
          </p>
        )}
        <p className="legend">
          <span className="legend-box visit-day" aria-hidden="true" /> a visit (✓ done) · <span className="legend-box window-day" aria-hidden="true" /> a day inside a visit's window ·{' '}
          <span className="struck">struck</span>: missed or cancelled. Dates in the lists are year-month-day.
        </p>
      </section>
      <footer className="print-foot">
        Record mark {head.mark}: the site's audit trail when this was printed. A monitor can check that the trail still holds it with{' '}
        <span className="nowrap">trialcoord audit verify --against {head.mark}</span>.
      </footer>
    </div>
  );
}

type YearRun = { readonly from: number; readonly to: number; readonly empty: boolean };

/** The compact years in order, runs of years without a visit merged into one. */
function yearRuns(years: readonly number[], withVisits: ReadonlySet<number>): YearRun[] {
  const runs: YearRun[] = [];
  for (const y of years) {
    const empty = !withVisits.has(y);
    const last = runs.at(-1);
    if (empty && last?.empty && last.to === y - 1) runs[runs.length - 1] = { ...last, to: y };
    else runs.push({ from: y, to: y, empty });
  }
  return runs;
}
