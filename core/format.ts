// Plain-words rendering of protocol parts, shared by the renderer and the CLI so that both say
// the same thing. Pure: no locale lookups here (the renderer formats dates itself).
import type { Anchor, Dose, DosingSeries, Offset, Window } from './protocol.js';

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/**
 * Cell counts as dosing is written: 100000000 → "1×10⁸", 500000 → "5×10⁵", 36000000 → "3.6×10⁷".
 * Other units (IU, mg, mL) in plain figures up to a million: 50000 IU → "50,000".
 */
export function formatQuantity(n: number, unit?: string): string {
  if (!Number.isFinite(n)) return String(n);
  const plainBelow = unit === undefined || /cell/i.test(unit) ? 10000 : 1_000_000;
  if (Math.abs(n) < plainBelow) return grouped(Number(n.toPrecision(6)));
  const exponent = Math.floor(Math.log10(Math.abs(n)));
  const mantissa = Number((n / 10 ** exponent).toPrecision(6));
  // Rounding can carry the mantissa to 10 (9.9999996e7 → 10×10⁷); renormalize.
  if (Math.abs(mantissa) >= 10) return `${mantissa / 10}×10${sup(exponent + 1)}`;
  return `${mantissa}×10${sup(exponent)}`;
}

/** 50000 → "50,000"; decimals as they are. */
function grouped(n: number): string {
  const [whole, decimals] = String(n).split('.');
  const digits = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return decimals ? `${digits}.${decimals}` : digits;
}

function sup(e: number): string {
  return [...String(e)].map((c) => SUPERSCRIPT[c] ?? c).join('');
}

export function formatDose(dose: Dose | null): string {
  if (dose === null) return 'Dose not stated';
  switch (dose.kind) {
    case 'fixed':
      return `${formatQuantity(dose.amount, dose.unit)} ${dose.unit} per ${dose.per}`;
    case 'perKg':
      return `${formatQuantity(dose.amount, dose.unit)} ${dose.unit}/kg body weight`;
    case 'matched':
    case 'described':
      return dose.description;
    default:
      return assertNever(dose);
  }
}

/** "1 week", "14 days" (a negative offset is written by its size: "before" is the caller's word). */
export function formatOffset(o: Offset): string {
  const size = Math.abs(o.value);
  const unit = size === 1 ? o.unit.replace(/s$/, '') : o.unit;
  return `${size} ${unit}`;
}

const ROUTE_WORDS: Record<string, string> = {
  INTRAVENOUS: 'intravenous',
  INHALATION: 'aerosol inhalation',
  SUBCUTANEOUS: 'subcutaneous',
  INTRAMUSCULAR: 'intramuscular',
  ORAL: 'oral',
  INTRAHEPATIC: 'intrahepatic',
  OTHER: 'other route',
};

/** "4 × every 2 days, intravenous"; gaps are named: "Number of administrations not stated, interval not stated, intravenous". */
export function formatSeries(s: DosingSeries): string {
  const parts: string[] = [];
  if (s.count === null) parts.push('Number of administrations not stated');
  else if (s.count === 1) parts.push('Once');
  else parts.push(s.interval === null ? `${s.count} ×` : `${s.count} × every ${formatOffset(s.interval)}`);
  if (s.count !== 1 && s.interval === null) parts.push('interval not stated');
  parts.push(s.route === null ? 'route not stated' : (ROUTE_WORDS[s.route] ?? s.route));
  return parts.join(', ');
}

export function formatAnchor(a: Anchor, events: readonly { readonly key: string; readonly label: string }[] = []): string {
  switch (a.type) {
    case 'event':
      return (events.find((e) => e.key === a.event)?.label ?? a.event).toLowerCase();
    case 'enrollment':
      return 'enrollment';
    case 'randomization':
      return 'randomization';
    case 'firstDose':
      return a.series ? `the first dose of ${a.series}` : 'the first dose';
    case 'lastDose':
      return a.series ? `the last dose of ${a.series}` : 'the last dose';
    case 'visit':
      return `visit ${a.visit}`;
    case 'studyDay':
      return `study day ${a.day}`;
    default:
      return assertNever(a);
  }
}

/** "12 weeks after the first dose", "Study day 28", "24 hours after the last dose", "7 days before surgery". */
export function formatTiming(anchor: Anchor, offset: Offset, events: readonly { readonly key: string; readonly label: string }[] = []): string {
  if (anchor.type === 'studyDay') return offset.value === 0 ? `Study day ${anchor.day}` : `${formatOffset(offset)} after study day ${anchor.day}`;
  if (offset.value === 0) return `At ${formatAnchor(anchor, events)}`;
  return `${formatOffset(offset)} ${offset.value < 0 ? 'before' : 'after'} ${formatAnchor(anchor, events)}`;
}

export function formatWindow(w: Window | null): string {
  if (w === null) return 'No window stated';
  if (w.text) return w.text;
  const side = (s: { value: number; unit: string }) => formatOffset({ value: s.value, unit: s.unit as Offset['unit'] });
  if (w.before.value === 0 && w.after.value === 0) return 'On the day';
  if (w.before.value === w.after.value && w.before.unit === w.after.unit) return `± ${side(w.before)}`;
  return `−${side(w.before)} / +${side(w.after)}`;
}

export function formatAge(a: { value: number; unit: string } | null): string | null {
  return a === null ? null : `${a.value} ${a.value === 1 ? a.unit.replace(/s$/, '') : a.unit}`;
}

/** ClinicalTrials.gov enum → words: "EARLY_PHASE1" → "Early Phase 1", "PLACEBO_COMPARATOR" → "Placebo comparator". */
export function humanize(code: string): string {
  const special: Record<string, string> = {
    EARLY_PHASE1: 'Early Phase 1',
    PHASE1: 'Phase 1',
    PHASE2: 'Phase 2',
    PHASE3: 'Phase 3',
    PHASE4: 'Phase 4',
    NA: 'Not applicable',
    NONE: 'None (open label)',
    // The registry's code for a study whose purpose is educational, counselling or training.
    ECT: 'Educational, counselling or training',
  };
  if (special[code]) return special[code];
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function assertNever(x: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(x)}`);
}

/** An ISO date range as the API's messages write it: "2025-03-04" for one day, "2025-03-03 to 2025-03-07" for several. */
export function formatDateRange(start: string, end: string): string {
  return start === end ? start : `${start} to ${end}`;
}
