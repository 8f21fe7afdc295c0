// The protocol's events (surgery, transplant, discharge) whose dates are recorded per participant
// when they happen, and the timing of a visit or series counted from one: so many days, weeks or
// months before or after it.
import { keyFrom } from '../../../../core/protocol-form';
import { getIn, ItemGroup, NumberField, SelectField, TextField, useEditor, type Path } from './fields';

type EventItem = { key?: string; label?: string; description?: string };

export function Events() {
  const { draft, set } = useEditor();
  const list = ((draft as { events?: EventItem[] }).events ?? []) as EventItem[];
  const add = () => set(['events'], [...list, { key: '', label: '' }]);
  const remove = (i: number) => {
    const next = list.filter((_, j) => j !== i);
    // No events left: the protocol has none (the field is optional).
    set(['events'], next.length ? next : undefined);
  };
  return (
    <>
      <p className="muted">
        Something that happens to a participant on a date known only later (surgery, a transplant, discharge). Visits and dosing series can be timed before or after it; they wait until its date
        is recorded on the participant’s page.
      </p>
      {list.map((e, i) => (
        <EventItemEditor key={i} index={i} name={e.label || `event ${i + 1}`} onRemove={() => remove(i)} />
      ))}
      <button type="button" className="button button-secondary" onClick={add}>
        Add event
      </button>
    </>
  );
}

function EventItemEditor(props: { index: number; name: string; onRemove: () => void }) {
  const path = ['events', props.index];
  const { draft, set } = useEditor();
  const autoKey = () => {
    const item = getIn(draft, path) as EventItem | undefined;
    if (item && !item.key && item.label) set([...path, 'key'], keyFrom(item.label).slice(0, 60).replace(/-+$/, ''));
  };
  return (
    <ItemGroup legend={`Event ${props.index + 1}`} name={props.name} onRemove={props.onRemove}>
      <TextField path={[...path, 'label']} label="Name" hint="As the site says it: Surgery, Liver transplant" onBlur={autoKey} />
      <TextField path={[...path, 'key']} label="Key" hint="Lower-case letters, digits, hyphens" />
      <TextField path={[...path, 'description']} label="Description (optional)" optional wide />
    </ItemGroup>
  );
}

/** The event choices for an anchor: the protocol's events with a key. */
export function useEventChoices(): (readonly [string, string])[] {
  const { draft } = useEditor();
  return (((draft as { events?: EventItem[] }).events ?? []) as EventItem[]).filter((e) => e.key).map((e) => [e.key!, e.label || e.key!] as const);
}

/** Which event, and how long before or after it (a negative offset is "before"). */
export function EventTiming(props: { anchorPath: Path; offsetPath: Path; choices: readonly (readonly [string, string])[] }) {
  const { draft, set } = useEditor();
  const value = getIn(draft, [...props.offsetPath, 'value']);
  const n = typeof value === 'number' && Number.isFinite(value) ? value : null;
  const before = n !== null && n < 0;
  return (
    <>
      <SelectField path={[...props.anchorPath, 'event']} label="Event" options={props.choices} blank="Choose an event" />
      <NumberField
        path={[...props.offsetPath, 'value']}
        label={before ? 'Before' : 'After'}
        min={0}
        value={n === null ? null : Math.abs(n)}
        onValue={(v) => set([...props.offsetPath, 'value'], v === null ? null : before ? -Math.abs(v) : Math.abs(v))}
      />
      <SelectField
        path={[...props.offsetPath, 'value']}
        label="Before or after"
        options={[
          ['after', 'after the event'],
          ['before', 'before the event'],
        ]}
        value={before ? 'before' : 'after'}
        onValue={(v) => set([...props.offsetPath, 'value'], n === null ? null : v === 'before' ? -Math.abs(n) : Math.abs(n))}
      />
    </>
  );
}
