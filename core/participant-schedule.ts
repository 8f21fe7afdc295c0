// The rules that turn a participant's record into the engine's input: which arm's schedule they
// follow, which visit keys it has, and how visits done before the participant reached the app
// (an import) are replayed. Pure: db/ stores what these say.
import { computeSchedule, type Schedule, type ScheduleInput } from './schedule.js';
import type { Protocol } from './protocol.js';
import { SETTLED_VISIT_STATUSES, type VisitStatus } from './vocabulary.js';

/**
 * The arm whose schedule a participant follows. A participant imported with only a blinded
 * code (the sponsor holds the arm) follows the schedule all arms share; where the arms'
 * schedules differ there is none, and null is returned.
 */
export function scheduleArmFor(protocol: Protocol, armKey: string | null): string | null {
  if (armKey) return armKey;
  if (!sharedArm.has(protocol)) {
    const shape = (key: string) => JSON.stringify(computeSchedule({ protocol, armKey: key, start: '2000-01-01' }).visits.map((v) => [v.key, v.plannedDate, v.windowStart, v.windowEnd]));
    const first = shape(protocol.arms[0]!.key);
    sharedArm.set(protocol, protocol.arms.every((a) => shape(a.key) === first) ? protocol.arms[0]!.key : null);
  }
  return sharedArm.get(protocol)!;
}
const sharedArm = new WeakMap<Protocol, string | null>();

/** Every visit key an arm's schedule has (dose keys included). */
export function scheduleKeys(protocol: Protocol, armKey: string): ReadonlySet<string> {
  let byArm = keysCache.get(protocol);
  if (!byArm) keysCache.set(protocol, (byArm = new Map()));
  let keys = byArm.get(armKey);
  if (!keys) byArm.set(armKey, (keys = new Set(computeSchedule({ protocol, armKey, start: '2000-01-01' }).visits.map((v) => v.key))));
  return keys;
}
const keysCache = new WeakMap<Protocol, Map<string, ReadonlySet<string>>>();

/** Visits already done when a participant is first scheduled (an import): dates, and the planned dates they had then. */
export interface InitialRecord {
  readonly actual: Readonly<Record<string, string>>;
  readonly frozenPlanned: Readonly<Record<string, string>>;
  readonly by: string;
  readonly reason: string;
}

/** What the engine needs to know of one stored visit. */
export interface RecordedVisit {
  readonly key: string;
  readonly status: VisitStatus;
  readonly actualDate: string | null;
  readonly plannedDate: string;
  readonly rescheduledDate: string | null;
  /** The order the visit was settled in (done, missed, cancelled); null while planned. */
  readonly settledSeq: number | null;
}

/**
 * The engine's input for a participant from their stored visits. Visits the protocol version
 * does not have (left from an earlier version) stay as recorded and do not take part. A done
 * visit keeps the planned date it had when it was done; missed and cancelled visits keep their
 * place; a rescheduled planned visit is placed on its new date.
 */
/** What the engine needs beyond the visits: the participant's recorded events and the site's closed days. */
export type SiteAndEvents = Pick<ScheduleInput, 'events' | 'closures'>;

export function engineInput(protocol: Protocol, armKey: string, day1: string, recorded: readonly RecordedVisit[], initial?: InitialRecord, site: SiteAndEvents = {}): ScheduleInput {
  const known = scheduleKeys(protocol, armKey);
  const rows = recorded.filter((r) => known.has(r.key));
  const done = rows.filter((r) => r.status === 'done');
  const settled = rows.filter((r) => SETTLED_VISIT_STATUSES.includes(r.status));
  return {
    ...site,
    protocol,
    armKey,
    start: day1,
    actual: { ...initial?.actual, ...Object.fromEntries(done.map((r) => [r.key, r.actualDate!])) },
    frozenPlanned: { ...initial?.frozenPlanned, ...Object.fromEntries(settled.map((r) => [r.key, r.plannedDate])) },
    missed: rows.filter((r) => r.status === 'missed').map((r) => r.key),
    cancelled: rows.filter((r) => r.status === 'cancelled').map((r) => r.key),
    rescheduled: Object.fromEntries(rows.filter((r) => r.status === 'planned' && r.rescheduledDate).map((r) => [r.key, r.rescheduledDate!])),
  };
}

