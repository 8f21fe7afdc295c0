import { useRef, useState, type FormEvent } from 'react';
import { invoke } from '../api';
import type { ExportChunk } from '../../../core/api';
import { DateInput, ActionError, Field, Options, useAction } from '../components/forms';
import { ErrorNotice, Loading, Page, Section } from '../components/ui';
import { download } from '../download';
import { useApi } from '../useApi';

const KINDS = [
  ['visits', 'Visits'],
  ['participants', 'Participants'],
  ['doses', 'Dose log'],
] as const;
const CHUNK = 2000;

/** CSV exports with a progress bar and a Cancel button; the file is saved when the last rows arrive. */
export function Exports() {
  const protocols = useApi('listProtocols', {});
  const [kind, setKind] = useState<(typeof KINDS)[number][0]>('visits');
  const [protocolId, setProtocolId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [bom, setBom] = useState(false);
  const [progress, setProgress] = useState<{ rows: number; total: number } | null>(null);
  const [message, setMessage] = useState('');
  const cancelled = useRef(false);
  const act = useAction();

  const run = async (e: FormEvent) => {
    e.preventDefault();
    cancelled.current = false;
    setMessage('');
    const parts: string[] = [];
    const result = await act.run(async () => {
      let rows = 0;
      let total = 0;
      let after: readonly [string, string] | null = null;
      for (;;) {
        const chunk: ExportChunk = await invoke('exportCsvChunk', {
          kind,
          ...(after ? { after: [...after] as [string, string] } : {}),
          limit: CHUNK,
          bom,
          ...(protocolId ? { protocolId } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        });
        parts.push(chunk.csv);
        rows += chunk.rows;
        total = chunk.total ?? total;
        setProgress({ rows, total });
        if (chunk.next === null) return rows;
        after = chunk.next;
        if (cancelled.current) return null;
      }
    });
    if (result === null) setMessage('Export cancelled: nothing was saved.');
    else if (result !== undefined) {
      const name = `trial-coordinator-${kind}${protocolId ? `-${protocolId}` : ''}.csv`;
      download(name, parts, 'text/csv;charset=utf-8');
      setMessage(`Exported ${result} rows to ${name}.`);
    }
    setProgress(null);
  };

  return (
    <Page title="Exports" eyebrow="CSV for spreadsheets and other systems; calendar files for phones and calendars">
      {protocols.state === 'loading' && <Loading what="trials" />}
      {protocols.state === 'error' && <ErrorNotice error={protocols.error} />}
      {protocols.state === 'ready' && (
        <Section id="export" title="Export as CSV">
          <form className="form" onSubmit={run}>
            <div className="form-grid">
              <Field label="What">
                {(id) => (
                  <select id={id} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                    <Options items={KINDS.map(([value, label]) => ({ value, label }))} />
                  </select>
                )}
              </Field>
              <Field label="Trial">
                {(id) => (
                  <select id={id} value={protocolId} onChange={(e) => setProtocolId(e.target.value)}>
                    <Options blank="All trials" items={protocols.value.map((p) => ({ value: p.id, label: p.title }))} />
                  </select>
                )}
              </Field>
              <Field label="From (optional)">{(id) => <DateInput id={id} value={from} onChange={setFrom} />}</Field>
              <Field label="To (optional)">{(id) => <DateInput id={id} value={to} onChange={setTo} />}</Field>
            </div>
            <label className="check">
              <input type="checkbox" checked={bom} onChange={(e) => setBom(e.target.checked)} /> Add a byte-order mark (for Excel)
            </label>
            <ActionError error={act.error} title="The export failed" />
            {progress && (
              <div className="progress">
                <label htmlFor="export-progress">
                  {progress.rows} of {progress.total} rows
                </label>
                <progress id="export-progress" max={progress.total || 1} value={progress.rows} />
                <button type="button" className="button button-secondary" onClick={() => (cancelled.current = true)}>
                  Cancel
                </button>
              </div>
            )}
            {message && (
              <p role="status" className="muted">
                {message}
              </p>
            )}
            <div className="form-actions">
              <button type="submit" className="button" disabled={act.busy}>
                Export
              </button>
            </div>
          </form>
        </Section>
      )}
      {protocols.state === 'ready' && <CalendarFile protocols={protocols.value.map((p) => ({ value: p.id, label: p.title }))} />}
    </Page>
  );
}

/**
 * Visits as an iCalendar file: one event per visit, a reminder before each (Settings), missed and
 * cancelled visits marked cancelled, blinded trials by code only. One participant's file is the
 * feed they import on their phone; a trial's, the site's own calendar.
 */
function CalendarFile({ protocols }: { protocols: readonly { value: string; label: string }[] }) {
  const [protocolId, setProtocolId] = useState('');
  const [studyId, setStudyId] = useState('');
  const [message, setMessage] = useState('');
  const act = useAction();
  const form = useRef<HTMLFormElement>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage('');
    const r = await act.run(() => invoke('exportIcs', { ...(protocolId ? { protocolId } : {}), ...(studyId.trim() ? { studyId: studyId.trim() } : {}) }), form.current);
    if (!r) return;
    const name = `trial-coordinator-visits${protocolId ? `-${protocolId}` : ''}${studyId.trim() ? `-${studyId.trim()}` : ''}.ics`;
    download(name, [r.ics], 'text/calendar;charset=utf-8');
    setMessage(`Saved ${r.events} visit${r.events === 1 ? '' : 's'} to ${name}.`);
  };
  return (
    <Section id="ics" title="Calendar file (iCalendar)">
      <form className="form" onSubmit={submit} ref={form}>
        <div className="form-grid">
          <Field label="Trial">
            {(id) => (
              <select id={id} value={protocolId} onChange={(e) => setProtocolId(e.target.value)}>
                <Options blank="All trials" items={protocols} />
              </select>
            )}
          </Field>
          <Field label="One participant (study ID)" hint="Their own visits, for their phone; choose the trial too">
            {(id, hint) => <input id={id} value={studyId} onChange={(e) => setStudyId(e.target.value)} aria-describedby={hint} autoComplete="off" />}
          </Field>
        </div>
        <ActionError error={act.error} title="No calendar file was made" />
        {message && (
          <p role="status" className="muted">
            {message}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button" disabled={act.busy}>
            Save calendar file
          </button>
        </div>
      </form>
    </Section>
  );
}
