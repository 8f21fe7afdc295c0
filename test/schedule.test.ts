// The schedule engine: examples from the seed protocols, conventions, re-planning, and
// properties over random protocols. npm test runs this file under several TZ values.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addOffset, dateOfStudyDay, parseDate, studyDayOf } from '../core/dates.js';
import { ProtocolSchema, type Protocol } from '../core/protocol.js';
import { computeSchedule, ScheduleError, type Schedule, type ScheduleInput } from '../core/schedule.js';
import { SEEDS_DIR } from './helpers/db.js';
import { armArb, inZones, isoDate, scenario } from './helpers/schedule-arbs.js';

const seed = (id: string): Protocol => ProtocolSchema.parse(JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, `${id}.json`), 'utf8')));
const dates = (s: Schedule) => Object.fromEntries(s.visits.map((v) => [v.key, v.plannedDate]));

describe('seed schedules', () => {
  it('COVID-19 UC-MSC: 4 infusions every other day; follow-up within 24 h and 1, 2, 4, 8 weeks after the final infusion; Day 28', () => {
    for (const arm of ['uc-msc', 'placebo']) {
      const s = computeSchedule({ protocol: seed('ucmsc-covid19'), armKey: arm, start: '2024-03-01' });
      expect(s.visits.map((v) => [v.key, v.plannedDate, v.studyDay])).toEqual([
        ['infusion-1', '2024-03-01', 1],
        ['infusion-2', '2024-03-03', 3],
        ['infusion-3', '2024-03-05', 5],
        ['infusion-4', '2024-03-07', 7],
        ['post-24h', '2024-03-08', 8],
        ['post-w1', '2024-03-14', 14],
        ['post-w2', '2024-03-21', 21],
        ['day-28', '2024-03-28', 28],
        ['post-w4', '2024-04-04', 35],
        ['post-w8', '2024-05-02', 63],
      ]);
      const within24h = s.visits.find((v) => v.key === 'post-24h')!;
      // "Within 24 h" of the final infusion: the infusion day or the next.
      expect([within24h.windowStart, within24h.windowEnd, within24h.windowText]).toEqual(['2024-03-07', '2024-03-08', 'within 24 h after the final infusion']);
      expect(s.open).toEqual([]);
    }
  });

  it('cirrhosis: 3 infusions at 4-week intervals; weeks 12, 24, 48 and month 75 after the first, with month-end clamping', () => {
    const s = computeSchedule({ protocol: seed('ucmsc-cirrhosis'), armKey: 'arm-b', start: '2024-01-31' });
    expect(dates(s)).toEqual({
      'infusion-1': '2024-01-31',
      'infusion-2': '2024-02-28',
      'infusion-3': '2024-03-27',
      'week-12': '2024-04-24',
      'week-24': '2024-07-17',
      'week-48': '2025-01-01',
      'month-75': '2030-04-30',
    });
  });

  it('sepsis: the number of sessions is not stated, so only the first is placed and the gap is listed', () => {
    const s = computeSchedule({ protocol: seed('ucmsc-sepsis'), armKey: 'experimental', start: '2025-06-10' });
    expect(dates(s)).toEqual({ 'infusion-1': '2025-06-10', 'day-28': '2025-07-07' });
    expect(s.open).toEqual([{ key: 'infusion-2', label: 'Stem cell infusion: further administrations', reason: 'the number of administrations is not stated' }]);
  });

  it('the exosome and Beike trials state no schedule beyond a first administration, and say so', () => {
    const exo = computeSchedule({ protocol: seed('msc-exo-covid19'), armKey: 'msc-exo', start: '2020-02-20' });
    expect(exo.visits.map((v) => v.key)).toEqual(['inhalation-1']);
    expect(exo.open.map((o) => o.reason)).toEqual(['the number of administrations is not stated']);
    const beike = computeSchedule({ protocol: seed('hucmsc-decompensated-cirrhosis'), armKey: 'high', start: '2011-05-02' });
    expect(beike.visits.map((v) => v.label)).toEqual(['hUC-MSC transplantation (high dose) 1']);
  });
});

