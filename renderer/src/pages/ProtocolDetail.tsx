import { Link, useParams } from 'react-router';
import type { ProtocolDetail as Detail } from '../../../core/api';
import { formatAge, formatDose, formatSeries, formatTiming, formatWindow, humanize } from '../../../core/format';
import { allocationRatio, type Arm, type Criterion, type Protocol } from '../../../core/protocol';
import { formatInstant } from '../dates';
import { Badge, Facts, NotStated, Page, Section, Value } from '../components/ui';
import { WithProtocol } from '../components/WithProtocol';
import { ProtocolVersions } from './ProtocolVersions';
import { useState } from 'react';

/** The protocol document as a .json download, in the format `protocol import` reads. */
function downloadJson(p: Protocol) {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(p, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${p.id}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ProtocolDetail() {
  const { id = '' } = useParams();
  const [reload, setReload] = useState(0);
  return (
    <WithProtocol id={id} title="Protocol" errorPageTitle="Protocol not available" errorTitle={`Protocol “${id}” could not be shown`} refresh={reload}>
      {(detail) => <ProtocolView detail={detail} onChanged={() => setReload((n) => n + 1)} />}
    </WithProtocol>
  );
}

function ProtocolView({ detail, onChanged }: { detail: Detail; onChanged: () => void }) {
  const p = detail.protocol;
  const ratio = allocationRatio(p.arms);
  return (
    <Page
      title={p.title}
      eyebrow={
        <>
          <Link to="/protocols">← All protocols</Link>
          <span className="sep" aria-hidden="true">
            /
          </span>
          <span>{p.id}</span>
        </>
      }
      actions={
        <div className="page-actions">
          <Link className="button button-secondary" to={`/protocols/${encodeURIComponent(p.id)}/schedule`}>
            Schedule preview
          </Link>
          <button type="button" className="button button-secondary" onClick={() => downloadJson(p)}>
            Export JSON
          </button>
          <Link className="button" to={`/protocols/${encodeURIComponent(p.id)}/edit`}>
            Amend protocol
          </Link>
        </div>
      }
    >
      <div className="badges">
        {p.identifiers.nctId && <Badge tone="accent">{p.identifiers.nctId}</Badge>}
        {p.phases.map((ph) => (
          <Badge key={ph}>{humanize(ph)}</Badge>
        ))}
        {p.status && <Badge tone={p.status === 'RECRUITING' ? 'success' : 'neutral'}>{humanize(p.status)}</Badge>}
        {p.design.masking && p.design.masking !== 'NONE' && <Badge tone="warning">{humanize(p.design.masking)} blind</Badge>}
        {!p.titleStated && <Badge>Title composed from the document</Badge>}
      </div>
      <p className="lead">{p.summary}</p>

      <Section id="design" title="Design">
        <Facts
          items={[
            ['Sponsor', <Value>{p.sponsor}</Value>],
            ['Conditions', p.conditions.join('; ')],
            ['Other identifiers', <Value>{p.identifiers.other.join(', ')}</Value>],
            ['Primary purpose', <Value>{p.design.primaryPurpose && humanize(p.design.primaryPurpose)}</Value>],
            ['Allocation', <Value>{p.design.allocation && humanize(p.design.allocation)}</Value>],
            ['Model', <Value>{p.design.interventionModel && humanize(p.design.interventionModel)}</Value>],
            ['Masking', <Value>{p.design.masking && (p.design.masking === 'NONE' ? 'None (open label)' : `${humanize(p.design.masking)} blind`)}</Value>],
            [
              'Enrollment target',
              <Value>{p.enrollment.target !== null && `${p.enrollment.target}${p.enrollment.type ? ` (${p.enrollment.type.toLowerCase()})` : ''}`}</Value>,
            ],
            ['Allocation ratio', p.arms.length < 2 ? 'Single arm' : <Value>{ratio?.join(':')}</Value>],
            ['Study days', p.studyDay.firstDoseIs === 1 ? 'Day 1 is the day of the first dose (no Day 0)' : 'Day 0 is the day of the first dose'],
            ['Source document', <code>{p.sourceDocument}</code>],
            ['Stored', `Version ${detail.summary.version}, ${formatInstant(detail.importedAt)}`],
          ]}
        />
      </Section>

      <ProtocolVersions detail={detail} onChanged={onChanged} />

      {(p.events ?? []).length > 0 && (
        <Section id="events" title="Events" count={p.events!.length}>
          <p className="muted">Dates recorded for each participant when they happen; the visits timed from them wait until then.</p>
          <ul className="plain-list gaps">
            {p.events!.map((e) => (
              <li key={e.key}>
                <strong>{e.label}</strong>
                {e.description ? `: ${e.description}` : ''}
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section id="arms" title="Arms and schedule" count={p.arms.length}>
        <div className="arms">
          {p.arms.map((arm) => (
            <ArmCard key={arm.key} arm={arm} protocol={p} />
          ))}
        </div>
      </Section>

      <Section id="eligibility" title="Eligibility">
        <Facts
          items={[
            ['Age', ageRange(p)],
            ['Sex', <Value>{p.eligibility.sex && humanize(p.eligibility.sex)}</Value>],
            ['Healthy volunteers', <Value>{p.eligibility.healthyVolunteers === null ? null : p.eligibility.healthyVolunteers ? 'Accepted' : 'No'}</Value>],
          ]}
        />
        <div className="two-col">
          <CriteriaList id="inclusion" title="Inclusion criteria" items={p.eligibility.inclusion} />
          <CriteriaList id="exclusion" title="Exclusion criteria" items={p.eligibility.exclusion} />
        </div>
      </Section>

      <Section id="outcomes" title="Outcomes" count={p.outcomes.length}>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Measure</th>
                <th scope="col">Type</th>
                <th scope="col">Time frame</th>
              </tr>
            </thead>
            <tbody>
              {p.outcomes.map((o) => (
                <tr key={o.measure}>
                  <th scope="row">{o.measure}</th>
                  <td>
                    <Value>{o.type && humanize(o.type)}</Value>
                  </td>
                  <td>
                    <Value>{o.timeFrame}</Value>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>

      {p.notStated.length > 0 && (
        <Section id="not-stated" title="Not stated in the source document" count={p.notStated.length}>
          <ul className="plain-list gaps">
            {p.notStated.map((n) => (
              <li key={n.field}>
                {n.note} <code className="field">{n.field}</code>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </Page>
  );
}

function ageRange(p: Protocol) {
  const min = formatAge(p.eligibility.minimumAge);
  const max = formatAge(p.eligibility.maximumAge);
  if (!min && !max) return <NotStated />;
  return `${min ?? 'no minimum'} to ${max ?? 'no maximum'}`;
}

function ArmCard({ arm, protocol }: { arm: Arm; protocol: Protocol }) {
  const interventions = arm.interventions.map((k) => protocol.interventions.find((i) => i.key === k)).filter((i) => i !== undefined);
  const headingId = `arm-${arm.key}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <header className="card-header">
        <h3 id={headingId}>{arm.label}</h3>
        <div className="card-actions">
          <Badge tone={arm.type === 'EXPERIMENTAL' ? 'accent' : 'neutral'}>{humanize(arm.type)}</Badge>
          <Link className="button" to={`/protocols/${encodeURIComponent(protocol.id)}/schedule?arm=${encodeURIComponent(arm.key)}`}>
            Preview schedule<span className="visually-hidden"> for {arm.label}</span>
          </Link>
        </div>
      </header>
      <p>{arm.description}</p>
      <Facts
        items={[
          ['Target size', <Value>{arm.targetSize}</Value>],
          ['Interventions', interventions.map((i) => `${i.name} (${humanize(i.type)})`).join('; ')],
        ]}
      />
      <h4>Dosing</h4>
      {arm.dosing.length === 0 ? (
        <p className="muted">No dosing series.</p>
      ) : (
        <ul className="plain-list">
          {arm.dosing.map((s) => (
            <li key={s.key} className="series">
              <strong>{s.label}</strong>: {formatSeries(s)}. {formatDose(s.dose)}.{s.start && ` Starts: ${formatTiming(s.start.anchor, s.start.offset, protocol.events ?? []).toLowerCase()}.`}
              <span className="muted"> Window: {formatWindow(s.window)}.</span>
            </li>
          ))}
        </ul>
      )}
      <h4>Visits as defined</h4>
      {arm.visits.length === 0 ? (
        <p className="not-stated">No follow-up visits are stated for this arm.</p>
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Visit</th>
                <th scope="col">When</th>
                <th scope="col">Window</th>
                <th scope="col">Procedures</th>
              </tr>
            </thead>
            <tbody>
              {arm.visits.map((v) => (
                <tr key={v.key}>
                  <th scope="row">
                    {v.label}
                    <div className="sub">{humanize(v.kind)}</div>
                  </th>
                  <td>{formatTiming(v.anchor, v.offset, protocol.events ?? [])}</td>
                  <td>{v.window ? formatWindow(v.window) : <NotStated what="Window" />}</td>
                  <td>{v.procedures.join(', ') || <NotStated />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

function CriteriaList({ id, title, items }: { id: string; title: string; items: Criterion[] }) {
  return (
    <div>
      <h3 id={`${id}-heading`}>
        {title} <span className="count">({items.length})</span>
      </h3>
      {items.length === 0 ? (
        <p className="not-stated">None stated in the source document.</p>
      ) : (
        <ol className="criteria" aria-labelledby={`${id}-heading`}>
          {items.map((c) => (
            <li key={c.key}>
              {c.group && <span className="group">{c.group}: </span>}
              {c.text}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
