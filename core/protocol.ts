// The protocol format: one definition, used to validate seeds, imports and API input, and to
// generate the committed JSON Schema (seeds/protocol.schema.json).
//
// Enumerations follow the ClinicalTrials.gov API v2 record (phase, allocation, masking, arm-group
// and intervention types) so that registry imports map one to one.
//
// Where a source document is silent, the field is `null` and `notStated` carries one entry for
// it saying what is missing. A seed never invents a value to fill a gap.
import { z } from 'zod';
import { checkReferences } from './protocol-checks.js';
import {
  AgeSchema, ALLOCATIONS, AnchorSchema, ARM_TYPES, DoseSchema, EventSchema, INTERVENTION_MODELS, INTERVENTION_TYPES, IntervalSchema, key, MASKINGS, OffsetSchema, OUTCOME_TYPES, PHASES, PRIMARY_PURPOSES, ROUTES, STATUSES, text, VISIT_KINDS, WindowSchema,
} from './protocol-parts.js';

export * from './protocol-parts.js';

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