describe('re-planning', () => {
  const covid = seed('ucmsc-covid19');

  it('a late dose pushes the later doses and everything anchored on the last; the first projection is kept', () => {
    const s = computeSchedule({ protocol: covid, armKey: 'uc-msc', start: '2024-03-01', actual: { 'infusion-1': '2024-03-01', 'infusion-2': '2024-03-05' } });
    const v = Object.fromEntries(s.visits.map((x) => [x.key, x]));
    expect([v['infusion-3']!.plannedDate, v['infusion-3']!.projectedDate, v['infusion-3']!.anchor]).toEqual(['2024-03-07', '2024-03-05', 'infusion-2']);
    expect(v['post-w8']!.plannedDate).toBe('2024-05-04');
    expect(v['post-w8']!.projectedDate).toBe('2024-05-02');
    // Day 28 counts from the first dose, which was on time.
    expect(v['day-28']!.plannedDate).toBe('2024-03-28');
    expect(v['infusion-2']).toMatchObject({ status: 'done', actualDate: '2024-03-05', plannedDate: '2024-03-03', outOfWindow: true, studyDay: 5 });
  });

  it('a late first dose moves Day 1 and every study day', () => {
    const s = computeSchedule({ protocol: covid, armKey: 'uc-msc', start: '2024-03-01', actual: { 'infusion-1': '2024-03-04' } });
    expect(s.studyDayOne).toBe('2024-03-04');
    expect(dates(s)['day-28']).toBe('2024-03-31');
    expect(s.visits.find((v) => v.key === 'infusion-1')).toMatchObject({ studyDay: 1, outOfWindow: true });
  });

  it('a missed visit keeps its place and what hangs on it counts from its planned date', () => {
    const plain = computeSchedule({ protocol: covid, armKey: 'uc-msc', start: '2024-03-01' });
    const missed = computeSchedule({ protocol: covid, armKey: 'uc-msc', start: '2024-03-01', missed: ['infusion-4'] });
    expect(dates(missed)).toEqual(dates(plain));
    expect(missed.visits.find((v) => v.key === 'infusion-4')!.status).toBe('missed');
  });

  it('an actual date inside the window is accepted; outside it is flagged', () => {
    const p = structuredClone(covid);
    p.arms[0]!.dosing[0]!.window = { before: { value: 1, unit: 'days' }, after: { value: 1, unit: 'days' } };
    const on = computeSchedule({ protocol: p, armKey: 'uc-msc', start: '2024-03-01', actual: { 'infusion-2': '2024-03-04' } });
    expect(on.visits.find((v) => v.key === 'infusion-2')!.outOfWindow).toBe(false);
    const off = computeSchedule({ protocol: p, armKey: 'uc-msc', start: '2024-03-01', actual: { 'infusion-2': '2024-03-05' } });
    expect(off.visits.find((v) => v.key === 'infusion-2')!.outOfWindow).toBe(true);
  });

  it('refuses unknown arms and visits, bad dates, and a visit both done and missed', () => {
    const run = (i: Partial<ScheduleInput>) => () => computeSchedule({ protocol: covid, armKey: 'uc-msc', start: '2024-03-01', ...i });
    expect(run({ armKey: 'x' })).toThrow(new ScheduleError('unknown_arm', 'Unknown arm "x" in protocol "ucmsc-covid19"; arms: uc-msc, placebo'));
    expect(run({ start: '2023-02-29' })).toThrow(/Bad date for start/);
    expect(run({ start: '2024-3-1' })).toThrow(/Bad date for start/);
    expect(run({ actual: { nope: '2024-03-01' } })).toThrow(/Unknown visit key "nope"/);
    expect(run({ actual: { 'infusion-1': '2024-03-01' }, missed: ['infusion-1'] })).toThrow(/both done and missed/);
  });
});

