// A day's or a week's visits on paper, for the clinic: each visit with its participant (study ID,
// initials, the blinded code, never an arm of a blinded trial), its window, and its procedures
// with a box to tick. A4 or US Letter, black and white.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { AppInfo, AuditHead } from '../../../core/api';
import type { WorklistRow } from '../../../core/participants';
import { VISIT_STATUS_WORDS, type VisitStatus } from '../../../core/vocabulary';
import { formatCalendarDate, formatCalendarDateAs, formatDateRange, formatInstant } from '../dates';
import { PrintToolbar } from '../components/PrintToolbar';
import { ErrorNotice, Loading, shortTitle } from '../components/ui';
import { useApi } from '../useApi';

export function PrintVisits() {
  const [params] = useSearchParams();
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? from;
  const trial = params.get('trial');
  const visits = useApi('siteCalendar', { from, to, ...(trial ? { protocolId: trial } : {}) });
  const info = useApi('appInfo', {});
  const head = useApi('auditHead', {});
  const protocols = useApi('listProtocols', {});
  if (visits.state === 'loading' || info.state === 'loading' || head.state === 'loading' || protocols.state === 'loading') return <Loading what="the list" />;
  if (visits.state === 'error') return <ErrorNotice error={visits.error} title="The list could not be made" />;
  if (info.state === 'error') return <ErrorNotice error={info.error} />;
  if (head.state === 'error') return <ErrorNotice error={head.error} />;
  const trialTitle = trial && protocols.state === 'ready' ? (protocols.value.find((p) => p.id === trial)?.title ?? trial) : null;
  return <VisitList rows={visits.value.visits} from={from} to={to} trialTitle={trialTitle} info={info.value} head={head.value} />;
}

function VisitList(props: { rows: readonly WorklistRow[]; from: string; to: string; trialTitle: string | null; info: AppInfo; head: AuditHead }) {
  const [params] = useSearchParams();
  const [paper, setPaper] = useState(params.get('paper') === 'letter' ? 'letter' : 'a4');
  const { rows, from, to } = props;
  const oneDay = from === to;
  const days = [...new Set(rows.map((r) => r.actualDate ?? r.plannedDate))].sort();
  const title = oneDay ? `Visits on ${formatCalendarDateAs(from, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}` : `Visits, ${formatDateRange(from, to)}`;
  return (
    <div className={`print-page paper-${paper}`} data-ready="true">
      <PrintToolbar back={<Link to="/worklists">← Worklists</Link>} paper={paper} onPaper={setPaper} />
      <header className="print-head">
        {props.info.siteName && <div className="print-site">{props.info.siteName}</div>}
        <h1>{title}</h1>
        <p>
          {props.trialTitle ?? 'All trials'} · {rows.length} visit{rows.length === 1 ? '' : 's'}
        </p>
      </header>
      {rows.length === 0 ? (
        <p>No visits{oneDay ? ' on this day' : ' in these days'}.</p>
      ) : (
        days.map((day) => (
          <section key={day} className="print-day" aria-label={formatCalendarDate(day)}>
            {!oneDay && <h2>{formatCalendarDateAs(day, { weekday: 'long', day: 'numeric', month: 'long' })}</h2>}
            <table className="visit-table day-list">
              <thead>
                <tr>
                  <th scope="col">Participant</th>
                  <th scope="col">Trial</th>
                  <th scope="col">Visit</th>
                  <th scope="col">Window</th>
                  <th scope="col">Procedures</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows
                  .filter((r) => (r.actualDate ?? r.plannedDate) === day)
                  .map((r) => (
                    <tr key={r.visitId} className={r.status === 'missed' || r.status === 'cancelled' ? 'struck' : undefined}>
                      <th scope="row">
                        {r.studyId} ({r.initials})
                        {r.assignment && <div className="sub">{r.assignment}</div>}
                      </th>
                      <td>{shortTitle(r.protocolTitle, 48)}</td>
                      <td>{r.visitLabel}</td>
                      <td className="nowrap">{r.windowStart === r.windowEnd ? r.windowStart : `${r.windowStart} to ${r.windowEnd}`}</td>
                      <td>
                        {r.procedures.length === 0 ? (
                          <span className="muted">None listed</span>
                        ) : (
                          <ul className="tick-list">
                            {r.procedures.map((p) => (
                              <li key={p}>
                                <span className="tick-box" aria-hidden="true" /> {p}
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td>{r.status === 'done' ? `Done ${r.actualDate}` : VISIT_STATUS_WORDS[r.status as VisitStatus]}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))
      )}
      <footer className="print-foot">
        Printed {formatInstant(new Date().toISOString())}. Dates in the table are year-month-day. Record mark {props.head.mark}.
      </footer>
    </div>
  );
}
