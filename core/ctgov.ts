// ClinicalTrials.gov API v2 study records (read from a file: the app stays offline) turned into a
// draft protocol. What the registry states as structured fields maps one to one; what it states
// only in words (time frames, arm descriptions) becomes a *proposal* shown beside the text it
// came from, for the coordinator to accept or change before anything is saved.
import { z } from 'zod';
import {
  ALLOCATIONS,
  ARM_TYPES,
  INTERVENTION_MODELS,
  INTERVENTION_TYPES,
  MASKINGS,
  PHASES,
  PRIMARY_PURPOSES,
  ProtocolSchema,
  STATUSES,
  describeIssues,
  type Arm,
  type Criterion,
  type DosingSeries,
  type Protocol,
  type Visit,
} from './protocol.js';
import { keyFrom } from './protocol-form.js';
import { approxDays, parseAge, parseDosing, parseTimeFrame, singular, splitEligibility, type ProposedVisit, type TimeContext } from './ctgov-text.js';

export { parseAge, parseDosing, parseTimeFrame, splitEligibility, type ProposedVisit, type TimeContext } from './ctgov-text.js';

// ---------------------------------------------------------------------------------------------
// The part of the record format this importer reads (see the format's OpenAPI description).
// Unknown fields are allowed: real records carry many more modules (results, locations…).

const str = z.string();
const RecordSchema = z.object({
  protocolSection: z.object({
    identificationModule: z.object({
      nctId: str.regex(/^NCT\d{8}$/, 'must look like NCT12345678'),
      briefTitle: str.min(1),
      officialTitle: str.optional(),
      acronym: str.optional(),
      orgStudyIdInfo: z.object({ id: str }).partial().optional(),
      secondaryIdInfos: z.array(z.object({ id: str }).partial()).optional(),
    }),
    statusModule: z.object({ overallStatus: str.optional() }).optional(),
    sponsorCollaboratorsModule: z.object({ leadSponsor: z.object({ name: str.optional() }).optional() }).optional(),
    descriptionModule: z.object({ briefSummary: str.optional(), detailedDescription: str.optional() }).optional(),
    conditionsModule: z.object({ conditions: z.array(str).optional() }).optional(),
    designModule: z.object({
      studyType: str,
      phases: z.array(str).optional(),
      designInfo: z
        .object({
          allocation: str.optional(),
          interventionModel: str.optional(),
          primaryPurpose: str.optional(),
          maskingInfo: z.object({ masking: str.optional() }).optional(),
        })
        .optional(),
      enrollmentInfo: z.object({ count: z.number().int().nonnegative().optional(), type: str.optional() }).optional(),
    }),
    armsInterventionsModule: z.object({
      armGroups: z
        .array(z.object({ label: str.min(1), type: str.optional(), description: str.optional(), interventionNames: z.array(str).optional() }))
        .optional(),
      interventions: z
        .array(z.object({ type: str.optional(), name: str.min(1), description: str.optional(), armGroupLabels: z.array(str).optional() }))
        .optional(),
    }),
    outcomesModule: z
      .object({
        primaryOutcomes: z.array(z.object({ measure: str, timeFrame: str.optional(), description: str.optional() })).optional(),
        secondaryOutcomes: z.array(z.object({ measure: str, timeFrame: str.optional(), description: str.optional() })).optional(),
        otherOutcomes: z.array(z.object({ measure: str, timeFrame: str.optional(), description: str.optional() })).optional(),
      })
      .optional(),
    eligibilityModule: z
      .object({
        eligibilityCriteria: str.optional(),
        healthyVolunteers: z.boolean().optional(),
        sex: str.optional(),
        minimumAge: str.optional(),
        maximumAge: str.optional(),
      })
      .optional(),
  }),
});
export type CtgovRecord = z.infer<typeof RecordSchema>;

export class CtgovError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CtgovError';
  }
}

// ---------------------------------------------------------------------------------------------
// Proposals

export interface VisitProposal {
  /** The time-frame text exactly as the record words it. */
  readonly text: string;
  /** The outcome measures that share this time frame. */
  readonly outcomes: readonly string[];
  readonly visits: readonly ProposedVisit[];
  /** Why nothing (or not everything) could be read from the text; null when it was read whole. */
  readonly note: string | null;
}

export interface DosingProposal {
  readonly armKey: string;
  /** The arm description the series was read from. */
  readonly text: string;
  readonly series: DosingSeries | null;
  readonly note: string | null;
}

