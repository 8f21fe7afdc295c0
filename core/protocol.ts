// The protocol format: one definition, used to validate seeds, imports and API input, and to
// generate the committed JSON Schema (seeds/protocol.schema.json).
//
// Enumerations follow the ClinicalTrials.gov API v2 record (phase, allocation, masking, arm-group
// and intervention types) so that registry imports map one to one.
//
// Where a source document is silent, the field is `null` and `notStated` carries one entry for
// it saying what is missing. A seed never invents a value to fill a gap.
import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');
const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens, starting with a letter or digit')
  .max(60);

export const PHASES = ['EARLY_PHASE1', 'PHASE1', 'PHASE2', 'PHASE3', 'PHASE4', 'NA'] as const;
export const ALLOCATIONS = ['RANDOMIZED', 'NON_RANDOMIZED', 'NA'] as const;
export const INTERVENTION_MODELS = ['SINGLE_GROUP', 'PARALLEL', 'CROSSOVER', 'FACTORIAL', 'SEQUENTIAL'] as const;
export const MASKINGS = ['NONE', 'SINGLE', 'DOUBLE', 'TRIPLE', 'QUADRUPLE'] as const;
export const PRIMARY_PURPOSES = [
  'TREATMENT',
  'PREVENTION',
  'DIAGNOSTIC',
  'ECT',
  'SUPPORTIVE_CARE',
  'SCREENING',
  'HEALTH_SERVICES_RESEARCH',
  'BASIC_SCIENCE',
  'DEVICE_FEASIBILITY',
  'OTHER',
] as const;
export const STATUSES = [
  'NOT_YET_RECRUITING',
  'RECRUITING',
  'ENROLLING_BY_INVITATION',
  'ACTIVE_NOT_RECRUITING',
  'SUSPENDED',
  'TERMINATED',
  'COMPLETED',
  'WITHDRAWN',
  'UNKNOWN',
] as const;
export const ARM_TYPES = [
  'EXPERIMENTAL',
  'ACTIVE_COMPARATOR',
  'PLACEBO_COMPARATOR',
  'SHAM_COMPARATOR',
  'NO_INTERVENTION',
  'OTHER',
] as const;
export const INTERVENTION_TYPES = [
  'BIOLOGICAL',
  'DRUG',
  'DEVICE',
  'PROCEDURE',
  'RADIATION',
  'BEHAVIORAL',
  'GENETIC',
  'DIETARY_SUPPLEMENT',
  'COMBINATION_PRODUCT',
  'DIAGNOSTIC_TEST',
  'OTHER',
] as const;
export const ROUTES = ['INTRAVENOUS', 'INHALATION', 'SUBCUTANEOUS', 'INTRAMUSCULAR', 'ORAL', 'INTRAHEPATIC', 'OTHER'] as const;
export const VISIT_KINDS = ['screening', 'baseline', 'dose', 'assessment', 'follow-up', 'end-of-study'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];
export const OFFSET_UNITS = ['hours', 'days', 'weeks', 'months', 'years'] as const;
export const WINDOW_UNITS = ['hours', 'days'] as const;
export const INTERVAL_UNITS = ['days', 'weeks', 'months'] as const;
export const OUTCOME_TYPES = ['PRIMARY', 'SECONDARY', 'OTHER'] as const;

export const AgeSchema = z.object({
  value: z.number().int().min(0).max(150),
  unit: z.enum(['years', 'months', 'weeks', 'days']),
});

export const DoseSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('fixed'),
      amount: z.number().positive(),
      unit: text.meta({ description: 'What is counted, e.g. "cells", "mg"' }),
      per: z.enum(['session', 'day']).meta({ description: 'The amount is given once per session or per day' }),
    }),
    z.object({
      kind: z.literal('perKg'),
      amount: z.number().positive().meta({ description: 'Amount per kg body weight, e.g. 500000 for 0.5×10^6 cells/kg' }),
      unit: text,
    }),
    z.object({
      kind: z.literal('matched'),
      description: text.meta({ description: 'A placebo or control given to match another arm, e.g. "equal volume of control solution"' }),
    }),
    z.object({
      kind: z.literal('described'),
      description: text.meta({ description: 'A dose the document names only in words, e.g. "low dose"' }),
    }),
  ])
  .meta({ id: 'Dose' });

