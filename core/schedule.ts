// The schedule engine: from an arm definition and a participant's dates, every dosing and
// follow-up visit with its window, re-planned from what actually happened. Pure: the same
// input gives the same output in every time zone (all arithmetic is on calendar dates).
import { addOffset, compareDates, dateOfStudyDay, InvalidDateError, parseDate, studyDayOf, windowDays, type PlainDate } from './dates.js';
import { formatOffset } from './format.js';
import type { Anchor, Arm, Offset, Protocol, VisitKind, Window } from './protocol.js';
import type { VisitStatus } from './vocabulary.js';

export interface ScheduleInput {
  readonly protocol: Protocol;
  readonly armKey: string;
  /** Study Day 1 (Day 0 where the protocol says so): the planned date of the first dose. */
  readonly start: string;
  readonly enrollment?: string | undefined;
  readonly randomization?: string | undefined;
  /** Actual dates of visits that were done, by visit key. */
  readonly actual?: Readonly<Record<string, string>>;
  /** Visits that were missed: they keep their place, and what hangs on them uses their planned date. */
  readonly missed?: readonly string[];
  /** Planned dates recorded when visits were done, missed or cancelled; such a visit keeps it whatever changes later. */
  readonly frozenPlanned?: Readonly<Record<string, string>>;
  /** New dates the coordinator set for visits not yet done; what hangs on them follows. */
  readonly rescheduled?: Readonly<Record<string, string>>;
  /** Visits that will not happen (withdrawal): like missed, they keep their place. */
  readonly cancelled?: readonly string[];
}

export type { VisitStatus } from './vocabulary.js';

export interface ScheduledVisit {
  readonly key: string;
  readonly label: string;
  readonly kind: VisitKind;
  /** The dosing series a dose belongs to, and its number in the series (1-based). */
  readonly series: string | null;
  readonly doseNumber: number | null;
  /** Where the visit is planned now, from the actual dates known so far (or its new date if rescheduled). */
  readonly plannedDate: string;
  /** True when the coordinator set the planned date by hand. */
  readonly rescheduled: boolean;
  /** Where it was first projected, from the start date alone. */
  readonly projectedDate: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** The window as the protocol words it ("within 24 h"), or null where none is stated. */
  readonly windowText: string | null;
  readonly windowStated: boolean;
  /** Study day of the actual date for a done visit, else of the planned date. */
  readonly studyDay: number;
  /** What the date is counted from: "start", "enrollment", "randomization", or a visit key. */
  readonly anchor: string;
  readonly actualDate: string | null;
  readonly status: VisitStatus;
  /** An actual date outside the window: a protocol deviation that needs a reason. */
  readonly outOfWindow: boolean;
  readonly procedures: readonly string[];
}

/** Something the protocol leaves open, so it cannot be put on the calendar. */
export interface OpenItem {
  readonly key: string;
  readonly label: string;
  readonly reason: string;
}

export interface Schedule {
  readonly protocolId: string;
  readonly armKey: string;
  readonly studyDayOne: string;
  readonly visits: readonly ScheduledVisit[];
  readonly open: readonly OpenItem[];
}