export interface CtgovDraft {
  /** A valid protocol with every proposal accepted. */
  readonly protocol: Protocol;
  readonly proposals: readonly VisitProposal[];
  readonly dosing: readonly DosingProposal[];
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------------------------------------

/** A key from a registry text, never empty. */
export function slug(text: string, max = 40): string {
  return keyFrom(text, max) || 'item';
}

function uniqueKeys(texts: readonly string[], prefix = '', max = 40): string[] {
  const used = new Set<string>();
  return texts.map((t) => {
    const base = `${prefix}${slug(t, max)}`.slice(0, 60).replace(/-+$/, '');
    let k = base;
    for (let n = 2; used.has(k); n++) k = `${base}-${n}`;
    used.add(k);
    return k;
  });
}

const oneOf = <T extends string>(values: readonly T[], v: string | undefined): T | null => (v !== undefined && (values as readonly string[]).includes(v) ? (v as T) : null);
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Parses a record (the parsed JSON of one study) into a draft protocol and its proposals. */
export function draftFromCtgov(input: unknown, options: { sourceDocument: string; id?: string | undefined }): CtgovDraft {
  const parsed = RecordSchema.safeParse(input);
  if (!parsed.success) {
    const details = describeIssues(parsed.error);
    throw new CtgovError(`This is not a study record the importer can read (${details.length} problem${details.length === 1 ? '' : 's'}): ${details[0]}`, details);
  }
  const ps = parsed.data.protocolSection;
  const id = ps.identificationModule;
  const design = ps.designModule;
  if (design.studyType !== 'INTERVENTIONAL') throw new CtgovError(`${id.nctId} is ${design.studyType.toLowerCase()}; only interventional studies have arms and doses to schedule.`);
  const warnings: string[] = [];
  const notStated: { field: string; note: string }[] = [];

  // Interventions: keyed by name; "Type: Name" in an arm's list refers to them.
  const ivs = ps.armsInterventionsModule.interventions ?? [];
  const ivKeys = uniqueKeys(ivs.map((i) => i.name));
  const interventions = ivs.map((iv, i) => ({
    key: ivKeys[i]!,
    type: oneOf(INTERVENTION_TYPES, iv.type) ?? 'OTHER',
    name: squash(iv.name),
    ...(iv.description?.trim() ? { description: squash(iv.description) } : {}),
  }));
  const ivByName = new Map(ivs.map((iv, i) => [iv.name.trim().toLowerCase(), ivKeys[i]!]));

  // A single-group record may list no arm groups: one arm gets every intervention.
  const groups = ps.armsInterventionsModule.armGroups?.length
    ? ps.armsInterventionsModule.armGroups
    : [{ label: 'Study arm', type: 'EXPERIMENTAL', description: ivs.map((i) => i.description ?? i.name).join(' '), interventionNames: ivs.map((i) => i.name) }];
  if (!ps.armsInterventionsModule.armGroups?.length) warnings.push('The record lists no arm groups: one arm, "Study arm", has every intervention.');
  // Where the treatment is itself an operation, "after surgery" is after the treatment; otherwise surgery is an event of its own.
  const { surgeryIsTreatment } = timeContextOf(ivs);
  const armKeys = uniqueKeys(groups.map((g) => g.label));
  const dosing: DosingProposal[] = [];
  const arms: Arm[] = groups.map((g, ai) => {
    const key = armKeys[ai]!;
    const named = (g.interventionNames ?? []).map((n) => n.replace(/^[A-Za-z ]+?:\s*/, '').trim().toLowerCase());
    const fromInterventions = ivs.map((iv, i) => ((iv.armGroupLabels ?? []).includes(g.label) ? ivKeys[i]! : null)).filter((k): k is string => k !== null);
    const armIvs = [...new Set([...named.map((n) => ivByName.get(n)).filter((k): k is string => k !== undefined), ...fromInterventions])];
    for (const n of named) if (!ivByName.has(n)) warnings.push(`Arm "${g.label}" names an intervention "${n}" the record does not list.`);
    const description = squash(g.description ?? '') || squash(g.label);
    const type = oneOf(ARM_TYPES, g.type) ?? 'OTHER';
    let series: DosingSeries | null = null;
    let note: string | null = null;
    if (armIvs.length > 0 && type !== 'NO_INTERVENTION') {
      const ivTexts = armIvs.map((k) => interventions.find((i) => i.key === k)?.description ?? '').join(' ');
      const d = parseDosing(`${description} ${ivTexts}`);
      const labelOf = { infusion: 'Infusion', inhalation: 'Inhalation', transplant: 'Transplantation', cycle: d.interval ? `${d.interval.value}-${singular[d.interval.unit]} cycle` : 'Cycle', dose: 'Dose' };
      series = { key: d.kind, label: labelOf[d.kind], interventions: armIvs, count: d.count, interval: d.interval, dose: null, route: d.route, window: null, procedures: [] };
      const missing = [d.count === null && 'the number of doses', d.interval === null && d.count !== 1 && 'the time between doses', d.route === null && 'the route'].filter(Boolean) as string[];
      const loading = /\bloading dose\b|\bmaintenance dose\b|\bfollowed by .{0,40}\bmaintenance\b/i.test(`${description} ${ivTexts}`);
      note = [missing.length ? `Not found in the text: ${missing.join(', ')}.` : null, loading ? 'A loading dose then maintenance doses: read here as one series; make the maintenance a second series in the editor.' : null].filter(Boolean).join(' ') || null;
      if (d.count === null) notStated.push({ field: `arms.${key}.dosing.${d.kind}.count`, note: 'The registry record does not give the number of administrations in a form the importer could read.' });
      if (d.interval === null && d.count !== 1) notStated.push({ field: `arms.${key}.dosing.${d.kind}.interval`, note: 'The registry record does not give the time between administrations in a form the importer could read.' });
      if (d.route === null) notStated.push({ field: `arms.${key}.dosing.${d.kind}.route`, note: 'The registry record does not state the route.' });
      notStated.push({ field: `arms.${key}.dosing.${d.kind}.dose`, note: 'Dose amounts are entered by the coordinator; the registry text is not parsed for them.' });
    }
    dosing.push({ armKey: key, text: description, series, note });
    notStated.push({ field: `arms.${key}.targetSize`, note: 'The registry record gives the total enrollment, not the size of each arm.' });
    return { key, label: squash(g.label), type, description, targetSize: null, interventions: armIvs, dosing: series ? [series] : [], visits: [] };
  });

  // Outcomes and the visits their time frames propose, one proposal per distinct text.
  const om = ps.outcomesModule ?? {};
  const outcomes = (
    [
      ['PRIMARY', om.primaryOutcomes],
      ['SECONDARY', om.secondaryOutcomes],
      ['OTHER', om.otherOutcomes],
    ] as const
  ).flatMap(([type, list]) =>
    (list ?? []).map((o) => ({ type, measure: squash(o.measure), timeFrame: o.timeFrame?.trim() ? squash(o.timeFrame) : null, ...(o.description?.trim() ? { description: squash(o.description) } : {}) })),
  );
  const byText = new Map<string, string[]>();
  for (const o of outcomes) if (o.timeFrame) byText.set(o.timeFrame, [...(byText.get(o.timeFrame) ?? []), o.measure]);
  const seen = new Set<string>();
  const proposals: VisitProposal[] = [...byText].map(([text, measures]) => {
    const { visits, note } = parseTimeFrame(text, { surgeryIsTreatment });
    const fresh = visits.filter((v) => !seen.has(v.key));
    fresh.forEach((v) => seen.add(v.key));
    const repeated = visits.length - fresh.length;
    return { text, outcomes: measures, visits: fresh, note: note ?? (repeated && fresh.length === 0 ? 'Every time point here is already proposed above.' : null) };
  });

  const el = ps.eligibilityModule ?? {};
  const split = splitEligibility(el.eligibilityCriteria ?? '');
  if (!el.eligibilityCriteria) notStated.push({ field: 'eligibility', note: 'The registry record gives no eligibility criteria.' });
  const criteria = (items: { text: string; group?: string }[], prefix: string): Criterion[] => {
    const keys = uniqueKeys(items.map((c) => c.text), prefix, 30);
    return items.map((c, i) => ({ key: keys[i]!, text: c.text, ...(c.group ? { group: c.group } : {}) }));
  };
  const inclusion = criteria(split.inclusion, 'inc-');
  const exclusion = criteria(split.exclusion, 'exc-');
  const dup = new Set(inclusion.map((c) => c.key));
  const exclusionKeys = exclusion.map((c) => (dup.has(c.key) ? { ...c, key: `${c.key}-x` } : c));

  const sexValue = el.sex === 'ALL' || el.sex === 'FEMALE' || el.sex === 'MALE' ? el.sex : null;
  const minimumAge = parseAge(el.minimumAge);
  const maximumAge = parseAge(el.maximumAge);
  if (el.minimumAge && !minimumAge) warnings.push(`Minimum age "${el.minimumAge}" could not be read.`);
  if (el.maximumAge && !maximumAge) warnings.push(`Maximum age "${el.maximumAge}" could not be read.`);
  const conditions = (ps.conditionsModule?.conditions ?? []).map(squash).filter(Boolean);
  if (conditions.length === 0) throw new CtgovError(`${id.nctId} lists no conditions; a protocol needs at least one.`);
  if (interventions.length === 0) throw new CtgovError(`${id.nctId} lists no interventions; a protocol needs at least one.`);
  const info = design.designInfo ?? {};
  const enrollment = design.enrollmentInfo ?? {};

  const base = {
    id: options.id ?? id.nctId.toLowerCase(),
    sourceDocument: options.sourceDocument,
    title: squash(id.officialTitle ?? id.briefTitle),
    titleStated: true,
    identifiers: {
      nctId: id.nctId,
      other: [id.orgStudyIdInfo?.id, ...(id.secondaryIdInfos ?? []).map((s) => s.id)].filter((s): s is string => !!s?.trim()).map(squash),
    },
    sponsor: ps.sponsorCollaboratorsModule?.leadSponsor?.name?.trim() || null,
    phases: (design.phases ?? []).map((p) => oneOf(PHASES, p)).filter((p): p is (typeof PHASES)[number] => p !== null),
    status: oneOf(STATUSES, ps.statusModule?.overallStatus),
    conditions,
    summary: squash(ps.descriptionModule?.briefSummary ?? '') || squash(id.briefTitle),
    design: {
      studyType: 'INTERVENTIONAL' as const,
      primaryPurpose: oneOf(PRIMARY_PURPOSES, info.primaryPurpose),
      allocation: oneOf(ALLOCATIONS, info.allocation),
      interventionModel: oneOf(INTERVENTION_MODELS, info.interventionModel),
      masking: oneOf(MASKINGS, info.maskingInfo?.masking),
    },
    enrollment: { target: enrollment.count && enrollment.count > 0 ? enrollment.count : null, type: enrollment.type === 'ACTUAL' || enrollment.type === 'ESTIMATED' ? enrollment.type : null },
    studyDay: { firstDoseIs: 1 as const },
    interventions,
    arms,
    eligibility: { sex: sexValue, minimumAge, maximumAge, healthyVolunteers: el.healthyVolunteers ?? null, inclusion, exclusion: exclusionKeys },
    outcomes,
    notStated,
  };
  const accepted = proposals.flatMap((p) => p.visits);
  const protocol = withVisits(base as Protocol, accepted);
  return { protocol, proposals, dosing, warnings };
}

/**
 * The draft with the accepted visits put in every arm, ordered by when they fall. An arm with
 * no dosing series counts them from randomization instead of a dose.
 */
/** Whether the record's treatment is itself an operation (a procedure, a discectomy, an implant): then "after surgery" is after the treatment. */
export function timeContextOf(interventions: readonly { readonly type?: string | undefined; readonly name: string }[]): TimeContext {
  return { surgeryIsTreatment: interventions.some((i) => i.type === 'PROCEDURE' || /ectomy|otomy|surg|operat|implant|fusion|arthroplasty|resection|transplant/i.test(i.name)) };
}

const EVENT_LABELS: Record<string, string> = { surgery: 'Surgery', transplant: 'Transplant', discharge: 'Discharge', progression: 'Disease progression' };

export function withVisits(protocol: Protocol, accepted: readonly ProposedVisit[]): Protocol {
  const arms = protocol.arms.map((arm) => {
    const series = arm.dosing[0];
    const doseSpan = series?.count && series.interval ? (series.count - 1) * approxDays(series.interval.value, series.interval.unit) : 0;
    const when = (v: ProposedVisit) =>
      v.anchor.type === 'studyDay' ? v.anchor.day : v.anchor.type === 'lastDose' ? doseSpan + approxDays(v.offset.value, v.offset.unit) : v.anchor.type === 'enrollment' ? -1 : approxDays(v.offset.value, v.offset.unit);
    const visits: Visit[] = [...accepted]
      .sort((a, b) => when(a) - when(b))
      .map((v) => {
        let anchor = v.anchor;
        let offset = v.offset;
        if (!series && (anchor.type === 'firstDose' || anchor.type === 'lastDose' || anchor.type === 'studyDay')) {
          if (anchor.type === 'studyDay') offset = { value: Math.max(0, anchor.day - protocol.studyDay.firstDoseIs), unit: 'days' };
          anchor = { type: 'randomization' };
        }
        return { key: v.key, label: v.label, kind: v.kind, anchor, offset, window: v.window, procedures: [] };
      });
    return { ...arm, visits };
  });
  // Events the accepted visits count from (surgery), added to the protocol's own.
  const eventKeys = [...new Set(accepted.flatMap((v) => (v.anchor.type === 'event' ? [v.anchor.event] : [])))];
  const events = [...(protocol.events ?? [])];
  for (const key of eventKeys) if (!events.some((e) => e.key === key)) events.push({ key, label: EVENT_LABELS[key] ?? key[0]!.toUpperCase() + key.slice(1) });
  const notStated = protocol.notStated.filter((n) => n.field !== 'visits.windows');
  if (accepted.some((v) => v.window === null)) notStated.push({ field: 'visits.windows', note: 'The registry record gives no visit windows.' });
  const result = ProtocolSchema.safeParse({ ...protocol, ...(events.length ? { events } : {}), arms, notStated });
  if (!result.success) {
    const details = describeIssues(result.error);
    throw new CtgovError(`The imported protocol is not valid: ${details[0]}`, details);
  }
  return result.data;
}