export const IntervalSchema = z.object({
  value: z.number().int().positive().max(1000),
  unit: z.enum(INTERVAL_UNITS),
});

export const OffsetSchema = z
  .object({
    value: z.number().int().min(-100000).max(100000).meta({ description: 'After the anchor; negative (before it) only when the anchor is an event, e.g. -14 days: two weeks before surgery' }),
    unit: z.enum(OFFSET_UNITS),
  })
  .meta({ id: 'Offset' });

const WindowSide = z.object({ value: z.number().int().min(0).max(10000), unit: z.enum(WINDOW_UNITS) });
export const WindowSchema = z
  .object({
    before: WindowSide,
    after: WindowSide,
    text: text.optional().meta({ description: 'The window as the protocol words it, e.g. "within 24 h"' }),
  })
  .meta({ id: 'Window' });

export const AnchorSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('enrollment') }),
    z.object({ type: z.literal('randomization') }),
    z.object({ type: z.literal('firstDose'), series: key.optional() }),
    z.object({ type: z.literal('lastDose'), series: key.optional() }),
    z.object({ type: z.literal('visit'), visit: key }),
    z.object({ type: z.literal('studyDay'), day: z.number().int() }),
    z.object({ type: z.literal('event'), event: key.meta({ description: 'The key of one of the protocol’s events' }) }),
  ])
  .meta({ id: 'Anchor' });

/** Something that happens to a participant on a date known only later (surgery, transplant, discharge, progression): visits may be timed from it. */
export const EventSchema = z
  .object({
    key,
    label: text.meta({ description: 'As a coordinator names it: "Surgery", "Liver transplant", "Disease progression"' }),
    description: text.optional(),
  })
  .meta({ id: 'Event' });

export const DosingSeriesSchema = z
  .object({
    key,
    label: text,
    interventions: z.array(key).min(1),
    count: z.number().int().positive().max(1000).nullable().meta({ description: 'Number of administrations; null where the document does not say' }),
    interval: IntervalSchema.nullable().meta({ description: 'Time between consecutive administrations; null where not stated' }),
    dose: DoseSchema.nullable(),
    route: z.enum(ROUTES).nullable(),
    window: WindowSchema.nullable().meta({ description: 'Allowed deviation for each administration after the first; null where not stated' }),
    procedures: z.array(text).default([]),
    start: z
      .object({ anchor: AnchorSchema, offset: OffsetSchema })
      .optional()
      .meta({ description: 'When the first administration falls; only for a second or later series (the first series begins on Study Day 1)' }),
  })
  .meta({ id: 'DosingSeries' });

export const VisitSchema = z
  .object({
    key,
    label: text,
    kind: z.enum(VISIT_KINDS),
    anchor: AnchorSchema,
    offset: OffsetSchema,
    window: WindowSchema.nullable().meta({ description: 'null where the document gives no window' }),
    procedures: z.array(text).default([]),
    repeat: z
      .object({ every: OffsetSchema.extend({ value: z.number().int().positive().max(10000) }), until: OffsetSchema })
      .optional()
      .meta({ description: 'Repeat every `every` after the first occurrence, up to and including `until` after the anchor; all three in the same unit as the offset' }),
    note: text.optional(),
  })
  .meta({ id: 'Visit' });

export const ArmSchema = z
  .object({
    key,
    label: text,
    type: z.enum(ARM_TYPES),
    description: text,
    targetSize: z.number().int().positive().nullable(),
    interventions: z.array(key),
    dosing: z.array(DosingSeriesSchema),
    visits: z.array(VisitSchema),
  })
  .meta({ id: 'Arm' });

