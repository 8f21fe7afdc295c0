import { Link } from 'react-router';
import { formatCalendarDate } from '../dates';
import { Badge, ErrorNotice, Loading, Page } from '../components/ui';
import { useApi } from '../useApi';

export const STATUS_TONE = { screening: 'accent', 'screen-failed': 'neutral', enrolled: 'success', withdrawn: 'warning' } as const;

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
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Participant</th>
                  <th scope="col">Trial</th>
                  <th scope="col">Status</th>
                  <th scope="col">Arm or code</th>
                  <th scope="col">Next visit</th>
                </tr>
              </thead>
              <tbody>
                {list.value.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <Link to={`/participants/${p.id}`}>
                        {p.studyId} ({p.initials})
                      </Link>
                    </th>
                    <td>{p.protocolTitle}</td>
                    <td>
                      <Badge tone={STATUS_TONE[p.status]}>{p.status}</Badge>
                    </td>
                    <td>{p.assignment ?? <span className="muted">—</span>}</td>
                    <td>{p.nextVisit ? `${formatCalendarDate(p.nextVisit.date)}: ${p.nextVisit.label}` : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </Page>
  );
}
