// The editor's compound parts: timing (anchor and offset), windows, doses, and the lists of
// interventions, arms, dosing series, visits, criteria and outcomes.
import { humanize } from '../../../../core/format';
import {
  ARM_TYPES,
  INTERVAL_UNITS,
  INTERVENTION_TYPES,
  OFFSET_UNITS,
  OUTCOME_TYPES,
  ROUTES,
  VISIT_KINDS,
  WINDOW_UNITS,
} from '../../../../core/protocol';
import { emptyArm, emptyCriterion, emptyIntervention, emptyOutcome, emptySeries, emptyVisit, keyFrom } from '../../../../core/protocol-form';
import { EventTiming, useEventChoices } from './events';
import { CheckboxGroup, getIn, ItemGroup, ListField, NumberField, SelectField, TextField, useEditor, type Path } from './fields';

const opts = (values: readonly string[]) => values.map((v) => [v, humanize(v)] as const);
const units = (values: readonly string[]) => values.map((v) => [v, v] as const);

type Item = { key?: string; label?: string; name?: string; text?: string; measure?: string };

function useList(path: Path) {
  const { draft, set } = useEditor();
  const list = (getIn(draft, path) as Item[] | undefined) ?? [];
  return {
    list,
    add: (item: unknown) => set(path, [...list, item]),
    remove: (i: number) => set(path, list.filter((_, j) => j !== i)),
    move: (i: number, by: -1 | 1) => {
      const next = [...list];
      const [x] = next.splice(i, 1);
      next.splice(i + by, 0, x!);
      set(path, next);
    },
  };
}

/** Fills an empty key from the label when the label is left, so most people never type a key. */
function useAutoKey(path: Path, from: 'label' | 'name' | 'text', prefix = '') {
  const { draft, set } = useEditor();
  return () => {
    const item = getIn(draft, path) as Item | undefined;
    const source = item?.[from];
    if (item && !item.key && source) set([...path, 'key'], (prefix + keyFrom(source)).slice(0, 60).replace(/-+$/, ''));
  };
}

function ListHeader(props: { title: string; count: number }) {
  return (
    <h3 className="list-heading">
      {props.title} <span className="count">({props.count})</span>
    </h3>
  );
}

export function Interventions() {
  const path = ['interventions'];
  const { list, add, remove } = useList(path);
  return (
    <>
      {list.map((item, i) => (
        <InterventionItem key={i} index={i} name={item.name || `intervention ${i + 1}`} onRemove={() => remove(i)} />
      ))}
      <button type="button" className="button button-secondary" onClick={() => add(emptyIntervention())}>
        Add intervention
      </button>
    </>
  );
}

function InterventionItem(props: { index: number; name: string; onRemove: () => void }) {
  const path = ['interventions', props.index];
  const autoKey = useAutoKey(path, 'name');
  return (
    <ItemGroup legend={`Intervention ${props.index + 1}`} name={props.name} onRemove={props.onRemove}>
      <TextField path={[...path, 'name']} label="Name" onBlur={autoKey} />
      <TextField path={[...path, 'key']} label="Key" hint="Lower-case letters, digits, hyphens" />
      <SelectField path={[...path, 'type']} label="Type" options={opts(INTERVENTION_TYPES)} />
      <TextField path={[...path, 'description']} label="Description (optional)" optional wide />
    </ItemGroup>
  );
}

function useInterventionChoices(): (readonly [string, string])[] {
  const { draft } = useEditor();
  return ((draft.interventions as Item[] | undefined) ?? []).filter((i) => i.key).map((i) => [i.key!, i.name || i.key!] as const);
}

export function Arms(props: { onPreview: (armIndex: number) => void }) {
  const { list, add, remove, move } = useList(['arms']);
  return (
    <>
      {list.map((arm, i) => (
        <ArmItem
          key={i}
          index={i}
          name={arm.label || `arm ${i + 1}`}
          onRemove={() => remove(i)}
          onUp={i > 0 ? () => move(i, -1) : undefined}
          onDown={i < list.length - 1 ? () => move(i, 1) : undefined}
          onPreview={() => props.onPreview(i)}
        />
      ))}
      <button type="button" className="button button-secondary" onClick={() => add(emptyArm())}>
        Add arm
      </button>
    </>
  );
}

