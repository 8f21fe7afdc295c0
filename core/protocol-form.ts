// What the protocol editor needs besides the format itself: empty items to add, validation
// messages in plain words keyed by field path, and a preview-only protocol for one arm (so the
// live schedule shows while identity fields are still empty).
import type { z } from 'zod';
import { ProtocolSchema, type Arm, type Criterion, type DosingSeries, type Protocol, type Visit } from './protocol.js';

/** A protocol being edited: the format's shape, with any value possibly missing or wrong. */
export type Draft = Record<string, unknown>;

export function emptyProtocol(): Draft {
  return {
    id: '',
    sourceDocument: 'Entered in Trial Coordinator',
    title: '',
    titleStated: true,
    identifiers: { nctId: null, other: [] },
    sponsor: null,
    phases: [],
    status: null,
    conditions: [],
    summary: '',
    design: { studyType: 'INTERVENTIONAL', primaryPurpose: 'TREATMENT', allocation: null, interventionModel: null, masking: null },
    enrollment: { target: null, type: null },
    studyDay: { firstDoseIs: 1 },
    interventions: [],
    arms: [],
    eligibility: { sex: 'ALL', minimumAge: null, maximumAge: null, healthyVolunteers: false, inclusion: [], exclusion: [] },
    outcomes: [],
    notStated: [],
  };
}

export const emptyIntervention = () => ({ key: '', type: 'BIOLOGICAL', name: '' });
export const emptyArm = (): Partial<Arm> => ({ key: '', label: '', type: 'EXPERIMENTAL', description: '', targetSize: null, interventions: [], dosing: [], visits: [] });
export const emptySeries = (): Partial<DosingSeries> => ({ key: '', label: '', interventions: [], count: 1, interval: null, dose: null, route: 'INTRAVENOUS', window: null, procedures: [] });
export const emptyVisit = (): Partial<Visit> => ({ key: '', label: '', kind: 'follow-up', anchor: { type: 'firstDose' }, offset: { value: 1, unit: 'weeks' }, window: null, procedures: [] });
export const emptyCriterion = (): Partial<Criterion> => ({ key: '', text: '' });
export const emptyOutcome = () => ({ type: 'PRIMARY', measure: '', timeFrame: null });

/** A key from a label: "Week 12" → "week-12" (empty when the label has no letters or digits). */
export function keyFrom(label: string, max = 60): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/** One message in plain words for a zod issue. */
export function plainMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'number') return 'Enter a number.';
      if (issue.expected === 'string') return 'Required.';
      if (issue.expected === 'array') return 'Required.';
      return 'Required.';
    case 'too_small':
      if (issue.origin === 'array') return issue.minimum === 1 ? 'Add at least one.' : `Add at least ${String(issue.minimum)}.`;
      if (issue.origin === 'string') return 'Required.';
      return issue.inclusive ? `Must be ${String(issue.minimum)} or more.` : `Must be more than ${String(issue.minimum)}.`;
    case 'too_big':
      if (issue.origin === 'string') return `At most ${String(issue.maximum)} characters.`;
      return `Must be ${String(issue.maximum)} or less.`;
    case 'invalid_value':
    case 'invalid_union':
      return 'Choose one of the options.';
    default: {
      const m = issue.message.replace(/^Invalid input: /, '');
      if (/expected int/.test(m)) return 'Enter a whole number.';
      return m.charAt(0).toUpperCase() + m.slice(1) + (m.endsWith('.') ? '' : '.');
    }
  }
}

/** Validation of a draft: the protocol when it is valid, else messages by field path ("arms.0.visits.2.offset.value"). */
export function checkDraft(draft: Draft): { protocol: Protocol | null; issues: Map<string, string> } {
  const r = ProtocolSchema.safeParse(draft);
  if (r.success) return { protocol: r.data, issues: new Map() };
  const issues = new Map<string, string>();
  for (const i of r.error.issues) {
    const path = i.path.join('.');
    if (!issues.has(path)) issues.set(path, plainMessage(i));
  }
  return { protocol: null, issues };
}

/**
 * A protocol with only one arm and placeholders for what the schedule does not use, so the
 * preview works before the title or eligibility are filled in. Null with the arm's problems when
 * the arm itself is not complete.
 */
export function previewProtocol(draft: Draft, armIndex: number): { protocol: Protocol | null; problems: string[] } {
  const arms = Array.isArray(draft.arms) ? (draft.arms as unknown[]) : [];
  const arm = arms[armIndex];
  if (!arm) return { protocol: null, problems: ['Add an arm to see its schedule.'] };
  const candidate = {
    ...emptyProtocol(),
    id: 'preview',
    title: 'Preview',
    summary: 'Preview',
    conditions: ['Preview'],
    studyDay: draft.studyDay,
    interventions: draft.interventions,
    ...(Array.isArray(draft.events) && draft.events.length ? { events: draft.events } : {}),
    arms: [arm],
  };
  const r = ProtocolSchema.safeParse(candidate);
  if (r.success) return { protocol: r.data, problems: [] };
  const problems = r.error.issues
    .filter((i) => i.path[0] === 'arms' || i.path[0] === 'interventions' || i.path[0] === 'events' || i.path[0] === 'studyDay')
    .map((i) => `${describePath(i.path, draft, armIndex)}: ${plainMessage(i).replace(/\.$/, '').toLowerCase()}`);
  return { protocol: null, problems: problems.length ? [...new Set(problems)] : ['The arm is not complete yet.'] };
}

const NAMES: Record<string, string> = { events: 'Event', dosing: 'Dosing series', visits: 'Visit', interventions: 'Intervention', inclusion: 'Inclusion criterion', exclusion: 'Exclusion criterion', outcomes: 'Outcome' };

/** "arms.0.visits.2.offset.value" → "Visit 3 (Week 24), offset value". */
export function describePath(path: readonly PropertyKey[], draft: Draft, armOverride?: number): string {
  const parts: string[] = [];
  let node: unknown = draft;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const next = path[i + 1];
    if (typeof seg === 'string' && typeof next === 'number' && seg in NAMES) {
      node = (node as Record<string, unknown[]> | undefined)?.[seg]?.[next];
      const label = (node as { label?: string; name?: string; text?: string; measure?: string } | undefined) ?? {};
      const name = label.label || label.name || label.text || label.measure;
      parts.push(`${NAMES[seg]} ${next + 1}${name ? ` (${name})` : ''}`);
      i++;
    } else if (seg === 'arms' && typeof next === 'number') {
      const real = armOverride ?? next;
      node = (draft.arms as unknown[] | undefined)?.[real];
      const label = (node as { label?: string } | undefined)?.label;
      parts.push(`Arm ${real + 1}${label ? ` (${label})` : ''}`);
      i++;
    } else {
      node = (node as Record<string, unknown> | undefined)?.[String(seg)];
      parts.push(String(seg).replace(/([A-Z])/g, ' $1').toLowerCase());
    }
  }
  return parts.join(', ') || 'Protocol';
}
