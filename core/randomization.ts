// Permuted-block randomization. A list is a pure function of its seed, the arms and the ratio:
// the same seed always gives the same list, and a longer list begins with the shorter one, so
// a list can be extended without changing any assignment already made.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface ListSpec {
  readonly seed: number;
  readonly arms: readonly string[];
  /** Whole-number ratio per arm, e.g. [3, 1]. */
  readonly ratio: readonly number[];
  /** Block sizes are the ratio's sum times 1..maxMultiplier, drawn per block (varying sizes keep the next assignment unguessable). */
  readonly maxMultiplier: number;
}

export interface Slot {
  readonly seq: number;
  readonly arm: string;
  /** Blinded code: says nothing about the arm. */
  readonly code: string;
  readonly block: number;
}

// No 0/O, 1/I/L, so that a code read aloud or handwritten is not mistaken.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

export function validateSpec(spec: ListSpec): void {
  if (spec.arms.length === 0) throw new Error('a randomization list needs at least one arm');
  if (spec.arms.length !== spec.ratio.length) throw new Error('one ratio entry per arm is needed');
  if (spec.ratio.some((r) => !Number.isInteger(r) || r < 1)) throw new Error('ratio entries must be positive whole numbers');
  if (!Number.isInteger(spec.maxMultiplier) || spec.maxMultiplier < 1) throw new Error('maxMultiplier must be a positive whole number');
  if (!Number.isSafeInteger(spec.seed)) throw new Error('the seed must be a whole number');
}

/** The first `count` slots of the list. */
export function generateSlots(spec: ListSpec, count: number): Slot[] {
  validateSpec(spec);
  const rng = xoroshiro128plus(spec.seed);
  const slots: Slot[] = [];
  const codes = new Set<string>();
  const unit = spec.arms.flatMap((arm, i) => Array<string>(spec.ratio[i]!).fill(arm));
  for (let block = 1; slots.length < count; block++) {
    const multiplier = uniformInt(rng, 1, spec.maxMultiplier);
    const blockArms = Array.from({ length: multiplier }, () => unit).flat();
    // Fisher–Yates shuffle.
    for (let i = blockArms.length - 1; i > 0; i--) {
      const j = uniformInt(rng, 0, i);
      [blockArms[i], blockArms[j]] = [blockArms[j]!, blockArms[i]!];
    }
    for (const arm of blockArms) {
      let code: string;
      do code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[uniformInt(rng, 0, CODE_ALPHABET.length - 1)]).join('');
      while (codes.has(code));
      codes.add(code);
      slots.push({ seq: slots.length + 1, arm, code, block });
    }
  }
  return slots.slice(0, count);
}

/** Largest block the list can contain: the bound on how far arm counts can stray from the ratio. */
export function maxBlockSize(spec: ListSpec): number {
  return spec.ratio.reduce((a, b) => a + b, 0) * spec.maxMultiplier;
}
