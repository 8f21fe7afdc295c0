// A protocol's versions: when each was saved and takes effect, who is on it, what changed
// between any two, and moving participants to the current one after seeing what it changes.
import { useState } from 'react';
import { Link } from 'react-router';
import type { MovePreview, ProtocolDetail } from '../../../core/api';
import { invoke } from '../api';
import { formatCalendarDate, formatInstant } from '../dates';
import { ErrorNotice, Loading, Section } from '../components/ui';
import { ActionError, Dialog, DialogActions, useAction } from '../components/forms';
import { useApi } from '../useApi';

export function ProtocolVersions(props: { detail: ProtocolDetail; onChanged: () => void }) {
  const { summary, versions } = props.detail;
  const [from, setFrom] = useState(Math.max(1, summary.version - 1));
  const [to, setTo] = useState(summary.version);
  const [moved, setMoved] = useState<string | null>(null);
  const waiting = versions.filter((v) => v.version < summary.version).reduce((n, v) => n + v.participants, 0);
  return (
    <Section id="versions" title="Versions" count={versions.length}>
      <div className="table-wrap">
        <table className="table compact">
          <caption className="visually-hidden">Versions of {summary.id}, oldest first</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Version
              </th>
              <th scope="col">Saved</th>
              <th scope="col">In effect from</th>
              <th scope="col">Note</th>
              <th scope="col" className="num">
                Participants
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <th scope="row" className="num">
                  {v.version}
                  {v.version === summary.version && <span className="muted"> (current)</span>}
                </th>
                <td>{formatInstant(v.createdAt)}</td>
                <td>{v.effectiveDate ? formatCalendarDate(v.effectiveDate) : 'From the start'}</td>
                <td>{v.note ?? <span className="muted">None</span>}</td>
                <td className="num">{v.participants}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && (
        <>
          <h3 className="list-heading">Differences</h3>
          <form className="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Versions to compare">
            <VersionSelect label="From version" value={from} onChange={setFrom} count={versions.length} />
            <VersionSelect label="To version" value={to} onChange={setTo} count={versions.length} />
          </form>
          <Diff id={summary.id} from={from} to={to} />
        </>
      )}
      {/* Kept here: moving the last participant on an earlier version closes the panel below. */}
      {moved && (
        <p className="notice notice-success" role="status">
          {moved}
        </p>
      )}
      {waiting > 0 && (
        <MovePanel
          detail={props.detail}
          onMoved={(message) => {
            setMoved(message);
            props.onChanged();
          }}
        />
      )}
    </Section>
  );
}

