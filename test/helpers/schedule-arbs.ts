// Random protocols, start dates and histories for the schedule engine's property tests.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { parseDate } from '../../core/dates.js';
import { ProtocolSchema, type Arm, type Protocol } from '../../core/protocol.js';
import { computeSchedule } from '../../core/schedule.js';
import { SEEDS_DIR } from './db.js';

const seed = (id: string): Protocol => ProtocolSchema.parse(JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, `${id}.json`), 'utf8')));
export const ZONES = ['UTC', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Apia', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];

export function inZones<T>(fn: () => T): T[] {
  const saved = process.env.TZ;
  try {
    return ZONES.map((tz) => {
      process.env.TZ = tz;
      return fn();
    });
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

const unit = fc.constantFrom('days' as const, 'weeks' as const, 'months' as const);
const offsetUnit = fc.constantFrom('hours' as const, 'days' as const, 'weeks' as const, 'months' as const, 'years' as const);
export const windowArb = fc.option(
  fc.record({
    before: fc.record({ value: fc.integer({ min: 0, max: 14 }), unit: fc.constantFrom('hours' as const, 'days' as const) }),
    after: fc.record({ value: fc.integer({ min: 0, max: 14 }), unit: fc.constantFrom('hours' as const, 'days' as const) }),
  }),
  { nil: null },
);

export const armArb = fc
  .record({
    count: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
    interval: fc.option(fc.record({ value: fc.integer({ min: 1, max: 10 }), unit }), { nil: null, freq: 5 }),
    doseWindow: windowArb,
    visits: fc.array(
      fc.record({
        anchor: fc.integer({ min: 0, max: 9 }),
        studyDay: fc.integer({ min: -30, max: 400 }).filter((d) => d !== 0),
        offset: fc.record({ value: fc.integer({ min: 0, max: 200 }), unit: offsetUnit }),
        window: windowArb,
        repeat: fc.option(fc.record({ every: fc.integer({ min: 1, max: 6 }), times: fc.integer({ min: 0, max: 5 }) }), { nil: null, freq: 4 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ count, interval, doseWindow, visits }): Protocol => {
    const base = structuredClone(seed('ucmsc-covid19'));
    const arm: Arm = {
      ...base.arms[0]!,
      dosing: [{ ...base.arms[0]!.dosing[0]!, count, interval, window: doseWindow }],
      visits: visits.map((v, i) => {
        // Anchors: first dose, last dose, a study day, or an earlier non-repeating visit.
        const earlier = visits.slice(0, i).map((_, j) => j).filter((j) => !visits[j]!.repeat);
        const choice = v.anchor % (earlier.length ? 4 : 3);
        const anchor =
          choice === 0
            ? { type: 'firstDose' as const }
            : choice === 1
              ? { type: 'lastDose' as const }
              : choice === 2
                ? { type: 'studyDay' as const, day: v.studyDay }
                : { type: 'visit' as const, visit: `v${earlier[v.anchor % earlier.length]}` };
        return {
          key: `v${i}`,
          label: `Visit ${i}`,
          kind: 'follow-up' as const,
          anchor,
          offset: v.offset,
          window: v.window,
          procedures: [],
          ...(v.repeat ? { repeat: { every: { value: v.repeat.every, unit: v.offset.unit }, until: { value: v.offset.value + v.repeat.every * v.repeat.times, unit: v.offset.unit } } } : {}),
        };
      }),
    };
    return ProtocolSchema.parse({ ...base, arms: [arm] });
  });

export const isoDate = fc.integer({ min: 0, max: 73000 }).map((n) => Temporal.PlainDate.from('1900-01-01').add({ days: n }).toString());

/** A random protocol, start date, and a random set of done and missed visits with slips. */
export const scenario = fc
  .record({ protocol: armArb, start: isoDate, picks: fc.array(fc.record({ which: fc.nat(), slip: fc.integer({ min: -10, max: 10 }), missed: fc.boolean() }), { maxLength: 8 }) })
  .map(({ protocol, start, picks }) => {
    const base = computeSchedule({ protocol, armKey: protocol.arms[0]!.key, start });
    const actual: Record<string, string> = {};
    const missed = new Set<string>();
    for (const p of picks) {
      if (base.visits.length === 0) break;
      const v = base.visits[p.which % base.visits.length]!;
      if (actual[v.key] || missed.has(v.key)) continue;
      if (p.missed) missed.add(v.key);
      else actual[v.key] = parseDate(v.plannedDate).add({ days: p.slip }).toString();
    }
    return { protocol, start, actual, missed: [...missed] };
  });
