import type { AuditEntry } from '../../../core/participants';
import { formatInstant } from '../dates';
import { ErrorNotice, Loading } from './ui';
import { useApi } from '../useApi';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** A participant's audit trail: every change, who made it, when, why, and what changed. Remount (key) to reload. */
export function AuditTrail({ participantId }: { participantId: number }) {
  const trail = useApi('participantAudit', { participantId });
  return (
    <details className="audit">
      <summary>Audit trail</summary>
      {trail.state === 'loading' && <Loading what="the audit trail" />}
      {trail.state === 'error' && <ErrorNotice error={trail.error} />}
      {trail.state === 'ready' && <AuditTable entries={trail.value} />}
    </details>
  );
}

function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table compact">
        <caption className="visually-hidden">{entries.length} audit entries, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Changed</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="nowrap">{formatInstant(e.at)}</td>
              <td>{e.by}</td>
              <th scope="row">
                {e.method}
                <div className="sub">
                  {e.action} {e.entity} {e.entityId}
                </div>
                {e.reason && <div className="sub">Reason: {e.reason}</div>}
              </th>
              <td className="changes">
                {e.action === 'insert' ? (
                  // A new record: its values on one line; a change: one line per field, before → after.
                  Object.entries(e.changes)
                    .map(([field, [, after]]) => `${field}: ${show(after)}`)
                    .join('; ')
                ) : (
                  <ul className="plain-list">
                    {Object.entries(e.changes).map(([field, [before, after]]) => (
                      <li key={field}>
                        <code>{field}</code>: {show(before)} → {show(after)}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
