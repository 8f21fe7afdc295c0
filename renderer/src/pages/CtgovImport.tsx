// Import a study record in the ClinicalTrials.gov API v2 format from a file (the app stays
// offline). What the registry states as fields is taken as it is; the follow-up visits read
// from the outcomes' time frames are proposals, each shown beside its text, to accept or change
// before the draft opens in the editor.
import { useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { withVisits, type CtgovDraft, type ProposedVisit } from '../../../core/ctgov';
import { formatTiming, humanize } from '../../../core/format';
import { OFFSET_UNITS, type Offset } from '../../../core/protocol';
import { ApiError, invoke } from '../api';
import { Badge, Page, Section } from '../components/ui';
import { ActionError, useAction } from '../components/forms';
import type { EditorLocationState } from './ProtocolEditor';

interface Choice {
  readonly accepted: boolean;
  readonly visit: ProposedVisit;
}

export function CtgovImport() {
  const navigate = useNavigate();
  const load = useAction();
  const [file, setFile] = useState<string | null>(null);
  const [draft, setDraft] = useState<CtgovDraft | null>(null);
  const [choices, setChoices] = useState<Choice[][]>([]);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const inputId = useId();

  const read = async (f: File | undefined) => {
    setDraft(null);
    setProblem(null);
    if (!f) return;
    let record: unknown;
    try {
      record = JSON.parse(await f.text());
    } catch (e) {
      setProblem(new ApiError({ code: 'invalid_input', message: `${f.name} is not valid JSON: ${(e as Error).message}` }));
      return;
    }
    // A protocol file in the app's own format opens in the editor as it is.
    if (typeof record === 'object' && record !== null && !('protocolSection' in record) && 'arms' in record) {
      navigate('/protocols/new', { state: { draft: record as Record<string, unknown>, source: f.name } satisfies EditorLocationState });
      return;
    }
    const d = await load.run(() => invoke('draftFromCtgov', { record, fileName: f.name }));
    if (d) {
      setFile(f.name);
      setDraft(d);
      setChoices(d.proposals.map((p) => p.visits.map((visit) => ({ accepted: true, visit }))));
    }
  };

  const update = (pi: number, vi: number, change: Partial<Choice> | ((v: ProposedVisit) => ProposedVisit)) =>
    setChoices((all) => all.map((list, i) => (i !== pi ? list : list.map((c, j) => (j !== vi ? c : typeof change === 'function' ? { ...c, visit: change(c.visit) } : { ...c, ...change })))));

  const accepted = choices.flat().filter((c) => c.accepted).map((c) => c.visit);
  const build = useAction();
  const openInEditor = async () => {
    if (!draft || !file) return;
    const protocol = await build.run(async () => {
      try {
        return withVisits(draft.protocol, accepted);
      } catch (e) {
        throw new ApiError({ code: 'invalid_input', message: (e as Error).message, details: (e as { details?: string[] }).details ?? [] });
      }
    });
    if (protocol) navigate('/protocols/new', { state: { draft: protocol as unknown as Record<string, unknown>, source: file } satisfies EditorLocationState });
  };

  return (
    <Page title="Import a protocol" eyebrow={<Link to="/protocols">← All protocols</Link>}>
      <p className="lead">
        Choose a protocol file exported from Trial Coordinator, or a study record saved from ClinicalTrials.gov in its JSON format (API version 2). Nothing is saved until you review the draft in the
        editor and save it; a protocol that already exists is saved as its next version.
      </p>
      <div className="field">
        <label htmlFor={inputId}>Protocol or study record (.json)</label>
        <input id={inputId} type="file" accept=".json,application/json" onChange={(e) => void read(e.target.files?.[0])} />
      </div>
      {problem && <ActionError error={problem} title="The file could not be read" />}
      <ActionError error={load.error} title="The record could not be imported" />
      {draft && (
        <>
          <Section id="record" title={draft.protocol.title}>
            <div className="badges">
              <Badge tone="accent">{draft.protocol.identifiers.nctId}</Badge>
              {draft.protocol.phases.map((p) => (
                <Badge key={p}>{humanize(p)}</Badge>
              ))}
              {draft.protocol.design.masking && <Badge>{humanize(draft.protocol.design.masking)} masking</Badge>}
            </div>
            <p>
              Protocol id <code>{draft.protocol.id}</code>; {draft.protocol.arms.length} arms; {draft.protocol.eligibility.inclusion.length} inclusion and{' '}
              {draft.protocol.eligibility.exclusion.length} exclusion criteria; {draft.protocol.outcomes.length} outcomes.
            </p>
            {draft.warnings.length > 0 && (
              <ul>
                {draft.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            )}
          </Section>
          <Section id="dosing" title="Dosing read from the arm descriptions">
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Arm and its description</th>
                  <th scope="col">Proposed dosing</th>
                </tr>
              </thead>
              <tbody>
                {draft.dosing.map((d) => {
                  const arm = draft.protocol.arms.find((a) => a.key === d.armKey)!;
                  const s = d.series;
                  return (
                    <tr key={d.armKey}>
                      <th scope="row">
                        {arm.label}
                        <blockquote className="source-text">{d.text}</blockquote>
                      </th>
                      <td>
                        {s ? (
                          <>
                            {s.count === null ? `${s.label}: number of doses not stated` : s.count === 1 ? `${s.label}, once` : `${s.count} × ${s.label.toLowerCase()}`}
                            {s.interval ? `, every ${s.interval.value} ${s.interval.unit}` : ''}
                            {s.route ? `, ${humanize(s.route).toLowerCase()}` : ''}
                          </>
                        ) : (
                          <span className="muted">No dosing (no interventions)</span>
                        )}
                        {d.note && <div className="sub">{d.note} Change it in the editor.</div>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Section>
          <Section id="proposals" title="Visits proposed from the outcomes’ time frames" count={accepted.length}>
            {draft.proposals.length === 0 && <p className="muted">The record gives no time frames; add visits in the editor.</p>}
            {draft.proposals.map((p, pi) => (
              <div key={p.text} className="proposal">
                <blockquote className="source-text">
                  “{p.text}”
                  <footer>
                    {p.outcomes.length} outcome{p.outcomes.length === 1 ? '' : 's'}: {p.outcomes.slice(0, 3).join('; ')}
                    {p.outcomes.length > 3 ? '; …' : ''}
                  </footer>
                </blockquote>
                {p.note && <p className="muted">{p.note}</p>}
                {choices[pi]!.map((c, vi) => (
                  <ProposalRow key={c.visit.key} choice={c} onChange={(change) => update(pi, vi, change)} />
                ))}
              </div>
            ))}
          </Section>
          <ActionError error={build.error} title="The draft could not be built" />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => void openInEditor()}>
              Continue in the editor with {accepted.length} visit{accepted.length === 1 ? '' : 's'}
            </button>
          </div>
        </>
      )}
    </Page>
  );
}

function ProposalRow(props: { choice: Choice; onChange: (change: Partial<Choice> | ((v: ProposedVisit) => ProposedVisit)) => void }) {
  const { visit, accepted } = props.choice;
  const id = useId();
  return (
    <fieldset className="proposal-row">
      <legend className="visually-hidden">Proposed visit {visit.label}</legend>
      <label className="check">
        <input type="checkbox" checked={accepted} onChange={(e) => props.onChange({ accepted: e.target.checked })} />
        Accept <strong>{visit.label}</strong>
      </label>
      <div className="field">
        <label htmlFor={`${id}-label`}>Label</label>
        <input id={`${id}-label`} type="text" value={visit.label} onChange={(e) => props.onChange((v) => ({ ...v, label: e.target.value }))} disabled={!accepted} />
      </div>
      {visit.anchor.type === 'studyDay' ? (
        <div className="field">
          <label htmlFor={`${id}-day`}>Study day</label>
          <input
            id={`${id}-day`}
            type="number"
            className="input-number"
            value={visit.anchor.day}
            onChange={(e) => props.onChange((v) => ({ ...v, anchor: { type: 'studyDay', day: Number(e.target.value) || 1 } }))}
            disabled={!accepted}
          />
        </div>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-value`}>After</label>
            <input
              id={`${id}-value`}
              type="number"
              min={0}
              className="input-number"
              value={visit.offset.value}
              onChange={(e) => props.onChange((v) => ({ ...v, offset: { ...v.offset, value: Math.max(0, Math.trunc(Number(e.target.value) || 0)) } }))}
              disabled={!accepted}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-unit`}>Unit</label>
            <select id={`${id}-unit`} value={visit.offset.unit} onChange={(e) => props.onChange((v) => ({ ...v, offset: { ...v.offset, unit: e.target.value as Offset['unit'] } }))} disabled={!accepted}>
              {OFFSET_UNITS.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </select>
          </div>
        </>
      )}
      <span className="sub">{formatTiming(visit.anchor, visit.offset)}</span>
    </fieldset>
  );
}