describe('calendar conventions', () => {
  it('months clamp to the month end, in leap and non-leap years', () => {
    const m = (d: string, n: number) => addOffset(parseDate(d), { value: n, unit: 'months' }).toString();
    expect(m('2024-01-31', 1)).toBe('2024-02-29');
    expect(m('2023-01-31', 1)).toBe('2023-02-28');
    expect(m('2024-01-31', 75)).toBe('2030-04-30');
    expect(m('2024-08-31', 1)).toBe('2024-09-30');
    expect(m('1900-01-31', 1)).toBe('1900-02-28'); // 1900 is not a leap year
    expect(m('2000-01-31', 1)).toBe('2000-02-29'); // 2000 is
    expect(addOffset(parseDate('2024-02-29'), { value: 1, unit: 'years' }).toString()).toBe('2025-02-28');
  });

  it('hours become whole days: 24 h is the next day, 23 h the same day', () => {
    const h = (n: number) => addOffset(parseDate('2024-03-09'), { value: n, unit: 'hours' }).toString();
    expect([h(0), h(23), h(24), h(47), h(48)]).toEqual(['2024-03-09', '2024-03-09', '2024-03-10', '2024-03-10', '2024-03-11']);
  });

  it('study days: Day 1 is the first dose and there is no Day 0, unless the protocol counts from Day 0', () => {
    const d1 = parseDate('2024-03-10');
    expect([-1, 0, 1, 27].map((n) => studyDayOf(d1.add({ days: n }), d1, 1))).toEqual([-1, 1, 2, 28]);
    expect([-1, 0, 1, 27].map((n) => studyDayOf(d1.add({ days: n }), d1, 0))).toEqual([-1, 0, 1, 27]);
    expect(dateOfStudyDay(28, d1, 1).toString()).toBe('2024-04-06');
    expect(dateOfStudyDay(-1, d1, 1).toString()).toBe('2024-03-09');
    expect(() => dateOfStudyDay(0, d1, 1)).toThrow(/no study day 0/);
    const p = structuredClone(seed('ucmsc-covid19'));
    p.studyDay.firstDoseIs = 0;
    expect(dates(computeSchedule({ protocol: p, armKey: 'uc-msc', start: '2024-03-01' }))['day-28']).toBe('2024-03-29');
  });

  it('repeating follow-up: every 3 months to month 75, each counted from the anchor', () => {
    const p = structuredClone(seed('ucmsc-cirrhosis'));
    p.arms[0]!.visits.push({ key: 'fu', label: 'Follow-up', kind: 'follow-up', anchor: { type: 'firstDose' }, offset: { value: 3, unit: 'months' }, window: null, procedures: [], repeat: { every: { value: 3, unit: 'months' }, until: { value: 75, unit: 'months' } } });
    const s = computeSchedule({ protocol: ProtocolSchema.parse(p), armKey: 'arm-a', start: '2024-01-31' });
    const fu = s.visits.filter((v) => v.key.startsWith('fu-'));
    expect(fu).toHaveLength(25);
    expect(fu.slice(0, 4).map((v) => v.plannedDate)).toEqual(['2024-04-30', '2024-07-31', '2024-10-31', '2025-01-31']);
    expect(fu.at(-1)).toMatchObject({ key: 'fu-25', plannedDate: '2030-04-30', label: 'Follow-up (75 months)' });
  });

  it('start dates on daylight-saving changes give the same calendar in every zone', () => {
    const starts = ['2024-03-10', '2024-11-03', '2024-04-07', '2024-10-06', '2011-12-29', '2011-12-31', '2021-04-04', '2020-09-27', '2024-03-31'];
    const protocol = seed('ucmsc-covid19');
    for (const start of starts) {
      const results = inZones(() => JSON.stringify(computeSchedule({ protocol, armKey: 'uc-msc', start })));
      expect(new Set(results).size, start).toBe(1);
    }
    // Samoa skipped 2011-12-30 on its clocks; a calendar date still exists for it.
    expect(dates(computeSchedule({ protocol, armKey: 'uc-msc', start: '2011-12-29' }))['post-24h']).toBe('2012-01-05');
  });
});

// ---- properties over random protocols ----


