// The schedule engine's plan of an arm: one node per calendar visit (each dose of a series, each
// visit and each repetition), what it counts from and how, and what the arm leaves undated.
import { addOffset, dateOfStudyDay, type PlainDate } from './dates.js';
import { formatOffset } from './format.js';
import type { Anchor, Arm, Offset, VisitKind, Window } from './protocol.js';

/** Something the protocol leaves open, so it cannot be put on the calendar. */
export interface OpenItem {
  readonly key: string;
  readonly label: string;
  readonly reason: string;
}

export type Ref = { kind: 'start' } | { kind: 'enrollment' } | { kind: 'randomization' } | { kind: 'node'; key: string } | { kind: 'event'; key: string };

export interface Node {
  readonly key: string;
  readonly label: string;
  readonly kind: VisitKind;
  readonly series: string | null;
  readonly doseNumber: number | null;
  readonly ref: Ref;
  /** From the anchor's date to this visit's planned date. */
  readonly place: (anchorDate: PlainDate, day1: () => PlainDate) => PlainDate;
  readonly window: Window | null;
  readonly procedures: readonly string[];
  readonly order: number;
}

const ZERO: Offset = { value: 0, unit: 'days' };

interface Expanded {
  readonly nodes: readonly Node[];
  readonly open: readonly OpenItem[];
  readonly byKey: ReadonlyMap<string, Node>;
  readonly firstDose: Node | undefined;
}

/**
 * An arm's nodes depend on the arm, the study-day convention and which fixed dates are known, not
 * on any date: they are made once per arm and kept while the arm object lives (an import schedules
 * thousands of participants from one protocol object).
 */
const expansions = new WeakMap<Arm, Map<string, Expanded>>();
export function expanded(
  arm: Arm,
  firstDoseIs: 0 | 1,
  fixed: { enrollment?: PlainDate | undefined; randomization?: PlainDate | undefined },
  events: readonly { readonly key: string; readonly label: string }[],
  known: ReadonlySet<string>,
): Expanded {
  const key = `${firstDoseIs}${fixed.enrollment ? 'e' : ''}${fixed.randomization ? 'r' : ''}:${[...known].sort().join(',')}`;
  let forArm = expansions.get(arm);
  if (!forArm) expansions.set(arm, (forArm = new Map()));
  let e = forArm.get(key);
  if (!e) {
    const { nodes, open } = buildNodes(arm, firstDoseIs, fixed, events, known);
    e = { nodes, open, byKey: new Map(nodes.map((n) => [n.key, n])), firstDose: nodes.find((n) => n.doseNumber === 1 && n.ref.kind === 'start') };
    forArm.set(key, e);
  }
  return e;
}