function ArmItem(props: { index: number; name: string; onRemove: () => void; onUp?: (() => void) | undefined; onDown?: (() => void) | undefined; onPreview: () => void }) {
  const path = ['arms', props.index];
  const autoKey = useAutoKey(path, 'label');
  const choices = useInterventionChoices();
  const series = useList([...path, 'dosing']);
  const visits = useList([...path, 'visits']);
  return (
    <ItemGroup legend={`Arm ${props.index + 1}`} name={props.name} onRemove={props.onRemove} onUp={props.onUp} onDown={props.onDown}>
      <TextField path={[...path, 'label']} label="Label" onBlur={autoKey} />
      <TextField path={[...path, 'key']} label="Key" hint="Used in exports and the CLI" />
      <SelectField path={[...path, 'type']} label="Type" options={opts(ARM_TYPES)} />
      <NumberField path={[...path, 'targetSize']} label="Target size" hint="Empty if not stated" min={1} />
      <TextField path={[...path, 'description']} label="Description" multiline />
      <CheckboxGroup path={[...path, 'interventions']} legend="Interventions in this arm" choices={choices} empty="Add interventions above first." />
      <div className="sublist">
        <ListHeader title="Dosing series" count={series.list.length} />
        {series.list.map((s, i) => (
          <SeriesItem key={i} armPath={path} index={i} name={s.label || `dosing series ${i + 1}`} onRemove={() => series.remove(i)} />
        ))}
        <button type="button" className="button button-secondary" onClick={() => series.add(emptySeries())}>
          Add dosing series
        </button>
      </div>
      <div className="sublist">
        <ListHeader title="Visits" count={visits.list.length} />
        {visits.list.map((v, i) => (
          <VisitItem
            key={i}
            armPath={path}
            index={i}
            name={v.label || `visit ${i + 1}`}
            onRemove={() => visits.remove(i)}
            onUp={i > 0 ? () => visits.move(i, -1) : undefined}
            onDown={i < visits.list.length - 1 ? () => visits.move(i, 1) : undefined}
          />
        ))}
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={() => visits.add(emptyVisit())}>
            Add visit
          </button>
          <button type="button" className="button button-secondary" onClick={props.onPreview}>
            Preview this arm
          </button>
        </div>
      </div>
    </ItemGroup>
  );
}

function SeriesItem(props: { armPath: Path; index: number; name: string; onRemove: () => void }) {
  const path = [...props.armPath, 'dosing', props.index];
  const { draft, set } = useEditor();
  const autoKey = useAutoKey(path, 'label');
  const choices = useInterventionChoices();
  const interval = getIn(draft, [...path, 'interval']) as { value: number; unit: string } | null;
  return (
    <ItemGroup legend={`Dosing series ${props.index + 1}`} name={props.name} onRemove={props.onRemove}>
      <TextField path={[...path, 'label']} label="Label" onBlur={autoKey} />
      <TextField path={[...path, 'key']} label="Key" hint="Doses are numbered: key-1, key-2, …" />
      <NumberField path={[...path, 'count']} label="Number of doses" hint="Empty if not stated" min={1} />
      <NumberField
        path={[...path, 'interval', 'value']}
        label="Every"
        hint="Time between doses; empty if not stated"
        min={1}
        onValue={(v) => set([...path, 'interval'], v === null ? null : { value: v, unit: interval?.unit ?? 'days' })}
      />
      <SelectField
        path={[...path, 'interval', 'unit']}
        label="Interval unit"
        options={units(INTERVAL_UNITS)}
        onValue={(u) => set([...path, 'interval'], { value: interval?.value ?? 1, unit: u ?? 'days' })}
      />
      <SelectField path={[...path, 'route']} label="Route" options={opts(ROUTES)} blank="Not stated" />
      <CheckboxGroup path={[...path, 'interventions']} legend="Interventions given" choices={choices} empty="Add interventions above first." />
      <DoseEditor path={[...path, 'dose']} />
      <WindowEditor path={[...path, 'window']} what="each dose after the first" />
      <ListField path={[...path, 'procedures']} label="Procedures at each dose" hint="Separated by commas" separator="comma" />
      {props.index > 0 && <StartEditor path={[...path, 'start']} armPath={props.armPath} />}
    </ItemGroup>
  );
}

function DoseEditor(props: { path: Path }) {
  const { draft, set } = useEditor();
  const dose = getIn(draft, props.path) as { kind: string } | null;
  const kinds = [
    ['fixed', 'A fixed amount'],
    ['perKg', 'An amount per kg'],
    ['matched', 'Matched placebo or control'],
    ['described', 'Described in words'],
  ] as const;
  const make = (kind: string | null) => {
    if (kind === null) return set(props.path, null);
    if (kind === 'fixed') return set(props.path, { kind, amount: null, unit: '', per: 'session' });
    if (kind === 'perKg') return set(props.path, { kind, amount: null, unit: '' });
    return set(props.path, { kind, description: '' });
  };
  return (
    <div className="subfields">
      <SelectField path={[...props.path, 'kind']} label="Dose" options={kinds} blank="Not stated" onValue={make} />
      {(dose?.kind === 'fixed' || dose?.kind === 'perKg') && (
        <>
          <NumberField path={[...props.path, 'amount']} label={dose.kind === 'perKg' ? 'Amount per kg' : 'Amount'} hint="e.g. 500000 for 0.5×10⁶" />
          <TextField path={[...props.path, 'unit']} label="Unit" hint='e.g. "cells", "mg"' />
        </>
      )}
      {dose?.kind === 'fixed' && <SelectField path={[...props.path, 'per']} label="Given" options={[['session', 'per session'], ['day', 'per day']]} />}
      {(dose?.kind === 'matched' || dose?.kind === 'described') && <TextField path={[...props.path, 'description']} label="Dose in words" wide />}
    </div>
  );
}

