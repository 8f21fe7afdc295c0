// The site's closed days in the schedule engine, over random protocols and random closures: a
// visit planned on a closed day moves to the nearest open day in its window (the earlier on a
// tie) or is flagged where the window has none; without closed days nothing changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closures, describeWorkingDays, parseWorkingDays, placeOnOpenDay, workingDaysText, type SiteClosures } from '../core/closures.js';
import { addOffset, parseDate } from '../core/dates.js';
import { readIcsHolidays } from '../core/holidays-ics.js';
import { computeSchedule } from '../core/schedule.js';
import { isoDate, scenario } from './helpers/schedule-arbs.js';

const closuresArb = fc
  .record({
    open: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
    holidays: fc.array(fc.record({ date: isoDate, label: fc.constantFrom('Christmas Day', 'New Year’s Day', 'Site closed') }), { maxLength: 30 }),
  })
  .map(({ open, holidays }): SiteClosures => ({ openWeekdays: open, holidays: Object.fromEntries(holidays.map((h) => [h.date, h.label])) }));

const days = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = parseDate(from); d.toString() <= to; d = d.add({ days: 1 })) out.push(d.toString());
  return out;
};

describe('closed days (properties)', () => {
  it('no planned visit with an open day in its window falls on a closed day; every moved date stays in its window', () => {
    fc.assert(
      fc.property(scenario, closuresArb, (s, c) => {
        const closedOn = closures(c) ?? (() => null);
        const result = computeSchedule({ protocol: s.protocol, armKey: s.protocol.arms[0]!.key, start: s.start, actual: s.actual, missed: s.missed, closures: c });
        for (const v of result.visits) {
          const anyOpen = days(v.windowStart, v.windowEnd).some((d) => closedOn(parseDate(d)) === null);
          const closedToday = closedOn(parseDate(v.plannedDate));
          if (v.rescheduled || v.status !== 'planned') continue;
          if (anyOpen) expect(closedToday, `${v.key} on ${v.plannedDate}`).toBeNull();
          else expect(v.closedDay).toBe(closedToday);
          if (v.movedFrom !== null) {
            expect(v.windowStart <= v.plannedDate && v.plannedDate <= v.windowEnd).toBe(true);
            expect(v.movedBecause).toBe(closedOn(parseDate(v.movedFrom)));
            // The nearest open day: none closer to the protocol's date, the earlier one on a tie.
            const gap = Math.abs(parseDate(v.plannedDate).epochDay - parseDate(v.movedFrom).epochDay);
            for (const d of days(v.windowStart, v.windowEnd)) {
              const g = Math.abs(parseDate(d).epochDay - parseDate(v.movedFrom).epochDay);
              if (closedOn(parseDate(d)) === null) expect(g > gap || (g === gap && d >= v.plannedDate)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a series counts its next dose from the planned (moved) date of the one before', () => {
    fc.assert(
      fc.property(scenario, closuresArb, (s, c) => {
        const result = computeSchedule({ protocol: s.protocol, armKey: s.protocol.arms[0]!.key, start: s.start, actual: s.actual, missed: s.missed, closures: c });
        const series = s.protocol.arms[0]!.dosing[0]!;
        const byKey = new Map(result.visits.map((v) => [v.key, v]));
        for (const v of result.visits) {
          if (v.doseNumber === null || v.doseNumber === 1 || v.rescheduled || v.status !== 'planned') continue;
          const prev = byKey.get(`${series.key}-${v.doseNumber - 1}`)!;
          expect(v.movedFrom ?? v.plannedDate).toBe(addOffset(parseDate(prev.actualDate ?? prev.plannedDate), series.interval!).toString());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without closed days every schedule is the same as before (every day open, no holidays)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = { protocol: s.protocol, armKey: s.protocol.arms[0]!.key, start: s.start, actual: s.actual, missed: s.missed };
        const plain = computeSchedule(input);
        expect(computeSchedule({ ...input, closures: { openWeekdays: [1, 2, 3, 4, 5, 6, 7], holidays: {} } })).toEqual(plain);
        expect(computeSchedule({ ...input, closures: undefined })).toEqual(plain);
        for (const v of plain.visits) expect([v.movedFrom, v.movedBecause, v.closedDay]).toEqual([null, null, null]);
      }),
      { numRuns: 300 },
    );
  });

  it('study days never change: they count from Day 1, not from a moved date', () => {
    fc.assert(
      fc.property(scenario, closuresArb, (s, c) => {
        const r = computeSchedule({ protocol: s.protocol, armKey: s.protocol.arms[0]!.key, start: s.start, closures: c });
        const day1 = parseDate(r.studyDayOne).epochDay;
        const firstIs = s.protocol.studyDay.firstDoseIs;
        for (const v of r.visits) {
          const diff = parseDate(v.plannedDate).epochDay - day1;
          expect(v.studyDay).toBe(firstIs === 1 && diff >= 0 ? diff + 1 : diff);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('closed days (cases)', () => {
  const sat = parseDate('2026-03-14');
  const weekdays = closures({ openWeekdays: [1, 2, 3, 4, 5], holidays: { '2026-03-13': 'Site training day' } })!;
  it('goes to the nearest open day, the earlier on a tie, and flags where the window holds none', () => {
    expect(placeOnOpenDay(sat, 3, 3, closures({ openWeekdays: [1, 2, 3, 4, 5], holidays: {} })!)).toEqual({
      date: parseDate('2026-03-13'),
      closure: { movedFrom: '2026-03-14', movedBecause: 'Saturday', closedDay: null },
    });
    // Friday is a holiday: Monday is as near as Thursday, and the earlier wins.
    expect(placeOnOpenDay(sat, 2, 2, weekdays).date.toString()).toBe('2026-03-12');
    expect(placeOnOpenDay(sat, 1, 2, weekdays).date.toString()).toBe('2026-03-16');
    expect(placeOnOpenDay(sat, 2, 2, weekdays).closure.movedBecause).toBe('Saturday');
    expect(placeOnOpenDay(sat, 0, 0, weekdays)).toEqual({ date: sat, closure: { movedFrom: null, movedBecause: null, closedDay: 'Saturday' } });
    expect(placeOnOpenDay(parseDate('2026-03-13'), 3, 0, weekdays).date.toString()).toBe('2026-03-12');
  });

  it('reads and writes working days as the CLI does', () => {
    expect(parseWorkingDays('mon,tue,wed,thu,fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWorkingDays('Monday, Wednesday')).toEqual([1, 3]);
    expect(parseWorkingDays('')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(() => parseWorkingDays('mon,funday')).toThrow('"funday" is not a weekday');
    expect(workingDaysText([5, 1, 2, 3, 4])).toBe('mon,tue,wed,thu,fri');
    expect(describeWorkingDays([1, 2, 3, 4, 5])).toBe('Monday to Friday');
    expect(describeWorkingDays([1, 3, 5])).toBe('Monday, Wednesday, Friday');
    expect(describeWorkingDays([1, 2, 3, 4, 5, 6, 7])).toBe('every day');
  });

  it('reads holidays from an iCalendar file: all-day events, several days, folded lines', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20261225',
      'DTEND;VALUE=DATE:20261227',
      'SUMMARY:Christmas',
      ' holidays',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20270101',
      'SUMMARY:New Year\\, Day',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'SUMMARY:No date',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect(readIcsHolidays(ics)).toEqual({
      holidays: [
        { date: '2026-12-25', label: 'Christmasholidays' },
        { date: '2026-12-26', label: 'Christmasholidays' },
        { date: '2027-01-01', label: 'New Year, Day' },
      ],
      skipped: ['“No date”: no date that could be read'],
    });
    expect(() => readIcsHolidays('date,label\n2026-12-25,Christmas')).toThrow('not a calendar file');
  });
});
