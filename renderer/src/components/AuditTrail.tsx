import type { AuditEntry } from '../../../core/participants';
import { auditChanges, auditSentence } from '../../../core/audit-words';
import { formatCalendarDate, formatInstant } from '../dates';
import { ErrorNotice, Loading } from './ui';
import { useApi } from '../useApi';

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

const WORDS = { date: formatCalendarDate };

/** The trail as sentences, oldest first, each with when, and what it changed in words. */
function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <ol className="audit-list" aria-label={`${entries.length} audit entries, oldest first`}>
      {entries.map((e) => {
        const changed = auditChanges(e, WORDS);
        return (
          <li key={e.id}>
            <span className="audit-when">{formatInstant(e.at)}</span>
            <span className="audit-sentence">{auditSentence(e, WORDS)}</span>
            {changed.length > 0 && (
              <ul className="audit-changes">
                {changed.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
