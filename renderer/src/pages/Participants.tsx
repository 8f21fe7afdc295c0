import { PARTICIPANT_STATUS_WORDS } from '../../../core/vocabulary';
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { ParticipantSummary } from '../../../core/participants';
import { formatCalendarDate } from '../dates';
import { Badge, ErrorNotice, Loading, Page, shortTitle } from '../components/ui';
import { VirtualTable } from '../components/VirtualRows';
import { useApi } from '../useApi';

export const STATUS_TONE = { screening: 'accent', 'screen-failed': 'neutral', enrolled: 'success', withdrawn: 'warning' } as const;
const ROW_HEIGHT = 44;

export function Participants() {
  const list = useApi('listParticipants', {});
  return (
    <Page
      title="Participants"
      eyebrow="All trials"
      actions={
        <Link className="button" to="/participants/new">
          Screen a participant
        </Link>
      }
    >
      {list.state === 'loading' && <Loading what="participants" />}
      {list.state === 'error' && <ErrorNotice error={list.error} title="The participants could not be loaded" />}
      {list.state === 'ready' &&
        (list.value.length === 0 ? (
          <p className="muted">No participants yet. Screen one, or import a CSV with “trialcoord participants import”.</p>
        ) : (
          <ParticipantTable all={list.value} />
        ))}
    </Page>
  );
}

/** Every participant, found by study ID, initials, blinded code, trial or status; only the rows in view are drawn. */
function ParticipantTable({ all }: { all: readonly ParticipantSummary[] }) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim().toLowerCase());
  const shown = useMemo(
    () => (deferred ? all.filter((p) => `${p.studyId} ${p.initials} ${p.protocolId} ${p.protocolTitle} ${PARTICIPANT_STATUS_WORDS[p.status]} ${p.assignment ?? ''}`.toLowerCase().includes(deferred)) : all),
    [all, deferred],
  );
  const searchId = useId();
  return (
    <>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={searchId}>Find</label>
          <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Study ID, initials, blinded code, trial or status" aria-describedby={`${searchId}-count`} />
        </div>
        <p className="muted" id={`${searchId}-count`} role="status">
          {shown.length === all.length ? `${all.length} participants` : `${shown.length} of ${all.length} participants`}
        </p>
      </div>
      <VirtualTable
        label="Participants"
        count={shown.length}
        rowHeight={ROW_HEIGHT}
        className="participants-table"
        head={
          <tr aria-rowindex={1}>
            <th scope="col">Participant</th>
            <th scope="col">Trial</th>
            <th scope="col">Status</th>
            <th scope="col">Arm or code</th>
            <th scope="col">Next visit</th>
          </tr>
        }
        row={(i) => {
          const p = shown[i]!;
          return (
            <tr key={p.id} aria-rowindex={i + 2}>
              <th scope="row">
                <Link to={`/participants/${p.id}`}>
                  {p.studyId} ({p.initials})
                </Link>
              </th>
              <td title={p.protocolTitle}>{shortTitle(p.protocolTitle)}</td>
              <td>
                <Badge tone={STATUS_TONE[p.status]}>{PARTICIPANT_STATUS_WORDS[p.status]}</Badge>
                {p.overdue > 0 && (
                  <>
                    {' '}
                    <Badge tone="warning">{p.overdue} overdue</Badge>
                  </>
                )}
              </td>
              <td>{p.assignment ?? <span className="muted">—</span>}</td>
              <td>{p.nextVisit ? `${formatCalendarDate(p.nextVisit.date)}: ${p.nextVisit.label}` : <span className="muted">—</span>}</td>
            </tr>
          );
        }}
      />
    </>
  );
}
