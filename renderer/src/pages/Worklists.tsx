import { useState } from 'react';
import { Link } from 'react-router';
import { WORKLIST_FIRST, type WorklistRow } from '../../../core/participants';
import { formatCalendarDate, formatDateRange, todayIso } from '../dates';
import { ErrorNotice, formatCount, Loading, Page, Section } from '../components/ui';
import { useApi } from '../useApi';
import { HeadRow, VirtualTable } from '../components/VirtualRows';

/** Lists longer than this draw only the rows in view. */
const LONG = 60;
const ROW_HEIGHT = 44;

export function Worklists() {
  const today = todayIso();
  // The first rows of each list; "Show all" asks for every row.
  const [limit, setLimit] = useState(WORKLIST_FIRST);
  const lists = useApi('worklists', { today, limit });
  const more = lists.state === 'ready' ? () => setLimit(1_000_000) : undefined;
  return (
    <Page title="Worklists" eyebrow={`Today is ${formatCalendarDate(today)}`}>
      {lists.state === 'loading' && <Loading what="the worklists" />}
      {lists.state === 'error' && <ErrorNotice error={lists.error} title="The worklists could not be loaded" />}
      {lists.state === 'ready' && (
        <>
          <WorkTable id="today" title="Due today" rows={lists.value.dueToday} total={lists.value.totals.dueToday} onMore={more} empty="Nothing is due today." />
          <WorkTable
            id="week"
            title={`This week (${formatCalendarDate(lists.value.weekStart)} – ${formatCalendarDate(lists.value.weekEnd)})`}
            rows={lists.value.thisWeek}
            total={lists.value.totals.thisWeek}
            onMore={more}
            empty="Nothing is planned this week."
          />
          <WorkTable id="overdue" title="Overdue (window has closed)" rows={lists.value.overdue} total={lists.value.totals.overdue} onMore={more} empty="Nothing is overdue." tone="warning" />
          <WorkTable
            id="out-of-window"
            title="Done out of window"
            rows={lists.value.outOfWindow}
            total={lists.value.totals.outOfWindow}
            onMore={more}
            empty="No visit was done outside its window."
            showActual
          />
        </>
      )}
    </Page>
  );
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
}) {
  const head = (rowIndex?: number) => <HeadRow rowIndex={rowIndex} columns={['Participant', 'Trial', 'Visit', 'Planned', 'Window', ...(props.showActual ? ['Done on'] : [])]} />;
  const row = (r: WorklistRow, rowIndex?: number) => (
    <tr key={r.visitId} aria-rowindex={rowIndex} className={props.tone === 'warning' ? 'row-warning' : undefined}>
      <th scope="row">
        <Link to={`/participants/${r.participantId}`}>
          {r.studyId} ({r.initials})
        </Link>
        {r.assignment && <span className="sub"> · {r.assignment}</span>}
      </th>
      <td title={r.protocolTitle}>{r.protocolTitle}</td>
      <td>{r.visitLabel}</td>
      <td className="nowrap">{formatCalendarDate(r.plannedDate)}</td>
      <td className="nowrap">{formatDateRange(r.windowStart, r.windowEnd)}</td>
      {props.showActual && (
        <td>
          {r.actualDate && formatCalendarDate(r.actualDate)}
          {r.reason && <span className="sub"> · {r.reason}</span>}
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
