// The worklists: what is due today and this week, what is overdue, what was done out of window,
// for one trial or all, with each trial's numbers at a glance. Done, Missed and Reschedule work
// from the rows (the participant page's dialogs), and the day's or the week's list prints.
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { WORKLIST_FIRST, type TrialCount, type WorklistRow } from '../../../core/participants';
import { formatCalendarDate, formatDateRange, todayIso } from '../dates';
import { Options } from '../components/forms';
import { closedDayWords } from '../components/ClosedDayMark';
import { RowActions } from '../components/RowActions';
import { Badge, ErrorNotice, formatCount, Loading, Page, Section, shortTitle } from '../components/ui';
import { useSession } from '../session';
import { useApi, type Loaded } from '../useApi';
import { HeadRow, VirtualTable } from '../components/VirtualRows';

/** Lists longer than this draw only the rows in view. */
const LONG = 60;
const ROW_HEIGHT = 44;

export function Worklists() {
  const today = todayIso();
  const session = useSession();
  const protocols = useApi('listProtocols', {});
  const [trial, setTrial] = useState('');
  // The first rows of each list; "Show all" asks for every row.
  const [limit, setLimit] = useState(WORKLIST_FIRST);
  const [refresh, setRefresh] = useState(0);
  const lists = useApi('worklists', { today, limit, ...(trial ? { protocolId: trial } : {}) }, refresh);
  // Asked with the lists, not once they are drawn: the page's two reads go out together.
  const counts = useApi('trialsAtAGlance', { today, ...(trial ? { protocolId: trial } : {}) }, refresh);
  const more = lists.state === 'ready' ? () => setLimit(1_000_000) : undefined;
  const acts = session.can('coordinator', 'investigator');
  const changed = () => setRefresh((r) => r + 1);
  const trialId = useId();
  const printLink = (from: string, to: string) => `/print/visits?from=${from}&to=${to}${trial ? `&trial=${encodeURIComponent(trial)}` : ''}`;
  return (
    <Page title="Worklists" eyebrow={`Today is ${formatCalendarDate(today)}`}>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={trialId}>Trial</label>
          <select id={trialId} value={trial} onChange={(e) => setTrial(e.target.value)}>
            <Options blank="All trials" items={protocols.state === 'ready' ? protocols.value.map((p) => ({ value: p.id, label: p.title })) : []} />
          </select>
        </div>
        {lists.state === 'ready' && (
          <div className="toolbar-links">
            <Link className="button button-secondary" to={printLink(today, today)}>
              Print today’s list
            </Link>
            <Link className="button button-secondary" to={printLink(lists.value.weekStart, lists.value.weekEnd)}>
              Print this week’s list
            </Link>
          </div>
        )}
      </div>
      {lists.state === 'loading' && <Loading what="the worklists" />}
      {lists.state === 'error' && <ErrorNotice error={lists.error} title="The worklists could not be loaded" />}
      {lists.state === 'ready' && (
        <>
          <Dashboard counts={counts} />
          <WorkTable id="today" title="Due today" rows={lists.value.dueToday} total={lists.value.totals.dueToday} onMore={more} empty="Nothing is due today." acts={acts} onChanged={changed} />
          <WorkTable
            id="week"
            title={`This week (${formatCalendarDate(lists.value.weekStart)} – ${formatCalendarDate(lists.value.weekEnd)})`}
            rows={lists.value.thisWeek}
            total={lists.value.totals.thisWeek}
            onMore={more}
            empty="Nothing is planned this week."
            acts={acts}
            onChanged={changed}
          />
          <WorkTable
            id="overdue"
            title="Overdue (window has closed)"
            rows={lists.value.overdue}
            total={lists.value.totals.overdue}
            onMore={more}
            empty="Nothing is overdue."
            tone="warning"
            acts={acts}
            onChanged={changed}
          />
          <WorkTable
            id="out-of-window"
            title="Done out of window"
            rows={lists.value.outOfWindow}
            total={lists.value.totals.outOfWindow}
            onMore={more}
            empty="No visit was done outside its window."
            showActual
            acts={false}
            onChanged={changed}
          />
        </>
      )}
    </Page>
  );
}

/** Each trial at a glance: screened, enrolled against its target, withdrawn, overdue visits. */
function Dashboard({ counts }: { counts: Loaded<TrialCount[]> }) {
  if (counts.state === 'ready') return <TrialsTable trials={counts.value} />;
  return (
    <Section id="trials" title="Trials at a glance">
      {counts.state === 'loading' ? <Loading what="each trial at a glance" /> : <ErrorNotice error={counts.error} title="The trials at a glance could not be loaded" />}
    </Section>
  );
}