/**
 * The planned date each settled visit would have had if every visit had been settled, in the
 * order they were, with the values recorded now: what a correction re-plans from. Each settled
 * visit takes the plan of the engine given the visits settled before it (and the dates visits
 * were rescheduled to), exactly as when it was recorded, so a corrected date re-plans as if it
 * had been recorded first.
 */
export function replaySettled(protocol: Protocol, armKey: string, day1: string, recorded: readonly RecordedVisit[], site: SiteAndEvents = {}): Record<string, string> {
  const known = scheduleKeys(protocol, armKey);
  const settled = recorded.filter((r) => SETTLED_VISIT_STATUSES.includes(r.status) && known.has(r.key)).sort((a, b) => (a.settledSeq ?? 0) - (b.settledSeq ?? 0));
  const rescheduled = Object.fromEntries(recorded.filter((r) => r.rescheduledDate !== null && known.has(r.key)).map((r) => [r.key, r.rescheduledDate!]));
  const actual: Record<string, string> = {};
  const frozenPlanned: Record<string, string> = {};
  const missed: string[] = [];
  const cancelled: string[] = [];
  for (const v of settled) {
    const plan = computeSchedule({ ...site, protocol, armKey, start: day1, actual, frozenPlanned, missed, cancelled, rescheduled: withoutSettled(rescheduled, actual, missed, cancelled) });
    frozenPlanned[v.key] = plan.visits.find((x) => x.key === v.key)!.plannedDate;
    if (v.status === 'done') actual[v.key] = v.actualDate!;
    else if (v.status === 'missed') missed.push(v.key);
    else cancelled.push(v.key);
  }
  return frozenPlanned;
}

function withoutSettled(rescheduled: Record<string, string>, actual: Record<string, string>, missed: readonly string[], cancelled: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, d] of Object.entries(rescheduled)) if (!(k in actual) && !missed.includes(k) && !cancelled.includes(k)) out[k] = d;
  return out;
}

/**
 * Replays visits done before a participant reaches the app (an import) in date order through the
 * engine: each visit's planned date is the one it had when it was done, exactly as if each had
 * been recorded in turn.
 *
 * A visit's planned date depends only on the chain of visits it is counted from, up to the first
 * one that was done. So one run of the engine with every date gives the same planned date for
 * each visit whose nearest done ancestor was done before it (the usual case); only the others
 * are replayed one by one. test/replay.test.ts checks this against the one-by-one replay.
 */
export function replayActuals(
  protocol: Protocol,
  armKey: string,
  day1: string,
  actuals: readonly (readonly [key: string, date: string])[],
  site: SiteAndEvents = {},
): { actual: Record<string, string>; frozenPlanned: Record<string, string>; schedule: Schedule } {
  const order = [...actuals].map(([key, date], i) => ({ key, date, i })).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.i - b.i));
  const rank = new Map(order.map((a, r) => [a.key, r]));
  const actual = Object.fromEntries(order.map((a) => [a.key, a.date]));
  const full = computeSchedule({ ...site, protocol, armKey, start: day1, actual });
  const byKey = new Map(full.visits.map((v) => [v.key, v]));
  const frozenPlanned: Record<string, string> = {};
  const slow: string[] = [];
  for (const { key } of order) {
    const own = rank.get(key)!;
    // The nearest ancestor that was done: its date is what this visit counts from.
    let anchor = byKey.get(key)?.anchor;
    while (anchor !== undefined && byKey.has(anchor) && !rank.has(anchor)) anchor = byKey.get(anchor)!.anchor;
    if (anchor !== undefined && rank.has(anchor) && rank.get(anchor)! > own) slow.push(key);
    else frozenPlanned[key] = byKey.get(key)!.plannedDate;
  }
  for (const key of slow) {
    const own = rank.get(key)!;
    const before = Object.fromEntries(order.filter((a) => rank.get(a.key)! < own).map((a) => [a.key, a.date]));
    frozenPlanned[key] = computeSchedule({ ...site, protocol, armKey, start: day1, actual: before }).visits.find((v) => v.key === key)!.plannedDate;
  }
  // Without slow visits every done visit keeps the planned date the full run gave it, so the full
  // run is the participant's schedule; otherwise the schedule is made again with the frozen dates.
  const schedule = slow.length === 0 ? full : computeSchedule({ ...site, protocol, armKey, start: day1, actual, frozenPlanned });
  return { actual, frozenPlanned, schedule };
}
