import { describe, expect, it } from 'vitest';
import { calendarPlan, datesBetween, monthGrid, monthsBetween } from '../core/calendar.js';

describe('calendar grids', () => {
  it('lays a month out Monday first, with blanks outside the month', () => {
    const feb = monthGrid(2024, 2); // 1 Feb 2024 was a Thursday; 29 days
    expect(feb.weeks[0]).toEqual([null, null, null, '2024-02-01', '2024-02-02', '2024-02-03', '2024-02-04']);
    expect(feb.weeks.at(-1)).toEqual(['2024-02-26', '2024-02-27', '2024-02-28', '2024-02-29', null, null, null]);
    expect(feb.weeks.flat().filter(Boolean)).toHaveLength(29);
  });

  it('plans 75 months as six detailed months and a compact view of the rest', () => {
    expect(monthsBetween('2024-01-31', '2030-04-30')).toHaveLength(76);
    const plan = calendarPlan('2024-01-31', '2030-04-30');
    expect(plan.detailed).toHaveLength(6);
    expect(plan.compact).toHaveLength(70);
    expect(calendarPlan('2024-03-01', '2024-05-02')).toEqual({ detailed: monthsBetween('2024-03-01', '2024-05-02'), compact: [] });
    expect(datesBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });
});