function TrialsTable({ trials }: { trials: readonly TrialCount[] }) {
  return (
    <Section id="trials" title="Trials at a glance">
      <div className="table-wrap">
        <table className="table compact dashboard">
          <caption className="visually-hidden">Participants of each trial</caption>
          <thead>
            <tr>
              <th scope="col">Trial</th>
              <th scope="col" className="num">
                Screened
              </th>
              <th scope="col" className="num">
                Enrolled (of target)
              </th>
              <th scope="col" className="num">
                Withdrawn
              </th>
              <th scope="col" className="num">
                Overdue visits
              </th>
            </tr>
          </thead>
          <tbody>
            {trials.map((t) => (
              <tr key={t.protocolId}>
                <th scope="row">
                  <Link to={`/protocols/${encodeURIComponent(t.protocolId)}`}>{t.title}</Link>
                </th>
                <td className="num">
                  {formatCount(t.screened)}
                  {t.screenFailed > 0 && <div className="sub">{formatCount(t.screenFailed)} failed screening</div>}
                </td>
                <td className="num">
                  {formatCount(t.everEnrolled)} {t.target !== null ? <span className="muted">of {formatCount(t.target)}</span> : <span className="muted">(no target stated)</span>}
                  {t.target !== null && <Progress done={t.everEnrolled} of={t.target} label={`${t.title}: enrolled of target`} />}
                </td>
                <td className="num">{formatCount(t.withdrawn)}</td>
                <td className="num">{t.overdue > 0 ? <Badge tone="warning">{formatCount(t.overdue)}</Badge> : '0'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function Progress({ done, of, label }: { done: number; of: number; label: string }) {
  return <progress className="enrolled-progress" value={Math.min(done, of)} max={of} aria-label={label} />;
}

function WorkTable(props: {
  id: string;
  title: string;
  rows: readonly WorklistRow[];
  total: number;
  onMore: (() => void) | undefined;
  empty: string;
  tone?: 'warning';
  showActual?: boolean;
  acts: boolean;
  onChanged: () => void;
}) {
  const columns = ['Participant', 'Trial', 'Visit', 'Planned', 'Window', ...(props.showActual ? ['Done on'] : []), ...(props.acts ? ['Record'] : [])];
  const head = (rowIndex?: number) => <HeadRow rowIndex={rowIndex} columns={columns} />;
  const row = (r: WorklistRow, rowIndex?: number) => (
    <tr key={r.visitId} id={`row-${props.id}-${r.visitId}`} aria-rowindex={rowIndex} className={props.tone === 'warning' ? 'row-warning' : undefined}>
      <th scope="row">
        <Link to={`/participants/${r.participantId}`}>
          {r.studyId} ({r.initials})
        </Link>
        {r.assignment && <span className="sub"> · {r.assignment}</span>}
        {props.tone === 'warning' && (
          <>
            {' '}
            <Badge tone="warning">Overdue</Badge>
          </>
        )}
      </th>
      <td title={r.protocolTitle}>{shortTitle(r.protocolTitle)}</td>
      <td>{r.visitLabel}</td>
      <td className="nowrap">
        {formatCalendarDate(r.plannedDate)}
        {r.status === 'planned' && r.closedDay && (
          <>
            {' '}
            <Badge tone="warning">Site closed: {r.closedDay}</Badge>
          </>
        )}
        {r.status === 'planned' && r.movedFrom && <span className="sub"> · {closedDayWords(r)}</span>}
      </td>
      <td className="nowrap">{formatDateRange(r.windowStart, r.windowEnd)}</td>
      {props.showActual && (
        <td>
          {r.actualDate && formatCalendarDate(r.actualDate)}
          {r.reason && <span className="sub"> · {r.reason}</span>}
        </td>
      )}
      {props.acts && (
        <td>
          <RowActions row={r} onChanged={props.onChanged} />
        </td>
      )}
    </tr>
  );
  return (
    <Section id={props.id} title={props.title} count={props.total}>
      {props.rows.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <div className="table-wrap">
          {props.rows.length > LONG ? (
            <VirtualTable label={props.title} count={props.rows.length} rowHeight={ROW_HEIGHT} className="compact worklist-table" head={head(1)} row={(i) => row(props.rows[i]!, i + 2)} />
          ) : (
            <table className="table compact">
              <thead>{head()}</thead>
              <tbody>{props.rows.map((r) => row(r))}</tbody>
            </table>
          )}
          {props.rows.length < props.total && (
            <p className="muted">
              Showing the first {formatCount(props.rows.length)} of {formatCount(props.total)}.{' '}
              {props.onMore && (
                <button type="button" className="link-button" onClick={props.onMore}>
                  Show all {formatCount(props.total)}
                </button>
              )}
            </p>
          )}
        </div>
      )}
    </Section>
  );
}
