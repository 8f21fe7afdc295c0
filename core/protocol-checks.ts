// Cross-references in a protocol that field types alone cannot check.
import type { z } from 'zod';
import type { AnchorShape as Anchor, OffsetShape as Offset } from './protocol-parts.js';

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
export function checkReferences(p: ProtocolShape, ctx: z.RefinementCtx): void {
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
