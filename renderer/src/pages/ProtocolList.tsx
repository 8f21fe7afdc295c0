import { Link } from 'react-router';
import { humanize } from '../../../core/format';
import { Badge, ErrorNotice, Loading, Page, Value } from '../components/ui';
import { useApi } from '../useApi';

export function ProtocolList() {
  const protocols = useApi('listProtocols', {});
  return (
    <Page
      title="Protocols"
      eyebrow="Trials at this site"
      actions={
        <div className="page-actions">
          <Link className="button button-secondary" to="/protocols/import">
            Import…
          </Link>
          <Link className="button" to="/protocols/new">
            New protocol
          </Link>
        </div>
      }
    >
      {protocols.state === 'loading' && <Loading what="protocols" />}
      {protocols.state === 'error' && <ErrorNotice error={protocols.error} title="The protocols could not be loaded" />}
      {protocols.state === 'ready' &&
        (protocols.value.length === 0 ? (
          <p className="muted">No protocols yet. Create one, import a registry record, or run “trialcoord protocol import &lt;file&gt;”.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{protocols.value.length} protocols, sorted by title</caption>
              <thead>
                <tr>
                  <th scope="col">Trial</th>
                  <th scope="col">Registry</th>
                  <th scope="col">Phase</th>
                  <th scope="col">Status</th>
                  <th scope="col">Conditions</th>
                  <th scope="col" className="num">
                    Arms
                  </th>
                  <th scope="col" className="num">
                    Target
                  </th>
                </tr>
              </thead>
              <tbody>
                {protocols.value.map((p) => (
                  <tr key={p.id}>
                    <th scope="row" className="title-cell">
                      <Link to={`/protocols/${encodeURIComponent(p.id)}`}>{p.title}</Link>
                      <div className="sub">
                        {p.id}
                        {p.sponsor && <> · {p.sponsor}</>}
                      </div>
                    </th>
                    <td>
                      <Value>{p.nctId}</Value>
                    </td>
                    <td>
                      <Value>{p.phases.map(humanize).join(', ')}</Value>
                    </td>
                    <td>{p.status ? <Badge tone={p.status === 'RECRUITING' ? 'success' : 'neutral'}>{humanize(p.status)}</Badge> : <Value>{null}</Value>}</td>
                    <td>{p.conditions.join('; ')}</td>
                    <td className="num">{p.armCount}</td>
                    <td className="num">
                      <Value>{p.enrollmentTarget}</Value>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </Page>
  );
}
