import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSlots, maxBlockSize, type ListSpec } from '../core/randomization.js';

describe('permuted-block randomization', () => {
  it('over 10,000 assignments the arm counts stay within one block of the ratio at every point (3:1)', () => {
    const spec: ListSpec = { seed: 20241122, arms: ['experimental', 'sham'], ratio: [3, 1], maxMultiplier: 2 };
    const slots = generateSlots(spec, 10_000);
    const block = maxBlockSize(spec);
    const counts = [0, 0];
    slots.forEach((s, i) => {
      counts[spec.arms.indexOf(s.arm)]! += 1;
      const n = i + 1;
      for (let a = 0; a < 2; a++) expect(Math.abs(counts[a]! - (n * spec.ratio[a]!) / 4)).toBeLessThanOrEqual(block);
    });
    expect(counts[0]! / counts[1]!).toBeCloseTo(3, 1);
  });

  it('holds for any seed and ratio (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3 }), (seed, ratio, maxMultiplier) => {
        const spec: ListSpec = { seed, arms: ratio.map((_, i) => `arm-${i}`), ratio, maxMultiplier };
        const total = ratio.reduce((a, b) => a + b, 0);
        const counts = ratio.map(() => 0);
        generateSlots(spec, 500).forEach((s, i) => {
          counts[spec.arms.indexOf(s.arm)]! += 1;
          ratio.forEach((r, a) => expect(Math.abs(counts[a]! - ((i + 1) * r) / total)).toBeLessThanOrEqual(maxBlockSize(spec)));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('the same seed gives the same list; a longer list starts with the shorter one; another seed differs', () => {
    const spec: ListSpec = { seed: 7, arms: ['low', 'medium', 'high'], ratio: [1, 1, 1], maxMultiplier: 2 };
    const a = generateSlots(spec, 300);
    expect(generateSlots(spec, 300)).toEqual(a);
    expect(generateSlots(spec, 1000).slice(0, 300)).toEqual(a);
    expect(generateSlots({ ...spec, seed: 8 }, 300).map((s) => s.arm)).not.toEqual(a.map((s) => s.arm));
  });

  it('blinded codes are unique and say nothing about the arm', () => {
    const slots = generateSlots({ seed: 1, arms: ['a', 'b'], ratio: [1, 1], maxMultiplier: 2 }, 5000);
    expect(new Set(slots.map((s) => s.code)).size).toBe(5000);
    for (const s of slots) expect(s.code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
  });
});
