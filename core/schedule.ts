// The schedule engine: from an arm definition and a participant's dates, every dosing and
// follow-up visit with its window, re-planned from what actually happened. Pure: the same
// input gives the same output in every time zone (all arithmetic is on calendar dates).
import { compareDates, InvalidDateError, parseDate, studyDayOf, windowDays, type PlainDate } from './dates.js';
import { expanded, type Node, type OpenItem, type Ref } from './schedule-nodes.js';
import { closures, NO_CLOSURE, placeOnOpenDay, type ClosedOn, type Closure, type SiteClosures } from './closures.js';
import type { Arm, Protocol, VisitKind } from './protocol.js';
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
  /** Dates of the protocol's events recorded for the participant (surgery, transplant), by event key. */
  readonly events?: Readonly<Record<string, string>>;
  /** The site's working days: a visit planned on a closed day moves to the nearest open day in its window. */
  readonly closures?: SiteClosures | undefined;
}

export type { SiteClosures } from './closures.js';

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
  /** The date the protocol alone gives, where the site's closed day moved the visit (null: not moved). */
  readonly movedFrom: string | null;
  /** Why it moved: the closed day ("Saturday", "Christmas Day"); null when not moved. */
  readonly movedBecause: string | null;
  /** The planned date is a closed day and no open day is in the window: the coordinator decides. */
  readonly closedDay: string | null;
}

export type { OpenItem } from './schedule-nodes.js';

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


export function computeSchedule(input: ScheduleInput): Schedule {
  const { protocol } = input;
  const arm = protocol.arms.find((a) => a.key === input.armKey);
  if (!arm) throw new ScheduleError('unknown_arm', `Unknown arm "${input.armKey}" in protocol "${protocol.id}"; arms: ${protocol.arms.map((a) => a.key).join(', ')}`);
  const start = date(input.start, 'start');
  const fixed = {
    enrollment: input.enrollment === undefined ? undefined : date(input.enrollment, 'enrollment'),
    randomization: input.randomization === undefined ? undefined : date(input.randomization, 'randomization'),
  };
  const events = new Map<string, PlainDate>();
  for (const [key, value] of Object.entries(input.events ?? {})) {
    const ev = (protocol.events ?? []).find((e) => e.key === key);
    if (!ev) throw new ScheduleError('unknown_visit', `Unknown event "${key}" in protocol "${protocol.id}"; events: ${(protocol.events ?? []).map((e) => e.key).join(', ') || 'none'}`);
    events.set(key, date(value, ev.label));
  }
  const { nodes, open, byKey, firstDose } = expanded(arm, protocol.studyDay.firstDoseIs, fixed, protocol.events ?? [], new Set(events.keys()));
  const closed = closures(input.closures);

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

  const baseline = resolver(nodes, byKey, start, fixed, events, null, new Set(), new Map(), new Map(), closed);
  const current = resolver(nodes, byKey, start, fixed, events, actual, new Set([...missed, ...cancelled]), frozen, rescheduled, closed);
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
      ...current.closure(n.key),
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
  return ref.kind === 'node' ? ref.key : ref.kind === 'event' ? `event:${ref.key}` : ref.kind;
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
  events: ReadonlyMap<string, PlainDate>,
  actual: Map<string, PlainDate> | null,
  missed: Set<string>,
  frozen: Map<string, PlainDate>,
  rescheduled: Map<string, PlainDate>,
  closedOn: ClosedOn | null,
): { plan: (key: string) => PlainDate; natural: (key: string) => PlainDate; closure: (key: string) => Closure } {
  const planned = new Map<string, PlainDate>();
  const naturals = new Map<string, PlainDate>();
  const closuresOf = new Map<string, Closure>();
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
      node.ref.kind === 'start' ? start : node.ref.kind === 'node' ? effective(node.ref.key) : node.ref.kind === 'event' ? events.get(node.ref.key)! : fixed[node.ref.kind]!;
    const natural = node.place(anchorDate, () => (firstDoseKey ? effective(firstDoseKey) : start));
    visiting.delete(key);
    // A settled visit keeps the planned date (and so the window) it had when it was settled; a
    // rescheduled one carries its window to the new date.
    const inForce = frozen.get(key) ?? rescheduled.get(key) ?? natural;
    naturals.set(key, inForce);
    let result = inForce;
    // The site's closed days move only what the protocol placed: never a settled visit, nor a
    // date the coordinator chose. What counts from it counts from the moved date.
    if (closedOn && !frozen.has(key) && !rescheduled.has(key) && !(actual?.has(key) && !missed.has(key))) {
      const w = node.window;
      const placed = placeOnOpenDay(natural, w ? windowDays(w.before) : 0, w ? windowDays(w.after) : 0, closedOn);
      result = placed.date;
      closuresOf.set(key, placed.closure);
    }
    planned.set(key, result);
    return result;
  };
  const natural = (key: string): PlainDate => {
    plan(key);
    return naturals.get(key)!;
  };
  const closure = (key: string): Closure => {
    plan(key);
    return closuresOf.get(key) ?? NO_CLOSURE;
  };
  return { plan, natural, closure };
}