export function WindowEditor(props: { path: Path; what: string }) {
  const { draft, set } = useEditor();
  const window = getIn(draft, props.path);
  return (
    <div className="subfields">
      <SelectField
        path={[...props.path, '__stated']}
        label={`Window for ${props.what}`}
        options={[['stated', 'Stated']]}
        value={window ? 'stated' : ''}
        blank="No window stated"
        onValue={(v) => set(props.path, v ? { before: { value: 0, unit: 'days' }, after: { value: 0, unit: 'days' } } : null)}
      />
      {window !== null && window !== undefined && (
        <>
          <NumberField path={[...props.path, 'before', 'value']} label="Allowed before" min={0} />
          <SelectField path={[...props.path, 'before', 'unit']} label="Unit before" options={units(WINDOW_UNITS)} />
          <NumberField path={[...props.path, 'after', 'value']} label="Allowed after" min={0} />
          <SelectField path={[...props.path, 'after', 'unit']} label="Unit after" options={units(WINDOW_UNITS)} />
          <TextField path={[...props.path, 'text']} label="As the protocol words it (optional)" optional />
        </>
      )}
    </div>
  );
}

/** Anchor and offset: what a date is counted from, and how far after it. */
function TimingEditor(props: { anchorPath: Path; offsetPath: Path; armPath: Path; selfKey?: string | undefined; offsetUnits: readonly string[] }) {
  const { draft, set } = useEditor();
  const anchor = getIn(draft, props.anchorPath) as { type: string } | undefined;
  const arm = getIn(draft, props.armPath) as { dosing?: Item[]; visits?: Item[] } | undefined;
  const seriesChoices = (arm?.dosing ?? []).filter((s) => s.key).map((s) => [s.key!, s.label || s.key!] as const);
  const visitChoices = (arm?.visits ?? []).filter((v) => v.key && v.key !== props.selfKey).map((v) => [v.key!, v.label || v.key!] as const);
  const eventChoices = useEventChoices();
  const types = [
    ['firstDose', 'The first dose'],
    ['lastDose', 'The last dose'],
    ['studyDay', 'A study day'],
    ['visit', 'Another visit'],
    ['enrollment', 'Enrollment'],
    ['randomization', 'Randomization'],
    ...(eventChoices.length || anchor?.type === 'event' ? ([['event', 'An event']] as const) : []),
  ] as const;
  const make = (type: string | null) => {
    if (type === 'studyDay') return set(props.anchorPath, { type, day: 1 });
    if (type === 'event') return set(props.anchorPath, { type, event: eventChoices[0]?.[0] ?? '' });
    if (type === 'visit') return set(props.anchorPath, { type, visit: visitChoices[0]?.[0] ?? '' });
    return set(props.anchorPath, { type: type ?? 'firstDose' });
  };
  return (
    <div className="subfields">
      <SelectField path={[...props.anchorPath, 'type']} label="Counted from" options={types} onValue={make} />
      {(anchor?.type === 'firstDose' || anchor?.type === 'lastDose') && seriesChoices.length > 1 && (
        <SelectField path={[...props.anchorPath, 'series']} label="Of series" options={seriesChoices} blank="The first series" />
      )}
      {anchor?.type === 'visit' && <SelectField path={[...props.anchorPath, 'visit']} label="Visit" options={visitChoices} blank="Choose a visit" />}
      {anchor?.type === 'studyDay' && <NumberField path={[...props.anchorPath, 'day']} label="Study day" />}
      {anchor?.type === 'event' ? (
        <EventTiming anchorPath={props.anchorPath} offsetPath={props.offsetPath} choices={eventChoices} />
      ) : (
        <NumberField path={[...props.offsetPath, 'value']} label={anchor?.type === 'studyDay' ? 'Plus' : 'After'} min={0} />
      )}
      <SelectField path={[...props.offsetPath, 'unit']} label="Unit" options={units(props.offsetUnits)} />
    </div>
  );
}