describe('schedule properties', () => {
  const run = (s: { protocol: Protocol; start: string; actual: Record<string, string>; missed: string[] }) =>
    computeSchedule({ protocol: s.protocol, armKey: s.protocol.arms[0]!.key, start: s.start, actual: s.actual, missed: s.missed });

  it('is identical in every time zone', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const results = inZones(() => JSON.stringify(run(s)));
        expect(new Set(results).size).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it('every visit lies inside its own window, and windows are the right way round', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const v of run(s).visits) {
          expect(v.windowStart <= v.plannedDate && v.plannedDate <= v.windowEnd, v.key).toBe(true);
          expect(v.outOfWindow).toBe(v.actualDate !== null && (v.actualDate < v.windowStart || v.actualDate > v.windowEnd));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('series intervals hold between each actual (or planned) dose and the next planned one', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = run(s);
        const series = s.protocol.arms[0]!.dosing[0]!;
        const byKey = new Map(result.visits.map((v) => [v.key, v]));
        for (const v of result.visits) {
          if (v.doseNumber === null || v.doseNumber === 1) continue;
          const prev = byKey.get(`${series.key}-${v.doseNumber - 1}`)!;
          const from = parseDate(prev.actualDate ?? prev.plannedDate);
          expect(v.plannedDate).toBe(addOffset(from, series.interval!).toString());
          expect(v.anchor).toBe(prev.key);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a visit anchored on a done visit counts from its actual date; on a missed one from its planned date', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = run(s);
        const byKey = new Map(result.visits.map((v) => [v.key, v]));
        for (const def of s.protocol.arms[0]!.visits) {
          if (def.anchor.type !== 'visit' || def.repeat) continue;
          const v = byKey.get(def.key);
          const anchor = byKey.get(def.anchor.visit);
          if (!v || !anchor) continue;
          expect(v.plannedDate).toBe(addOffset(parseDate(anchor.actualDate ?? anchor.plannedDate), def.offset).toString());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('marking a visit done never moves it, and a done visit keeps its planned date whatever is recorded later', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: -10, max: 10 }), fc.nat(), (s, slip, which) => {
        const before = run(s);
        const open = before.visits.filter((v) => v.status === 'planned');
        fc.pre(open.length > 0);
        const target = open[which % open.length]!;
        const actual = { ...s.actual, [target.key]: parseDate(target.plannedDate).add({ days: slip }).toString() };
        const after = run({ ...s, actual });
        const done = after.visits.find((v) => v.key === target.key)!;
        expect([done.plannedDate, done.actualDate, done.status]).toEqual([target.plannedDate, actual[target.key], 'done']);
        // With the planned dates recorded at completion, later records never move done visits.
        const frozenPlanned = Object.fromEntries(after.visits.filter((v) => v.status === 'done').map((v) => [v.key, v.plannedDate]));
        const more = open.filter((v) => v.key !== target.key);
        fc.pre(more.length > 0);
        const extra = more[(which * 7) % more.length]!;
        const later = computeSchedule({
          protocol: s.protocol,
          armKey: s.protocol.arms[0]!.key,
          start: s.start,
          actual: { ...actual, [extra.key]: parseDate(extra.plannedDate).add({ days: -slip }).toString() },
          missed: s.missed,
          frozenPlanned,
        });
        for (const v of after.visits.filter((x) => x.status === 'done')) {
          const again = later.visits.find((x) => x.key === v.key)!;
          expect([again.plannedDate, again.actualDate]).toEqual([v.plannedDate, v.actualDate]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('with nothing recorded, planned equals projected; in date order', () => {
    fc.assert(
      fc.property(armArb, isoDate, (protocol, start) => {
        const s = computeSchedule({ protocol, armKey: protocol.arms[0]!.key, start });
        for (const v of s.visits) expect(v.plannedDate).toBe(v.projectedDate);
        const planned = s.visits.map((v) => v.plannedDate);
        expect(planned).toEqual([...planned].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('month arithmetic clamps to the last day of the month, from 1900 to 2100', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: 0, max: 900 }), (d, n) => {
        const from = parseDate(d);
        const to = addOffset(from, { value: n, unit: 'months' });
        const months = from.year * 12 + from.month - 1 + n;
        expect([to.year, to.month]).toEqual([Math.floor(months / 12), (months % 12) + 1]);
        expect(to.day).toBe(Math.min(from.day, to.daysInMonth));
      }),
      { numRuns: 1000 },
    );
  });
});