/** Expands an arm into one node per calendar visit, and lists what cannot be placed. */
function buildNodes(
  arm: Arm,
  firstDoseIs: 0 | 1,
  fixed: { enrollment?: PlainDate | undefined; randomization?: PlainDate | undefined },
  events: readonly { readonly key: string; readonly label: string }[],
  known: ReadonlySet<string>,
): { nodes: Node[]; open: OpenItem[] } {
  const nodes: Node[] = [];
  const open: OpenItem[] = [];
  const unplaceable = new Map<string, string>();
  const firstKey = new Map<string, string>();
  const lastKey = new Map<string, string | null>();
  const add = (n: Omit<Node, 'order'>) => nodes.push({ ...n, order: nodes.length });
  const after = (offset: Offset) => (anchorDate: PlainDate) => addOffset(anchorDate, offset);

  const anchorRef = (a: Anchor, offset: Offset): { ref: Ref; place: Node['place'] } | { gap: string } => {
    switch (a.type) {
      case 'enrollment':
      case 'randomization':
        return fixed[a.type] ? { ref: { kind: a.type }, place: after(offset) } : { gap: `the ${a.type} date is not known` };
      case 'firstDose': {
        const key = firstKey.get(a.series ?? arm.dosing[0]!.key);
        return key ? { ref: { kind: 'node', key }, place: after(offset) } : { gap: 'the first dose has no date' };
      }
      case 'lastDose': {
        const series = a.series ?? arm.dosing[0]!.key;
        const key = lastKey.get(series);
        return key ? { ref: { kind: 'node', key }, place: after(offset) } : { gap: `the last dose of "${series}" is not known (${unplaceable.get(`${series}:last`) ?? 'series not placed'})` };
      }
      case 'studyDay': {
        const key = firstKey.get(arm.dosing[0]?.key ?? '');
        if (!key) return { gap: 'the arm has no first dose to count study days from' };
        return { ref: { kind: 'node', key }, place: (_anchor, day1) => addOffset(dateOfStudyDay(a.day, day1(), firstDoseIs), offset) };
      }
      case 'visit': {
        if (unplaceable.has(a.visit)) return { gap: `visit "${a.visit}" has no date (${unplaceable.get(a.visit)})` };
        return { ref: { kind: 'node', key: a.visit }, place: after(offset) };
      }
      case 'event': {
        // Until the event is recorded for the participant, what counts from it waits, undated.
        if (!known.has(a.event)) return { gap: `waiting for: ${events.find((e) => e.key === a.event)?.label ?? a.event} date` };
        return { ref: { kind: 'event', key: a.event }, place: after(offset) };
      }
      default:
        throw new Error(`Unknown anchor ${JSON.stringify(a)}`);
    }
  };

  arm.dosing.forEach((s, si) => {
    const first = si === 0 ? { ref: { kind: 'start' } as Ref, place: after(ZERO) } : anchorRef(s.start!.anchor, s.start!.offset);
    if ('gap' in first) {
      open.push({ key: `${s.key}-1`, label: s.label, reason: first.gap });
      unplaceable.set(`${s.key}:last`, first.gap);
      return;
    }
    const known = s.count === null ? 1 : s.interval === null ? 1 : s.count;
    const label = (i: number) => (s.count === null ? `${s.label} ${i}` : `${s.label} ${i} of ${s.count}`);
    for (let i = 1; i <= known; i++) {
      add({
        key: `${s.key}-${i}`,
        label: label(i),
        kind: 'dose',
        series: s.key,
        doseNumber: i,
        ref: i === 1 ? first.ref : { kind: 'node', key: `${s.key}-${i - 1}` },
        place: i === 1 ? first.place : after(s.interval!),
        // The first dose of the first series defines Day 1: it has no window of its own.
        window: i === 1 && si === 0 ? null : s.window,
        procedures: s.procedures,
      });
    }
    firstKey.set(s.key, `${s.key}-1`);
    if (s.count === null) {
      const reason = 'the number of administrations is not stated';
      open.push({ key: `${s.key}-2`, label: `${s.label}: further administrations`, reason });
      unplaceable.set(`${s.key}:last`, reason);
    } else if (s.count > 1 && s.interval === null) {
      const reason = 'the interval between administrations is not stated';
      open.push({ key: `${s.key}-2`, label: `${s.label} 2–${s.count} of ${s.count}`, reason });
      unplaceable.set(`${s.key}:last`, reason);
    } else {
      lastKey.set(s.key, `${s.key}-${s.count}`);
    }
  });

  for (const v of arm.visits) {
    const anchored = anchorRef(v.anchor, v.offset);
    if ('gap' in anchored) {
      open.push({ key: v.key, label: v.label, reason: anchored.gap });
      unplaceable.set(v.key, anchored.gap);
      continue;
    }
    if (!v.repeat) {
      add({ key: v.key, label: v.label, kind: v.kind, series: null, doseNumber: null, ref: anchored.ref, place: anchored.place, window: v.window, procedures: v.procedures });
      continue;
    }
    // Each occurrence is counted from the anchor itself (not from the previous occurrence), so
    // month-end clamping never accumulates: Jan 31 + 3, 6, 9 months → Apr 30, Jul 31, Oct 31.
    const occurrences = Math.floor((v.repeat.until.value - v.offset.value) / v.repeat.every.value) + 1;
    for (let k = 0; k < occurrences; k++) {
      const offset: Offset = { value: v.offset.value + k * v.repeat.every.value, unit: v.offset.unit };
      const place: Node['place'] =
        v.anchor.type === 'studyDay'
          ? ((day) => (_a: PlainDate, day1: () => PlainDate) => addOffset(dateOfStudyDay(day, day1(), firstDoseIs), offset))(v.anchor.day)
          : after(offset);
      add({
        key: `${v.key}-${k + 1}`,
        label: `${v.label} (${formatOffset(offset)})`,
        kind: v.kind,
        series: null,
        doseNumber: null,
        ref: anchored.ref,
        place,
        window: v.window,
        procedures: v.procedures,
      });
    }
  }
  return { nodes, open };
}