function StartEditor(props: { path: Path; armPath: Path }) {
  const { draft, set } = useEditor();
  const start = getIn(draft, props.path);
  if (!start)
    return (
      <button type="button" className="button button-secondary" onClick={() => set(props.path, { anchor: { type: 'lastDose' }, offset: { value: 1, unit: 'weeks' } })}>
        Set when this series starts
      </button>
    );
  return <TimingEditor anchorPath={[...props.path, 'anchor']} offsetPath={[...props.path, 'offset']} armPath={props.armPath} offsetUnits={OFFSET_UNITS} />;
}

function VisitItem(props: { armPath: Path; index: number; name: string; onRemove: () => void; onUp?: (() => void) | undefined; onDown?: (() => void) | undefined }) {
  const path = [...props.armPath, 'visits', props.index];
  const { draft, set } = useEditor();
  const autoKey = useAutoKey(path, 'label');
  const visit = getIn(draft, path) as { key?: string; repeat?: unknown; offset?: { unit?: string } } | undefined;
  return (
    <ItemGroup legend={`Visit ${props.index + 1}`} name={props.name} onRemove={props.onRemove} onUp={props.onUp} onDown={props.onDown}>
      <TextField path={[...path, 'label']} label="Label" onBlur={autoKey} />
      <TextField path={[...path, 'key']} label="Key" />
      <SelectField path={[...path, 'kind']} label="Kind" options={opts(VISIT_KINDS)} />
      <TimingEditor anchorPath={[...path, 'anchor']} offsetPath={[...path, 'offset']} armPath={props.armPath} selfKey={visit?.key} offsetUnits={OFFSET_UNITS} />
      <WindowEditor path={[...path, 'window']} what="this visit" />
      <ListField path={[...path, 'procedures']} label="Procedures" hint="Separated by commas" separator="comma" />
      <div className="subfields">
        <SelectField
          path={[...path, '__repeat']}
          label="Repeats"
          options={[['yes', 'Repeats']]}
          value={visit?.repeat ? 'yes' : ''}
          blank="Once"
          onValue={(v) => {
            const unit = visit?.offset?.unit ?? 'weeks';
            set([...path, 'repeat'], v ? { every: { value: 1, unit }, until: { value: 1, unit } } : undefined);
          }}
        />
        {visit?.repeat !== undefined && (
          <>
            <NumberField path={[...path, 'repeat', 'every', 'value']} label={`Every (${visit.offset?.unit ?? ''})`} min={1} />
            <NumberField path={[...path, 'repeat', 'until', 'value']} label={`Until (${visit.offset?.unit ?? ''} after the anchor)`} min={1} />
          </>
        )}
      </div>
    </ItemGroup>
  );
}

export function Criteria(props: { which: 'inclusion' | 'exclusion' }) {
  const path = ['eligibility', props.which];
  const { list, add, remove } = useList(path);
  const title = props.which === 'inclusion' ? 'Inclusion criterion' : 'Exclusion criterion';
  return (
    <>
      {list.map((c, i) => (
        <CriterionItem key={i} path={[...path, i]} legend={`${title} ${i + 1}`} name={c.text ? `${title.toLowerCase()} ${i + 1}` : `${title.toLowerCase()} ${i + 1}`} prefix={props.which === 'inclusion' ? 'inc-' : 'exc-'} onRemove={() => remove(i)} />
      ))}
      <button type="button" className="button button-secondary" onClick={() => add(emptyCriterion())}>
        Add {props.which} criterion
      </button>
    </>
  );
}

function CriterionItem(props: { path: Path; legend: string; name: string; prefix: string; onRemove: () => void }) {
  const autoKey = useAutoKey(props.path, 'text', props.prefix);
  return (
    <ItemGroup legend={props.legend} name={props.name} onRemove={props.onRemove}>
      <TextField path={[...props.path, 'text']} label="Criterion" wide onBlur={autoKey} />
      <TextField path={[...props.path, 'key']} label="Key" />
      <TextField path={[...props.path, 'group']} label="Listed under (optional)" optional />
    </ItemGroup>
  );
}

export function Outcomes() {
  const { list, add, remove } = useList(['outcomes']);
  return (
    <>
      {list.map((o, i) => (
        <ItemGroup key={i} legend={`Outcome ${i + 1}`} name={o.measure || `outcome ${i + 1}`} onRemove={() => remove(i)}>
          <SelectField path={['outcomes', i, 'type']} label="Type" options={opts(OUTCOME_TYPES)} blank="Not stated" />
          <TextField path={['outcomes', i, 'measure']} label="Measure" wide />
          <TextField path={['outcomes', i, 'timeFrame']} label="Time frame" hint='e.g. "Weeks 12, 24 and 48"' nullable />
        </ItemGroup>
      ))}
      <button type="button" className="button button-secondary" onClick={() => add(emptyOutcome())}>
        Add outcome
      </button>
    </>
  );
}
