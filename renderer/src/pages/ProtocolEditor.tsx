// Create or amend a protocol in the app: every part of the format, checked as you type, with a
// live schedule of any arm beside the form. Saving a protocol that exists makes a new version
// (an amendment, with an effective date and a note); participants stay on theirs until moved.
import { useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { ProtocolDetail } from '../../../core/api';
import { humanize } from '../../../core/format';
import { ALLOCATIONS, INTERVENTION_MODELS, MASKINGS, PHASES, PRIMARY_PURPOSES, STATUSES } from '../../../core/protocol';
import { checkDraft, describePath, emptyProtocol, previewProtocol, type Draft } from '../../../core/protocol-form';
import { computeSchedule, type Schedule } from '../../../core/schedule';
import { invoke } from '../api';
import { todayIso } from '../dates';
import { Page, Section } from '../components/ui';
import { DateInput, ActionError, useAction } from '../components/forms';
import { diffProtocols } from '../../../core/protocol-diff';
import { VisitScheduleTable } from '../components/VisitScheduleTable';
import { CheckboxField, CheckboxGroup, EditorContext, useEditor, ListField, NumberField, SelectField, TextField, getIn, setIn, type EditorState, type Path } from './editor/fields';
import { Arms, Criteria, Interventions, Outcomes } from './editor/parts';
import { Events } from './editor/events';
import { EventDate } from './SchedulePreview';
import { useApi } from '../useApi';
import { WithProtocol } from '../components/WithProtocol';

/** Location state when the editor is opened with a draft (a registry import). */
export interface EditorLocationState {
  readonly draft: Draft;
  readonly source: string;
}

export function ProtocolEditor() {
  const { id } = useParams();
  const state = useLocation().state as EditorLocationState | null;
  if (id) return <EditExisting id={id} />;
  return <EditorForm key={state?.source ?? 'new'} initial={state?.draft ?? emptyProtocol()} existing={null} source={state?.source ?? null} />;
}

function EditExisting({ id }: { id: string }) {
  return (
    <WithProtocol id={id} title="Amend protocol" errorTitle={`Protocol “${id}” could not be opened`}>
      {(detail) => <EditorForm initial={structuredClone(detail.protocol) as unknown as Draft} existing={detail} source={null} />}
    </WithProtocol>
  );
}

function EditorForm(props: { initial: Draft; existing: ProtocolDetail | null; source: string | null }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(props.initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [previewArm, setPreviewArm] = useState(0);
  const [note, setNote] = useState('');
  const [effective, setEffective] = useState(todayIso());
  const save = useAction();
  const { protocol, issues } = useMemo(() => checkDraft(draft), [draft]);
  const amending = props.existing !== null;
  // A registry draft for a trial already stored also becomes a new version of it.
  const existingId = props.existing?.summary.id ?? null;
  // An imported file whose id is already stored is saved as that protocol's next version.
  const list = useApi('listProtocols', {});
  const same = !amending && list.state === 'ready' ? (list.value.find((p) => p.id === draft.id) ?? null) : null;
  const nextVersion = props.existing ? props.existing.summary.version + 1 : same ? same.version + 1 : 1;
  // Saving what is stored already makes no version: say so before, not after a click that does nothing.
  const storedId = existingId ?? same?.id ?? null;
  const stored = useApi('getProtocol', { id: storedId ?? 'none' }, 0, storedId !== null);
  const identical = protocol !== null && stored.state === 'ready' && diffProtocols(stored.value.protocol, protocol).length === 0;
  const [unchanged, setUnchanged] = useState(false);

  const editor: EditorState = {
    draft,
    set: (path: Path, value: unknown) => setDraft((d) => setIn(d, path, value)),
    touch: (path: Path) => setTouched((t) => (t.has(path.join('.')) ? t : new Set(t).add(path.join('.')))),
    error: (path: Path) => {
      const k = path.join('.');
      return submitted || touched.has(k) ? issues.get(k) : undefined;
    },
  };

  const onSave = async (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!protocol) {
      document.getElementById('editor-problems')?.focus();
      return;
    }
    if (amending && note.trim() === '') {
      document.getElementById('amendment-note')?.focus();
      return;
    }
    const result = await save.run(() =>
      invoke('importProtocol', {
        document: protocol,
        asNewVersion: amending || same !== null,
        ...(note.trim() ? { note: note.trim() } : props.source ? { note: `Imported from ${props.source}` } : {}),
        ...(effective ? { effectiveDate: effective } : {}),
      }),
    );
    if (result?.outcome === 'unchanged') setUnchanged(true);
    else if (result) navigate(`/protocols/${encodeURIComponent(result.id)}`, { state: { saved: result } });
  };

  const title = amending ? `Amend ${existingId}` : props.source ? `New protocol from ${props.source}` : 'New protocol';
  const problems = [...issues].map(([path, message]) => `${describePath(path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)), draft)}: ${message}`);
  return (
    <EditorContext.Provider value={editor}>
      <Page
        title={title}
        eyebrow={
          <>
            <Link to="/protocols">← All protocols</Link>
            {existingId && (
              <>
                <span className="sep" aria-hidden="true">
                  /
                </span>
                <Link to={`/protocols/${encodeURIComponent(existingId)}`}>{existingId}</Link>
              </>
            )}
          </>
        }
      >
        {amending && (
          <p className="lead">
            Saving makes version {nextVersion}. Participants stay on the version they are on until you move them from the protocol page; visits already done never change.
          </p>
        )}
        <div className="editor-layout">
          <form className="editor-form" onSubmit={onSave} noValidate aria-label="Protocol">
            <Section id="identity" title="Identity and design">
              <div className="field-grid">
                <TextField path={['title']} label="Title" wide />
                <TextField path={['id']} label="Protocol id" hint="Short, stable: lower-case letters, digits, hyphens" disabled={amending} />
                <TextField path={['identifiers', 'nctId']} label="NCT number" hint="Empty if none" nullable />
                <TextField path={['sponsor']} label="Sponsor" nullable />
                <ListField path={['conditions']} label="Conditions" hint="One per line" separator="line" />
                <TextField path={['summary']} label="Summary" multiline />
                <SelectField path={['status']} label="Status" options={STATUSES.map((s) => [s, humanize(s)] as const)} blank="Not stated" />
                <SelectField path={['design', 'primaryPurpose']} label="Primary purpose" options={PRIMARY_PURPOSES.map((s) => [s, humanize(s)] as const)} blank="Not stated" />
                <SelectField path={['design', 'allocation']} label="Allocation" options={ALLOCATIONS.map((s) => [s, humanize(s)] as const)} blank="Not stated" />
                <SelectField path={['design', 'interventionModel']} label="Intervention model" options={INTERVENTION_MODELS.map((s) => [s, humanize(s)] as const)} blank="Not stated" />
                <SelectField path={['design', 'masking']} label="Masking" hint="Any masking but None is treated as blinded" options={MASKINGS.map((s) => [s, humanize(s)] as const)} blank="Not stated" />
                <NumberField path={['enrollment', 'target']} label="Enrollment target" hint="Empty if not stated" min={1} />
                <SelectField
                  path={['studyDay', 'firstDoseIs']}
                  label="Study-day numbering"
                  options={[
                    ['1', 'First dose is Day 1'],
                    ['0', 'First dose is Day 0'],
                  ]}
                  onValue={(v) => editor.set(['studyDay', 'firstDoseIs'], v === '0' ? 0 : 1)}
                />
              </div>
              <CheckboxGroup path={['phases']} legend="Phases" choices={PHASES.map((p) => [p, humanize(p)] as const)} empty="" />
            </Section>
            <Section id="interventions" title="Interventions" count={(draft.interventions as unknown[]).length}>
              <Interventions />
            </Section>
            <Section id="events" title="Events" count={((draft as { events?: unknown[] }).events ?? []).length}>
              <Events />
            </Section>
            <Section id="arms" title="Arms, dosing and visits" count={(draft.arms as unknown[]).length}>
              <Arms onPreview={setPreviewArm} />
            </Section>
            <Section id="eligibility" title="Eligibility">
              <div className="field-grid">
                <SelectField
                  path={['eligibility', 'sex']}
                  label="Sex"
                  options={[
                    ['ALL', 'All'],
                    ['FEMALE', 'Female'],
                    ['MALE', 'Male'],
                  ]}
                  blank="Not stated"
                />
                <AgeField which="minimumAge" label="Minimum age" />
                <AgeField which="maximumAge" label="Maximum age" />
                <CheckboxField path={['eligibility', 'healthyVolunteers']} label="Accepts healthy volunteers" />
              </div>
              <h3 className="list-heading">Inclusion criteria</h3>
              <Criteria which="inclusion" />
              <h3 className="list-heading">Exclusion criteria</h3>
              <Criteria which="exclusion" />
            </Section>
            <Section id="outcomes" title="Outcomes" count={(draft.outcomes as unknown[]).length}>
              <Outcomes />
            </Section>
            <Section id="save" title={amending ? 'Save as a new version' : 'Save'}>
              {submitted && problems.length > 0 && (
                <div className="notice notice-error" role="alert" id="editor-problems" tabIndex={-1}>
                  <strong>
                    {problems.length} problem{problems.length === 1 ? '' : 's'} to fix before saving
                  </strong>
                  <ul>
                    {problems.slice(0, 30).map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                </div>
              )}
              <div className="field-grid">
                {(amending || props.source) && (
                  <div className="field field-wide">
                    <label htmlFor="amendment-note">{amending ? 'What changed (the amendment note)' : 'Note'}</label>
                    <input id="amendment-note" type="text" value={note} onChange={(e) => setNote(e.target.value)} aria-invalid={submitted && amending && note.trim() === ''} aria-describedby={submitted && amending && note.trim() === '' ? 'note-error' : undefined} />
                    {submitted && amending && note.trim() === '' && (
                      <span className="field-error" id="note-error">
                        Say what the amendment changes.
                      </span>
                    )}
                  </div>
                )}
                <div className="field">
                  <label htmlFor="effective-date">In effect from</label>
                  <DateInput id="effective-date" value={effective} onChange={setEffective} describedBy="effective-hint" />
                  <span className="hint" id="effective-hint">
                    New screenings use this version from this day
                  </span>
                </div>
              </div>
              {same && (
                <p className="notice notice-info">
                  A protocol with the id <code>{same.id}</code> is already stored (version {same.version}). Saving keeps it and adds this as version {nextVersion}; participants stay on their version until
                  moved.
                </p>
              )}
              <ActionError error={save.error} />
              {(identical || unchanged) && (
                <p className="notice notice-info" role="status">
                  This is identical to the stored version {nextVersion - 1}: there is nothing to save. Change something first.
                </p>
              )}
              <div className="form-actions">
                <button type="submit" className="button" disabled={save.busy || identical || unchanged}>
                  {identical || unchanged ? 'Nothing to save' : amending || same ? `Save version ${nextVersion}` : 'Save protocol'}
                </button>
                <Link className="button button-secondary" to={existingId ? `/protocols/${encodeURIComponent(existingId)}` : '/protocols'}>
                  Cancel
                </Link>
              </div>
            </Section>
          </form>
          <SchedulePane draft={draft} armIndex={previewArm} onArm={setPreviewArm} />
        </div>
      </Page>
    </EditorContext.Provider>
  );
}

function AgeField(props: { which: 'minimumAge' | 'maximumAge'; label: string }) {
  const { draft, set } = useEditor();
  const path = ['eligibility', props.which];
  const age = getIn(draft, path) as { value: number; unit: string } | null;
  return (
    <>
      <NumberField path={[...path, 'value']} label={props.label} hint="Empty if none" min={0} onValue={(v) => set(path, v === null ? null : { value: v, unit: age?.unit ?? 'years' })} />
      <SelectField
        path={[...path, 'unit']}
        label={`${props.label} unit`}
        options={['years', 'months', 'weeks', 'days'].map((u) => [u, u] as const)}
        onValue={(u) => set(path, { value: age?.value ?? 0, unit: u ?? 'years' })}
      />
    </>
  );
}

/** The live schedule: the chosen arm from a chosen Study Day 1, recomputed on every change. */
function SchedulePane(props: { draft: Draft; armIndex: number; onArm: (i: number) => void }) {
  const [start, setStart] = useState(todayIso());
  const [eventDates, setEventDates] = useState<Record<string, string>>({});
  const draftEvents = (((props.draft as { events?: { key?: string; label?: string }[] }).events ?? []) as { key?: string; label?: string }[]).filter((e): e is { key: string; label: string } => !!e.key && !!e.label);
  const arms = (props.draft.arms as { label?: string }[]) ?? [];
  const index = Math.min(props.armIndex, Math.max(0, arms.length - 1));
  const result = useMemo((): { schedule: Schedule | null; problems: string[] } => {
    const { protocol, problems } = previewProtocol(props.draft, index);
    if (!protocol) return { schedule: null, problems };
    try {
      const known = new Set((protocol.events ?? []).map((e) => e.key));
      const events = Object.fromEntries(Object.entries(eventDates).filter(([k, v]) => known.has(k) && v));
      return { schedule: computeSchedule({ protocol, armKey: protocol.arms[0]!.key, start, events }), problems: [] };
    } catch (e) {
      return { schedule: null, problems: [(e as Error).message] };
    }
  }, [props.draft, index, start, eventDates]);
  const firstDoseIs = getIn(props.draft, ['studyDay', 'firstDoseIs']) === 0 ? 0 : 1;
  return (
    <aside className="editor-preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Schedule preview</h2>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="preview-arm">Arm</label>
          <select id="preview-arm" value={index} onChange={(e) => props.onArm(Number(e.target.value))} disabled={arms.length === 0}>
            {arms.map((a, i) => (
              <option key={i} value={i}>
                {a.label || `Arm ${i + 1}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="preview-start">Study Day {firstDoseIs} (first dose)</label>
          <input id="preview-start" type="date" value={start} min="1900-01-01" max="2100-12-31" onChange={(e) => e.target.value && setStart(e.target.value)} />
        </div>
        {draftEvents.map((ev) => (
          <EventDate key={ev.key} label={`${ev.label} date`} value={eventDates[ev.key] ?? ''} onChange={(v) => setEventDates({ ...eventDates, [ev.key]: v })} />
        ))}
      </div>
      <div aria-live="polite">
        {result.schedule ? (
          <VisitScheduleTable schedule={result.schedule} label="Preview of the arm's visits" events={draftEvents} />
        ) : (
          <div className="notice">
            <strong>No schedule yet</strong>
            <ul>
              {result.problems.slice(0, 8).map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        {result.schedule && result.schedule.open.length > 0 && (
          <p className="muted">
            Not on the calendar: {result.schedule.open.map((o) => `${o.label} (${o.reason})`).join('; ')}.
          </p>
        )}
      </div>
    </aside>
  );
}