export class ScheduleError extends Error {
  constructor(
    readonly code: 'unknown_arm' | 'unknown_visit' | 'invalid_date' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

type Ref = { kind: 'start' } | { kind: 'enrollment' } | { kind: 'randomization' } | { kind: 'node'; key: string };

interface Node {
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

export function computeSchedule(input: ScheduleInput): Schedule {
  const { protocol } = input;
  const arm = protocol.arms.find((a) => a.key === input.armKey);
  if (!arm) throw new ScheduleError('unknown_arm', `Unknown arm "${input.armKey}" in protocol "${protocol.id}"; arms: ${protocol.arms.map((a) => a.key).join(', ')}`);
  const start = date(input.start, 'start');
  const fixed = {
    enrollment: input.enrollment === undefined ? undefined : date(input.enrollment, 'enrollment'),
    randomization: input.randomization === undefined ? undefined : date(input.randomization, 'randomization'),
  };
  const { nodes, open, byKey, firstDose } = expanded(arm, protocol.studyDay.firstDoseIs, fixed);

  const actual = new Map<string, PlainDate>();
  for (const [key, value] of Object.entries(input.actual ?? {})) actual.set(knownKey(key, byKey, arm, open), date(value, key));
  const missed = new Set((input.missed ?? []).map((k) => knownKey(k, byKey, arm, open)));
  for (const k of missed) if (actual.has(k)) throw new ScheduleError('conflict', `Visit "${k}" cannot be both done and missed`);
  const cancelled = new Set((input.cancelled ?? []).map((k) => knownKey(k, byKey, arm, open)));
  for (const k of cancelled) if (actual.has(k) || missed.has(k)) throw new ScheduleError('conflict', `Visit "${k}" cannot be cancelled and also done or missed`);
  const rescheduled = new Map<string, PlainDate>();
  for (const [key, value] of Object.entries(input.rescheduled ?? {})) if (!actual.has(knownKey(key, byKey, arm, open))) rescheduled.set(key, date(value, key));
  const frozen = new Map<string, PlainDate>();
  // Settled visits (done, missed, cancelled) never move: each keeps the planned date it had when it was settled.
  for (const [key, value] of Object.entries(input.frozenPlanned ?? {})) if (actual.has(key) || missed.has(key) || cancelled.has(key)) frozen.set(key, date(value, key));

  const baseline = resolver(nodes, byKey, start, fixed, null, new Set(), new Map(), new Map());
  const current = resolver(nodes, byKey, start, fixed, actual, new Set([...missed, ...cancelled]), frozen, rescheduled);
  const day1 = firstDose ? (actual.get(firstDose.key) ?? start) : start;
  const convention = protocol.studyDay.firstDoseIs;

  const visits = nodes.map((n): ScheduledVisit => {
    const planned = current.plan(n.key);
    // The window is around the date in force: the protocol's, the one the visit had when it was
    // settled, or the new date it was rescheduled to (the window moves with it).
    const natural = current.natural(n.key);
    const before = n.window ? windowDays(n.window.before) : 0;
    const after = n.window ? windowDays(n.window.after) : 0;
    const windowStart = natural.subtract({ days: before });
    const windowEnd = natural.add({ days: after });
    const done = actual.get(n.key);
    return {
      key: n.key,
      label: n.label,
      kind: n.kind,
      series: n.series,
      doseNumber: n.doseNumber,
      plannedDate: planned.toString(),
      rescheduled: rescheduled.has(n.key),
      projectedDate: baseline.plan(n.key).toString(),
      windowStart: windowStart.toString(),
      windowEnd: windowEnd.toString(),
      windowText: n.window?.text ?? null,
      windowStated: n.window !== null,
      studyDay: studyDayOf(done ?? planned, day1, convention),
      anchor: refName(n.ref),
      actualDate: done?.toString() ?? null,
      status: done ? 'done' : missed.has(n.key) ? 'missed' : cancelled.has(n.key) ? 'cancelled' : 'planned',
      outOfWindow: done !== undefined && (compareDates(done, windowStart) < 0 || compareDates(done, windowEnd) > 0),
      procedures: n.procedures,
    };
  });
  visits.sort((a, b) => (a.plannedDate < b.plannedDate ? -1 : a.plannedDate > b.plannedDate ? 1 : byKey.get(a.key)!.order - byKey.get(b.key)!.order));
  return { protocolId: protocol.id, armKey: arm.key, studyDayOne: day1.toString(), visits, open: [...open] };
}

function date(value: string, what: string): PlainDate {
  try {
    return parseDate(value);
  } catch (e) {
    if (e instanceof InvalidDateError) throw new ScheduleError('invalid_date', `Bad date for ${what}: ${e.message}`);
    throw e;
  }
}

function knownKey(key: string, byKey: ReadonlyMap<string, Node>, arm: Arm, open: readonly OpenItem[]): string {
  if (byKey.has(key)) return key;
  const gap = open.find((o) => o.key === key);
  if (gap) throw new ScheduleError('unknown_visit', `Visit "${key}" has no date in arm "${arm.key}": ${gap.reason}`);
  throw new ScheduleError('unknown_visit', `Unknown visit key "${key}" in arm "${arm.key}"; visits: ${[...byKey.keys()].join(', ')}`);
}

function refName(ref: Ref): string {
  return ref.kind === 'node' ? ref.key : ref.kind;
}

/**
 * Planned dates, computed from each visit's anchor. `actual` null gives the first projection
 * (start date alone). Otherwise an anchor that was done counts from its actual date; one that
 * was missed, or is still ahead, from its planned date.
 */
function resolver(
  nodes: readonly Node[],
  byKey: ReadonlyMap<string, Node>,
  start: PlainDate,
  fixed: { enrollment?: PlainDate | undefined; randomization?: PlainDate | undefined },
  actual: Map<string, PlainDate> | null,
  missed: Set<string>,
  frozen: Map<string, PlainDate>,
  rescheduled: Map<string, PlainDate>,
): { plan: (key: string) => PlainDate; natural: (key: string) => PlainDate } {
  const planned = new Map<string, PlainDate>();
  const naturals = new Map<string, PlainDate>();
  const visiting = new Set<string>();
  const firstDoseKey = nodes.find((n) => n.doseNumber === 1 && n.ref.kind === 'start')?.key;
  const effective = (key: string): PlainDate => {
    const done = actual?.get(key);
    if (done && !missed.has(key)) return done;
    return plan(key);
  };
  const plan = (key: string): PlainDate => {
    const cached = planned.get(key);
    if (cached) return cached;
    const node = byKey.get(key)!;
    // Anchors are checked for loops when a protocol is validated; this guards the engine too.
    if (visiting.has(key)) throw new ScheduleError('conflict', `Visit anchors go round in a circle at "${key}"`);
    visiting.add(key);
    const anchorDate =
      node.ref.kind === 'start' ? start : node.ref.kind === 'node' ? effective(node.ref.key) : fixed[node.ref.kind]!;
    const natural = node.place(anchorDate, () => (firstDoseKey ? effective(firstDoseKey) : start));
    visiting.delete(key);
    // A settled visit keeps the planned date (and so the window) it had when it was settled; a
    // rescheduled one carries its window to the new date.
    naturals.set(key, frozen.get(key) ?? rescheduled.get(key) ?? natural);
    const result = frozen.get(key) ?? rescheduled.get(key) ?? natural;
    planned.set(key, result);
    return result;
  };
  const natural = (key: string): PlainDate => {
    plan(key);
    return naturals.get(key)!;
  };
  return { plan, natural };
}

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
function expanded(arm: Arm, firstDoseIs: 0 | 1, fixed: { enrollment?: PlainDate | undefined; randomization?: PlainDate | undefined }): Expanded {
  const key = `${firstDoseIs}${fixed.enrollment ? 'e' : ''}${fixed.randomization ? 'r' : ''}`;
  let forArm = expansions.get(arm);
  if (!forArm) expansions.set(arm, (forArm = new Map()));
  let e = forArm.get(key);
  if (!e) {
    const { nodes, open } = buildNodes(arm, firstDoseIs, fixed);
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
