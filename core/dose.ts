import { formatQuantity } from './format.js';
import type { Dose } from './protocol.js';

export interface DoseTotal {
  readonly total: number | null;
  readonly unit: string | null;
  /** The working, e.g. "5×10⁵ cells/kg × 72 kg = 3.6×10⁷ cells", shown before confirming. */
  readonly text: string;
}

/** The total to give at one administration; per-kg doses use the recorded weight. */
export function doseTotal(dose: Dose | null, weightKg: number | null): DoseTotal {
  if (dose === null) return { total: null, unit: null, text: 'Dose not stated in the protocol' };
  switch (dose.kind) {
    case 'fixed':
      return { total: dose.amount, unit: dose.unit, text: `${formatQuantity(dose.amount)} ${dose.unit}` };
    case 'perKg': {
      if (weightKg === null || !(weightKg > 0)) return { total: null, unit: dose.unit, text: `${formatQuantity(dose.amount)} ${dose.unit}/kg: weight needed` };
      // Rounded to 12 significant digits so that 0.5×10⁶ × 72.3 does not print float noise.
      const total = Number((dose.amount * weightKg).toPrecision(12));
      return { total, unit: dose.unit, text: `${formatQuantity(dose.amount)} ${dose.unit}/kg × ${weightKg} kg = ${formatQuantity(total)} ${dose.unit}` };
    }
    case 'matched':
    case 'described':
      return { total: null, unit: null, text: dose.description };
    default:
      throw new Error(`Unknown dose ${JSON.stringify(dose)}`);
  }
}
