// The import's fast replay of visits done before a participant reached the app gives exactly
// what recording them one by one, in date order, gives.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolSchema, type Protocol } from '../core/protocol.js';
import { computeSchedule } from '../core/schedule.js';
import { replayActuals } from '../core/participant-schedule.js';
import { SEEDS_DIR } from './helpers/db.js';

function oneByOne(protocol: Protocol, armKey: string, day1: string, actuals: readonly (readonly [string, string])[]) {
  const actual: Record<string, string> = {};
  const frozenPlanned: Record<string, string> = {};
  for (const [key, date] of [...actuals].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))) {
    const s = computeSchedule({ protocol, armKey, start: day1, actual, frozenPlanned });
    frozenPlanned[key] = s.visits.find((v) => v.key === key)!.plannedDate;
    actual[key] = date;
  }
  return { actual, frozenPlanned };
}

const seeds = fs
  .readdirSync(SEEDS_DIR)
  .filter((f) => f.endsWith('.json') && f !== 'protocol.schema.json')
  .map((f) => ProtocolSchema.parse(JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, f), 'utf8'))));
// A protocol with chains of visits counted from other visits, and a repeating follow-up.
const chained: Protocol = (() => {
  const p = structuredClone(seeds.find((s) => s.id === 'ucmsc-covid19')!);
  for (const arm of p.arms) {
    arm.visits.push(
      { key: 'ct-1', label: 'CT', kind: 'assessment', anchor: { type: 'visit', visit: 'post-w1' }, offset: { value: 3, unit: 'days' }, window: null, procedures: [] },
      { key: 'ct-2', label: 'CT 2', kind: 'assessment', anchor: { type: 'visit', visit: 'ct-1' }, offset: { value: 1, unit: 'weeks' }, window: null, procedures: [] },
      { key: 'monthly', label: 'Monthly', kind: 'follow-up', anchor: { type: 'firstDose' }, offset: { value: 1, unit: 'months' }, window: null, procedures: [], repeat: { every: { value: 1, unit: 'months' }, until: { value: 12, unit: 'months' } } },
    );
  }
  return p;
})();

describe('replaying imported actual dates', () => {
  it('matches the one-by-one replay for any subset of visits done on any dates, in any order', () => {
    const cases = [...seeds, chained].flatMap((p) => p.arms.map((a) => ({ protocol: p, armKey: a.key, keys: computeSchedule({ protocol: p, armKey: a.key, start: '2024-01-01' }).visits.map((v) => v.key) })));
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.tuple(fc.nat(1000), fc.integer({ min: -20, max: 400 })), { maxLength: 40 }),
        (c, startDay, picks) => {
          const day1 = new Date(Date.UTC(2020, 0, 1) + startDay * 86_400_000).toISOString().slice(0, 10);
          const seen = new Set<string>();
          const actuals: [string, string][] = [];
          for (const [i, offset] of picks) {
            const key = c.keys[i % c.keys.length]!;
            if (seen.has(key)) continue;
            seen.add(key);
            actuals.push([key, new Date(Date.parse(`${day1}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10)]);
          }
          const { schedule, ...replayed } = replayActuals(c.protocol, c.armKey, day1, actuals);
          expect(replayed).toEqual(oneByOne(c.protocol, c.armKey, day1, actuals));
          // The schedule it gives is the engine's with those dates, whichever way it was made.
          expect(schedule).toEqual(computeSchedule({ protocol: c.protocol, armKey: c.armKey, start: day1, ...replayed }));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