function VersionSelect(props: { label: string; value: number; count: number; onChange: (v: number) => void }) {
  const id = `version-${props.label.replace(/\s+/g, '-').toLowerCase()}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(Number(e.target.value))}>
        {Array.from({ length: props.count }, (_, i) => (
          <option key={i + 1} value={i + 1}>
            {i + 1}
          </option>
        ))}
      </select>
    </div>
  );
}

function Diff(props: { id: string; from: number; to: number }) {
  const diff = useApi('diffProtocolVersions', { id: props.id, from: props.from, to: props.to });
  if (diff.state === 'loading') return <Loading what="the differences" />;
  if (diff.state === 'error') return <ErrorNotice error={diff.error} title="The versions could not be compared" />;
  const { lines } = diff.value;
  if (lines.length === 0) return <p className="muted">Versions {props.from} and {props.to} are identical.</p>;
  return (
    <ul className="diff" aria-label={`Changes from version ${props.from} to ${props.to}`}>
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

/** Who is on an older version, what moving each to the current one changes, and the move itself. */
function MovePanel(props: { detail: ProtocolDetail; onMoved: (message: string) => void }) {
  const { summary } = props.detail;
  const preview = useAction();
  const move = useAction();
  const [previews, setPreviews] = useState<MovePreview[] | null>(null);
  // A move is asked once more, with what it changes, before it is made.
  const [confirming, setConfirming] = useState<MovePreview[] | null>(null);
  const load = async () => {
    const r = await preview.run(() => invoke('previewMove', { protocolId: summary.id, toVersion: summary.version }));
    if (r) setPreviews(r);
  };
  const doMove = async (ids: number[] | undefined) => {
    const r = await move.run(() =>
      invoke('moveParticipants', { protocolId: summary.id, toVersion: summary.version, reason: `Moved to version ${summary.version}`, ...(ids ? { participantIds: ids } : {}) }),
    );
    if (r) {
      setPreviews(null);
      setConfirming(null);
      props.onMoved(`${r.map((p) => p.studyId).join(', ')} moved to version ${summary.version}.`);
    }
  };
  const movable = (previews ?? []).filter((p) => p.blocked === null);
  return (
    <div className="move-panel">
      <h3 className="list-heading">Participants on earlier versions</h3>
      {!previews && (
        <button type="button" className="button button-secondary" onClick={() => void load()} disabled={preview.busy}>
          Review moving them to version {summary.version}
        </button>
      )}
      <ActionError error={preview.error} title="The move could not be previewed" />
      <ActionError error={move.error} title="Nobody was moved" />
      {previews && (
        <>
          {previews.length === 0 && <p className="muted">Nobody is waiting to move.</p>}
          {previews.map((p) => (
            <article key={p.participantId} className="move-card" aria-labelledby={`move-${p.participantId}`}>
              <h4 id={`move-${p.participantId}`}>
                <Link to={`/participants/${p.participantId}`}>{p.studyId}</Link>: version {p.fromVersion} → {p.toVersion}
              </h4>
              {p.blocked ? (
                <p className="muted">Cannot move: {p.blocked}</p>
              ) : (
                <>
                  {p.changes.length === 0 ? (
                    <p>No visit changes.</p>
                  ) : (
                    <table className="table compact">
                      <caption className="visually-hidden">Visits that change for {p.studyId}</caption>
                      <thead>
                        <tr>
                          <th scope="col">Visit</th>
                          <th scope="col">Change</th>
                          <th scope="col">Now</th>
                          <th scope="col">After the move</th>
                        </tr>
                      </thead>
                      <tbody>
                        {p.changes.map((c) => (
                          <tr key={`${c.key}-${c.change}`}>
                            <th scope="row">{c.label}</th>
                            <td>
                              {CHANGE_WORDS[c.change]}
                              {c.detail && <div className="sub">{c.detail}</div>}
                            </td>
                            <td>{c.before ? formatCalendarDate(c.before) : '—'}</td>
                            <td>{c.after ? formatCalendarDate(c.after) : '—'}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  <p className="sub">
                    {p.kept} recorded visit{p.kept === 1 ? '' : 's'} (done, missed or cancelled) stay exactly as they are.
                  </p>
                  <button type="button" className="button" onClick={() => setConfirming([p])} disabled={move.busy}>
                    Move {p.studyId} to version {p.toVersion}…
                  </button>
                </>
              )}
            </article>
          ))}
          {movable.length > 1 && (
            <button type="button" className="button" onClick={() => setConfirming(movable)} disabled={move.busy}>
              Move all {movable.length} to version {summary.version}…
            </button>
          )}
        </>
      )}
      <Dialog title={`Move to version ${summary.version}?`} open={confirming !== null} onClose={() => setConfirming(null)}>
        {confirming && (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              void doMove(confirming.map((p) => p.participantId));
            }}
          >
            <ul className="plain-list gaps">
              {confirming.map((p) => (
                <li key={p.participantId}>
                  <strong>{p.studyId}</strong>:{' '}
                  {p.changes.length === 0
                    ? 'no visit changes.'
                    : `${p.changes.length} visit${p.changes.length === 1 ? '' : 's'} change: ${p.changes.map((c) => `${c.label} (${CHANGE_WORDS[c.change].toLowerCase()}${c.detail ? `: ${c.detail}` : ''})`).join('; ')}.`}{' '}
                  {p.kept} recorded visit{p.kept === 1 ? '' : 's'} stay as recorded.
                </li>
              ))}
            </ul>
            <DialogActions error={move.error} busy={move.busy} confirm="Move" onCancel={() => setConfirming(null)} dismiss="Not now" />
          </form>
        )}
      </Dialog>
    </div>
  );
}

const CHANGE_WORDS: Record<MovePreview['changes'][number]['change'], string> = { added: 'Added', removed: 'Cancelled', moved: 'New date', changed: 'Changed' };