export const CriterionSchema = z.object({
  key,
  text,
  group: text.optional().meta({ description: 'Heading the criterion is listed under in the document' }),
});

export const OutcomeSchema = z.object({
  type: z.enum(OUTCOME_TYPES).nullable().meta({ description: 'null where the document does not say primary or secondary' }),
  measure: text,
  timeFrame: text.nullable(),
  description: text.optional(),
});

export const InterventionSchema = z.object({
  key,
  type: z.enum(INTERVENTION_TYPES),
  name: text,
  description: text.optional(),
});

export const ProtocolSchema = z
  .object({
    $schema: z.string().optional(),
    id: key.meta({ description: 'Short stable slug used by the CLI and in exports' }),
    sourceDocument: text.meta({ description: 'File name of the document this protocol was encoded from' }),
    title: text,
    titleStated: z.boolean().meta({ description: 'false where the document gives no title and this one was composed from its text' }),
    identifiers: z.object({ nctId: z.string().regex(/^NCT\d{8}$/, 'must look like NCT12345678').nullable(), other: z.array(text) }),
    sponsor: text.nullable(),
    phases: z.array(z.enum(PHASES)).meta({ description: 'Empty where the document does not state a phase' }),
    status: z.enum(STATUSES).nullable(),
    conditions: z.array(text).min(1),
    summary: text,
    design: z.object({
      studyType: z.literal('INTERVENTIONAL'),
      primaryPurpose: z.enum(PRIMARY_PURPOSES).nullable(),
      allocation: z.enum(ALLOCATIONS).nullable(),
      interventionModel: z.enum(INTERVENTION_MODELS).nullable(),
      masking: z.enum(MASKINGS).nullable(),
    }),
    enrollment: z.object({ target: z.number().int().positive().nullable(), type: z.enum(['ESTIMATED', 'ACTUAL']).nullable() }),
    studyDay: z
      .object({ firstDoseIs: z.union([z.literal(1), z.literal(0)]) })
      .meta({ description: 'Study-day numbering: the first dose is Day 1 (CDISC, no Day 0) or Day 0' }),
    interventions: z.array(InterventionSchema).min(1),
    events: z.array(EventSchema).optional().meta({ description: 'Events whose dates are recorded per participant when they happen; visits and dosing series may be anchored on them' }),
    arms: z.array(ArmSchema).min(1),
    eligibility: z.object({
      sex: z.enum(['ALL', 'FEMALE', 'MALE']).nullable(),
      minimumAge: AgeSchema.nullable(),
      maximumAge: AgeSchema.nullable(),
      healthyVolunteers: z.boolean().nullable(),
      inclusion: z.array(CriterionSchema),
      exclusion: z.array(CriterionSchema),
    }),
    outcomes: z.array(OutcomeSchema),
    notStated: z
      .array(z.object({ field: text, note: text }))
      .meta({ description: 'What the source document leaves open, one entry per gap, in plain words' }),
  })
  .superRefine(checkReferences)
  .meta({ id: 'Protocol', title: 'Trial Coordinator protocol' });

export type Protocol = z.infer<typeof ProtocolSchema>;
export type Arm = z.infer<typeof ArmSchema>;
export type Visit = z.infer<typeof VisitSchema>;
export type DosingSeries = z.infer<typeof DosingSeriesSchema>;
export type Dose = z.infer<typeof DoseSchema>;
export type Anchor = z.infer<typeof AnchorSchema>;
export type Window = z.infer<typeof WindowSchema>;
export type Offset = z.infer<typeof OffsetSchema>;
export type Criterion = z.infer<typeof CriterionSchema>;
export type ProtocolEvent = z.infer<typeof EventSchema>;

