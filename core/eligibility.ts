// Screening: is a participant eligible for a protocol? Age is checked against the protocol's
// range automatically; each inclusion criterion must be answered "met" and each exclusion
// criterion "not met".
import { parseDate, wholeMonthsBetween } from './dates.js';
import type { Protocol } from './protocol.js';

export interface AgeInput {
  readonly birthDate?: string | null | undefined;
  readonly ageYears?: number | null | undefined;
  /** Age is taken on this date (the consent date). */
  readonly onDate: string;
}

export interface EligibilityResult {
  readonly eligible: boolean;
  /** Age in whole years on the consent date, or null if unknown. */
  readonly ageYears: number | null;
  /** true/false when the protocol states an age range and the age is known; null otherwise. */
  readonly ageOk: boolean | null;
  readonly reasons: readonly string[];
  readonly unanswered: readonly string[];
}

export function ageInMonths(input: AgeInput): number | null {
  if (input.birthDate) {
    // Whole months between two calendar dates, as Temporal counts them (test/dates.test.ts).
    return wholeMonthsBetween(parseDate(input.birthDate), parseDate(input.onDate));
  }
  if (input.ageYears !== null && input.ageYears !== undefined) return input.ageYears * 12;
  return null;
}

const toMonths = (a: { value: number; unit: string }) =>
  a.unit === 'years' ? a.value * 12 : a.unit === 'months' ? a.value : a.unit === 'weeks' ? Math.floor(a.value / 4.345) : Math.floor(a.value / 30.44);

export function evaluateEligibility(protocol: Protocol, age: AgeInput, answers: ReadonlyMap<string, boolean>): EligibilityResult {
  const reasons: string[] = [];
  const months = ageInMonths(age);
  if (months !== null && months < 0) reasons.push('The date of birth is after the consent date.');
  const { minimumAge: min, maximumAge: max } = protocol.eligibility;
  let ageOk: boolean | null = null;
  if (months !== null && (min || max)) {
    // An age range "18 to 70 years" includes everyone from their 18th birthday until the day before their 71st.
    const tooYoung = min !== null && months < toMonths(min);
    const tooOld = max !== null && months >= toMonths(max) + (max.unit === 'years' ? 12 : 1);
    ageOk = !tooYoung && !tooOld;
    if (tooYoung) reasons.push(`Age ${Math.floor(months / 12)} is below the minimum of ${min!.value} ${min!.unit}.`);
    if (tooOld) reasons.push(`Age ${Math.floor(months / 12)} is above the maximum of ${max!.value} ${max!.unit}.`);
  }
  if (months === null && (min || max)) reasons.push('Age is not known: enter a date of birth or an age.');
  const unanswered: string[] = [];
  for (const c of protocol.eligibility.inclusion) {
    const a = answers.get(c.key);
    if (a === undefined) unanswered.push(c.key);
    else if (!a) reasons.push(`Inclusion criterion not met: ${c.text}`);
  }
  for (const c of protocol.eligibility.exclusion) {
    const a = answers.get(c.key);
    if (a === undefined) unanswered.push(c.key);
    else if (a) reasons.push(`Exclusion criterion met: ${c.text}`);
  }
  if (unanswered.length) reasons.push(`${unanswered.length} criteri${unanswered.length === 1 ? 'on is' : 'a are'} not answered yet.`);
  return { eligible: reasons.length === 0, ageYears: months === null ? null : Math.floor(months / 12), ageOk, reasons, unanswered };
}
