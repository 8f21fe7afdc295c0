import { formatQuantity } from './format.js';
import type { Dose, Protocol } from './protocol.js';
import { blindedDoseText, isBlinded } from './vocabulary.js';

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
      return { total: dose.amount, unit: dose.unit, text: `${formatQuantity(dose.amount, dose.unit)} ${dose.unit}` };
    case 'perKg': {
      if (weightKg === null || !(weightKg > 0)) return { total: null, unit: dose.unit, text: `${formatQuantity(dose.amount, dose.unit)} ${dose.unit}/kg: weight needed` };
      // Rounded to 12 significant digits so that 0.5×10⁶ × 72.3 does not print float noise.
      const total = Number((dose.amount * weightKg).toPrecision(12));
      return { total, unit: dose.unit, text: `${formatQuantity(dose.amount, dose.unit)} ${dose.unit}/kg × ${weightKg} kg = ${formatQuantity(total, dose.unit)} ${dose.unit}` };
    }
    case 'matched':
    case 'described':
      return { total: null, unit: null, text: dose.description };
    default:
      throw new Error(`Unknown dose ${JSON.stringify(dose)}`);
  }
}

/** How a dose is worked out at a dose visit, for showing before confirming. */
export interface DoseRule {
  readonly text: string;
  readonly perKg: boolean;
  readonly amount: number | null;
  readonly unit: string | null;
  readonly blinded: boolean;
}

/**
 * How a dose is worked out at a dose visit of a participant on `armKey`. In a blinded trial every
 * participant sees the same words whatever their arm: "Blinded study treatment", with the active
 * arm's per-kg working where the preparation depends on weight.
 */
export function doseRuleFor(protocol: Protocol, armKey: string | null): DoseRule {
  const blinded = isBlinded(protocol);
  const arms = blinded ? protocol.arms : protocol.arms.filter((a) => a.key === armKey);
  const dose = arms.flatMap((a) => a.dosing).map((s) => s.dose).find((d) => d !== null && (d.kind === 'perKg' || d.kind === 'fixed')) ?? null;
  if (blinded) {
    if (dose?.kind !== 'perKg') return { text: blindedDoseText(null), perKg: false, amount: null, unit: null, blinded };
    return { text: blindedDoseText(doseTotal(dose, null).text), perKg: true, amount: dose.amount, unit: dose.unit, blinded };
  }
  if (dose === null) return { text: 'Dose not stated in the protocol', perKg: false, amount: null, unit: null, blinded };
  return { text: doseTotal(dose, null).text, perKg: dose.kind === 'perKg', amount: dose.amount, unit: dose.unit, blinded };
}

/**
 * What is written in the dose log for one administration of a series. A blinded trial's log holds
 * the same words and the same figures for every arm, so the log cannot tell them apart: a per-kg
 * dose's total is the active arm's working at this weight (what is prepared), otherwise none.
 */
export function doseRecord(protocol: Protocol, armKey: string | null, scheduleArmKey: string, seriesKey: string | null, weightKg: number | null): DoseTotal {
  const rule = doseRuleFor(protocol, armKey);
  if (rule.blinded) {
    if (!rule.perKg) return { text: rule.text, total: null, unit: null };
    const active = doseTotal({ kind: 'perKg', amount: rule.amount!, unit: rule.unit! }, weightKg);
    return { text: blindedDoseText(active.text), total: active.total, unit: active.unit };
  }
  const series = protocol.arms.find((a) => a.key === scheduleArmKey)?.dosing.find((s) => s.key === seriesKey);
  return doseTotal(series?.dose ?? null, weightKg);
}