type ProtocolShape = {
  studyDay: { firstDoseIs: 0 | 1 };
  interventions: { key: string }[];
  events?: { key: string }[] | undefined;
  arms: {
    key: string;
    interventions: string[];
    dosing: { key: string; interventions: string[]; start?: { anchor: Anchor; offset: Offset } | undefined }[];
    visits: { key: string; anchor: Anchor; offset: Offset; repeat?: { every: Offset; until: Offset } | undefined }[];
  }[];
  eligibility: { inclusion: { key: string }[]; exclusion: { key: string }[]; minimumAge: { value: number; unit: string } | null; maximumAge: { value: number; unit: string } | null };
};

/** Cross-references the field types alone cannot check: unique keys and keys that must exist. */
function checkReferences(p: ProtocolShape, ctx: z.RefinementCtx): void {
  const duplicate = (keys: string[], path: (string | number)[], what: string) => {
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [...path, i, 'key'], message: `duplicate ${what} key "${k}"` });
      seen.add(k);
    });
  };
  const interventionKeys = new Set(p.interventions.map((i) => i.key));
  duplicate(p.interventions.map((i) => i.key), ['interventions'], 'intervention');
  duplicate(p.arms.map((a) => a.key), ['arms'], 'arm');
  duplicate((p.events ?? []).map((e) => e.key), ['events'], 'event');
  const eventKeys = new Set((p.events ?? []).map((e) => e.key));
  const checkEvent = (a: Anchor | undefined, offset: Offset | undefined, path: (string | number)[]) => {
    if (a?.type === 'event' && !eventKeys.has(a.event)) ctx.addIssue({ code: 'custom', path, message: `no event with key "${a.event}"` });
    if (offset && offset.value < 0 && a?.type !== 'event') ctx.addIssue({ code: 'custom', path: [...path.slice(0, -1), 'offset', 'value'], message: 'an offset is negative (before the anchor) only when it counts from an event' });
  };
  duplicate(
    [...p.eligibility.inclusion, ...p.eligibility.exclusion].map((c) => c.key),
    ['eligibility', 'criteria'],
    'criterion',
  );
  p.arms.forEach((arm, ai) => {
    arm.interventions.forEach((k, ii) => {
      if (!interventionKeys.has(k)) ctx.addIssue({ code: 'custom', path: ['arms', ai, 'interventions', ii], message: `no intervention with key "${k}"` });
    });
    const seriesKeys = new Set(arm.dosing.map((s) => s.key));
    arm.dosing.forEach((s, si) =>
      s.interventions.forEach((k, ii) => {
        if (!interventionKeys.has(k)) ctx.addIssue({ code: 'custom', path: ['arms', ai, 'dosing', si, 'interventions', ii], message: `no intervention with key "${k}"` });
      }),
    );
    // Visit keys and series keys share one namespace: both name visits on the calendar.
    duplicate([...arm.dosing.map((s) => s.key), ...arm.visits.map((v) => v.key)], ['arms', ai, 'visits'], 'visit or dosing series');
    const visitKeys = new Set(arm.visits.map((v) => v.key));
    const repeating = new Set(arm.visits.filter((v) => v.repeat).map((v) => v.key));
    arm.dosing.forEach((s, si) => {
      const path = ['arms', ai, 'dosing', si, 'start'];
      if (si === 0 && s.start) ctx.addIssue({ code: 'custom', path, message: 'the first dosing series begins on Study Day 1 and takes no start' });
      if (si > 0 && !s.start) ctx.addIssue({ code: 'custom', path, message: `dosing series "${s.key}" needs a start (anchor and offset)` });
      const a = s.start?.anchor;
      checkEvent(a, s.start?.offset, path);
      if (a?.type === 'visit' && !visitKeys.has(a.visit)) ctx.addIssue({ code: 'custom', path, message: `no visit with key "${a.visit}" in arm "${arm.key}"` });
    });
    const cycle = findCycle(arm);
    if (cycle) ctx.addIssue({ code: 'custom', path: ['arms', ai, 'visits'], message: `anchors go round in a circle: ${cycle.join(' → ')}` });
    arm.visits.forEach((v, vi) => {
      const a = v.anchor;
      const path = ['arms', ai, 'visits', vi, 'anchor'];
      checkEvent(a, v.offset, path);
      if (a.type === 'visit' && repeating.has(a.visit)) ctx.addIssue({ code: 'custom', path, message: `visit "${v.key}" cannot be anchored on the repeating visit "${a.visit}"` });
      if (a.type === 'studyDay' && a.day === 0 && p.studyDay.firstDoseIs === 1)
        ctx.addIssue({ code: 'custom', path, message: 'there is no study day 0 when Day 1 is the day of the first dose' });
      if (v.repeat && (v.repeat.every.unit !== v.offset.unit || v.repeat.until.unit !== v.offset.unit))
        ctx.addIssue({ code: 'custom', path: ['arms', ai, 'visits', vi, 'repeat'], message: `repeat "every" and "until" must be in ${v.offset.unit}, the unit of the offset` });
      if (v.repeat && v.repeat.until.value < v.offset.value)
        ctx.addIssue({ code: 'custom', path: ['arms', ai, 'visits', vi, 'repeat', 'until'], message: 'repeat "until" is before the first occurrence' });
      if (a.type === 'visit' && !visitKeys.has(a.visit)) ctx.addIssue({ code: 'custom', path, message: `no visit with key "${a.visit}" in arm "${arm.key}"` });
      if (a.type === 'visit' && a.visit === v.key) ctx.addIssue({ code: 'custom', path, message: `visit "${v.key}" cannot be anchored on itself` });
      if ((a.type === 'firstDose' || a.type === 'lastDose') && arm.dosing.length === 0)
        ctx.addIssue({ code: 'custom', path, message: `arm "${arm.key}" has no dosing series to anchor on` });
      if ((a.type === 'firstDose' || a.type === 'lastDose') && a.series !== undefined && !seriesKeys.has(a.series))
        ctx.addIssue({ code: 'custom', path, message: `no dosing series with key "${a.series}" in arm "${arm.key}"` });
    });
  });
  const { minimumAge: min, maximumAge: max } = p.eligibility;
  if (min && max && min.unit === max.unit && min.value > max.value)
    ctx.addIssue({ code: 'custom', path: ['eligibility', 'minimumAge'], message: 'minimum age is above maximum age' });
}

