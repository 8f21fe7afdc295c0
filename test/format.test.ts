import { describe, expect, it } from 'vitest';
import { formatDose, formatQuantity, formatSeries, formatTiming, formatWindow, humanize } from '../core/format.js';
import type { DosingSeries } from '../core/protocol.js';

describe('formatting', () => {
  it('writes cell counts in powers of ten', () => {
    expect(formatQuantity(1e8)).toBe('1×10⁸');
    expect(formatQuantity(5e5)).toBe('5×10⁵');
    expect(formatQuantity(3.6e7)).toBe('3.6×10⁷');
    expect(formatQuantity(99999999.99)).toBe('1×10⁸');
    expect(formatQuantity(72)).toBe('72');
  });

  it('describes doses, series, timing and windows in plain words', () => {
    expect(formatDose({ kind: 'perKg', amount: 5e5, unit: 'cells' })).toBe('5×10⁵ cells/kg body weight');
    expect(formatDose({ kind: 'fixed', amount: 1e8, unit: 'cells', per: 'session' })).toBe('1×10⁸ cells per session');
    expect(formatDose(null)).toBe('Dose not stated');
    const series: DosingSeries = { key: 'i', label: 'I', interventions: ['x'], count: 4, interval: { value: 2, unit: 'days' }, dose: null, route: 'INTRAVENOUS', window: null, procedures: [] };
    expect(formatSeries(series)).toBe('4 × every 2 days, intravenous');
    expect(formatSeries({ ...series, count: null, interval: null, route: null })).toBe('Number of administrations not stated, interval not stated, route not stated');
    expect(formatSeries({ ...series, count: 1, interval: null })).toBe('Once, intravenous');
    expect(formatTiming({ type: 'lastDose' }, { value: 1, unit: 'weeks' })).toBe('1 week after the last dose');
    expect(formatTiming({ type: 'studyDay', day: 28 }, { value: 0, unit: 'days' })).toBe('Study day 28');
    expect(formatWindow(null)).toBe('No window stated');
    expect(formatWindow({ before: { value: 3, unit: 'days' }, after: { value: 3, unit: 'days' } })).toBe('± 3 days');
    expect(formatWindow({ before: { value: 1, unit: 'days' }, after: { value: 7, unit: 'days' } })).toBe('−1 day / +7 days');
    expect(formatWindow({ before: { value: 24, unit: 'hours' }, after: { value: 0, unit: 'hours' }, text: 'within 24 h' })).toBe('within 24 h');
  });

  it('turns registry codes into words', () => {
    expect(humanize('EARLY_PHASE1')).toBe('Early Phase 1');
    expect(humanize('SHAM_COMPARATOR')).toBe('Sham comparator');
    expect(humanize('NONE')).toBe('None (open label)');
  });
});

describe('quantities as dosing is written', () => {
  it('cell counts in powers of ten, other units in plain figures up to a million', async () => {
    const { formatQuantity, formatDose, humanize } = await import('../core/format.js');
    expect(formatQuantity(500000, 'cells')).toBe('5×10⁵');
    expect(formatQuantity(50000, 'IU')).toBe('50,000');
    expect(formatDose({ kind: 'fixed', amount: 50000, unit: 'IU', per: 'day' })).toBe('50,000 IU per day');
    expect(formatQuantity(2_500_000, 'IU')).toBe('2.5×10⁶');
    expect(formatQuantity(12.5, 'mg')).toBe('12.5');
    expect(humanize('ECT')).toBe('Educational, counselling or training');
  });
});
