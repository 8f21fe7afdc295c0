// The protocol format's building blocks: keys, enumerations, offsets, windows, anchors, events.
// core/protocol.ts assembles them into the protocol schema and re-exports them.
import { z } from 'zod';


export const text = z.string().trim().min(1, 'must not be empty');
export const key = z
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

type Anchor = z.infer<typeof AnchorSchema>;
type Offset = z.infer<typeof OffsetSchema>;
export type { Anchor as AnchorShape, Offset as OffsetShape };