/** The first loop in an arm's anchors (visit → visit, visit → series, series → visit), or null. */
function findCycle(arm: ProtocolShape['arms'][number]): string[] | null {
  const edges = new Map<string, string[]>();
  const firstSeries = arm.dosing[0]?.key;
  const target = (a: Anchor): string | undefined => {
    switch (a.type) {
      case 'visit':
        return a.visit;
      case 'firstDose':
      case 'lastDose':
        return a.series ?? firstSeries;
      case 'studyDay':
        return firstSeries;
      default:
        return undefined;
    }
  };
  for (const s of arm.dosing) edges.set(s.key, s.start ? [target(s.start.anchor)].filter((t): t is string => t !== undefined) : []);
  for (const v of arm.visits) edges.set(v.key, [target(v.anchor)].filter((t): t is string => t !== undefined));
  const state = new Map<string, 'open' | 'done'>();
  const walk = (node: string, trail: string[]): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) {
      const found = walk(next, [...trail, node]);
      if (found) return found;
    }
    state.set(node, 'done');
    return null;
  };
  for (const node of edges.keys()) {
    const found = walk(node, []);
    if (found) return found;
  }
  return null;
}

/** Turns zod issues into one line each: `arms.0.targetSize: expected number, received string`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Allocation ratio implied by the arms' target sizes, reduced (135/45 → 3:1); null if any size is unknown. */
export function allocationRatio(arms: readonly { targetSize: number | null }[]): number[] | null {
  const sizes = arms.map((a) => a.targetSize);
  if (sizes.length === 0 || sizes.some((s) => s === null)) return null;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = (sizes as number[]).reduce(gcd);
  return (sizes as number[]).map((s) => s / g);
}
