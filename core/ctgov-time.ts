// Time-frame texts of a registry record read as visits: "Week 12, 24 and 48", "within 24 h and
// 1, 2, 4, 8 weeks after treatment", "12th week", "one month and one year after", "Pre-op; 6
// weeks; 3 months", "Day 0, 4 weeks, 12 weeks", "2 days before intervention", "within 7 days
// before surgery". What cannot be read is said in a note, never guessed.
import type { Anchor, Offset, VisitKind, Window } from './protocol.js';

/** A visit read from a time frame: everything the protocol's Visit needs but procedures. */
export interface ProposedVisit {
  readonly key: string;
  readonly label: string;
  readonly kind: VisitKind;
  readonly anchor: Anchor;
  readonly offset: Offset;
  readonly window: Window | null;
}

/** What the rest of the record says that changes how a time frame reads. */
export interface TimeContext {
  /** The study's treatment is itself an operation: "after surgery" is after the treatment. Otherwise surgery is an event. */
  readonly surgeryIsTreatment: boolean;
}

export type Unit = 'hours' | 'days' | 'weeks' | 'months' | 'years';
export const singular: Record<Unit, string> = { hours: 'hour', days: 'day', weeks: 'week', months: 'month', years: 'year' };
const title = (u: Unit) => singular[u][0]!.toUpperCase() + singular[u].slice(1);
const shortKey: Record<Unit, string> = { hours: 'h', days: 'd', weeks: 'w', months: 'm', years: 'y' };

const UNIT_WORDS: [RegExp, Unit][] = [
  [/^(h|hr|hrs|hour|hours)$/, 'hours'],
  [/^(d|day|days)$/, 'days'],
  [/^(w|wk|wks|week|weeks)$/, 'weeks'],
  [/^(m|mo|mos|month|months)$/, 'months'],
  [/^(y|yr|yrs|year|years)$/, 'years'],
];
export const unitOf = (word: string): Unit | null => UNIT_WORDS.find(([re]) => re.test(word.toLowerCase()))?.[1] ?? null;
const UNIT_PATTERN = '(hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?)';
const NOT_BEFORE_UNIT = `(?![\\s,-]*${UNIT_PATTERN}\\b)`;
const SEP = '(?:\\s*,\\s*(?:and|or)\\s+|\\s*(?:,|and|&|or)\\s*)';
const LIST_PATTERN = `(\\d+(?:${SEP}\\d+)*)`;
/** A list after a unit word ("week 1, 2, 3"): it stops before a number that has its own unit ("Day 0, 24 weeks"). */
const LIST_AFTER_UNIT = `(\\d+(?!\\d)${NOT_BEFORE_UNIT}(?:${SEP}\\d+(?!\\d)${NOT_BEFORE_UNIT})*)`;
const numbersIn = (list: string): number[] => (list.match(/\d+/g) ?? []).map(Number);

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, eighteen: 18, twenty: 20, thirty: 30,
};
const ORDINAL_WORDS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, twelfth: 12 };

/** Words to digits and ordinals to "unit N": "one-month" → "1 month", "12th week" → "week 12", "third day" → "day 3". */
function normalizeTimeText(text: string): string {
  let t = ` ${text.toLowerCase()} `.replace(/\s+/g, ' ');
  t = t.replace(/(\d)\s*(h|hrs?|d|wks?|w|mos?)\b/g, '$1 $2');
  t = t.replace(/\bthe (day|week|month) (before|after|prior to)\b/g, '1 $1 $2');
  t = t.replace(/\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|eighteen|twenty|thirty)\b-?/g, (_, w: string) => `${NUMBER_WORDS[w]} `);
  t = t.replace(/\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twelfth)\s+(?:post-?operative\s+)?(hours?|days?|weeks?|months?|years?)\b/g, (_, w: string, u: string) => `${u} ${ORDINAL_WORDS[w]}`);
  t = t.replace(/\b(\d+)(?:st|nd|rd|th|\.)\s*(?:post-?operative\s+)?(hours?|days?|weeks?|months?|years?)\b/g, '$2 $1');
  return t.replace(/\s+/g, ' ').trim();
}

const AFTER_TREATMENT = /\b(after|following|post)\b(?![ -]?(randomi[sz]ation|enrol?lment|baseline|screening|inclusion))|\bpost-?op(erative(ly)?)?\b|\bpostoperative(ly)?\b|\bfrom (surgery|operation|the operation|treatment|intervention|injection)\b/;
const SURGERY = /\b(surgery|operation|resection|post-?op(erative(ly)?)?|postoperative(ly)?|pre-?op(erative(ly)?)?)\b/;
const BASELINE = /\bbaseline\b|\bbefore and after\b|\bpre-?op(erative(ly)?)?\b|\bpre-?treatment\b|\bbefore (the )?(treatment|intervention|injection|surgery|operation|procedure)\b|\b(week|day) 0\b|\bscreening\b/;

function visitAfter(value: number, unit: Unit, within: boolean, upTo: boolean, anchor: Anchor, what: string): ProposedVisit {
  const amount = unit === 'hours' ? `${value} h` : `${value} ${value === 1 ? singular[unit] : unit}`;
  const prefix = anchor.type === 'event' ? `${anchor.event}-` : anchor.type === 'randomization' ? 'rand-' : 'post-';
  return {
    key: `${prefix}${unit === 'hours' ? `${value}h` : `${shortKey[unit]}${value}`}`,
    label: `${within ? 'Within ' : ''}${amount} after ${what}`,
    kind: upTo ? 'end-of-study' : 'follow-up',
    anchor,
    offset: { value, unit },
    window: within && (unit === 'hours' || unit === 'days') ? { before: { value, unit }, after: { value: 0, unit }, text: `within ${amount} after ${what === 'treatment' ? 'the final dose' : what}` } : null,
  };
}

function visitAt(value: number, unit: Unit, within: boolean, upTo: boolean, text: string): ProposedVisit {
  if (unit === 'days')
    return { key: `day-${value}`, label: `Day ${value}`, kind: upTo ? 'end-of-study' : 'assessment', anchor: { type: 'studyDay', day: value }, offset: { value: 0, unit: 'days' }, window: null };
  return {
    key: `${singular[unit]}-${value}`,
    label: `${title(unit)} ${value}`,
    kind: upTo ? 'end-of-study' : 'assessment',
    anchor: { type: 'firstDose' },
    offset: { value, unit },
    window: within && unit === 'hours' ? { before: { value, unit }, after: { value: 0, unit }, text: text.trim() } : null,
  };
}

/** "2 days before intervention" is Day −2; "within 7 days before surgery" (an event) is 7 days before it, with the window of the 7 days. */
function visitBefore(value: number, unit: Unit, within: boolean, event: string | null): ProposedVisit | null {
  const days = unit === 'days' ? value : unit === 'weeks' ? value * 7 : unit === 'hours' ? Math.floor(value / 24) : null;
  if (event) {
    const amount = `${value} ${value === 1 ? singular[unit] : unit}`;
    // "Within 7 days before": planned at the earliest day, the window running up to the event's day.
    const window: Window | null = within && days !== null ? { before: { value: 0, unit: 'days' }, after: { value: days, unit: 'days' }, text: `within ${amount} before ${event}` } : null;
    return { key: `pre-${event}-${shortKey[unit]}${value}`, label: `${within ? 'Within ' : ''}${amount} before ${event}`, kind: 'assessment', anchor: { type: 'event', event }, offset: { value: -value, unit }, window };
  }
  if (days === null || days === 0) return null;
  return { key: `day-minus-${days}`, label: `Day −${days}`, kind: 'baseline', anchor: { type: 'studyDay', day: -days }, offset: { value: 0, unit: 'days' }, window: null };
}

/**
 * Reads the time points in a time-frame text. Visits "after" the treatment count from its last
 * dose, "after randomization" from randomization, "after surgery" from a surgery event where the
 * treatment is not itself the operation; time points without "after" count from the first dose
 * (days as study days). "Baseline", "pre-op", "before treatment" and "Week 0" give a baseline.
 */
export function parseTimeFrame(text: string, context: TimeContext = { surgeryIsTreatment: true }): { visits: ProposedVisit[]; note: string | null } {
  const t = normalizeTimeText(text);
  const event = !context.surgeryIsTreatment && SURGERY.test(t) ? 'surgery' : null;
  const upTo = /\b(up ?to|through|until)\b/.test(t);
  const found: { value: number; unit: Unit; at: number; end: number; within: boolean }[] = [];
  for (const m of t.matchAll(new RegExp(`${LIST_PATTERN}[\\s,-]*${UNIT_PATTERN}\\b`, 'g'))) {
    const unit = unitOf(m[2]!);
    if (!unit) continue;
    const within = /\bwithin\s*$/.test(t.slice(0, m.index));
    for (const value of numbersIn(m[1]!)) found.push({ value, unit, at: m.index!, end: m.index! + m[0].length, within });
  }
  for (const m of t.matchAll(new RegExp(`\\b(hours?|days?|weeks?|months?|years?)\\s+${LIST_AFTER_UNIT}`, 'g'))) {
    const unit = unitOf(m[1]!);
    if (!unit) continue;
    for (const value of numbersIn(m[2]!)) found.push({ value, unit, at: m.index!, end: m.index! + m[0].length, within: false });
  }
  found.sort((a, b) => a.at - b.at);
  const visits: ProposedVisit[] = [];
  const add = (v: ProposedVisit | null) => v && !visits.some((x) => x.key === v.key) && visits.push(v);
  const baseline = (): ProposedVisit => ({ key: 'baseline', label: 'Baseline', kind: 'baseline', anchor: { type: 'enrollment' }, offset: { value: 0, unit: 'days' }, window: null });
  const maxDays = Math.max(0, ...found.map((f) => approxDays(f.value, f.unit)));
  let skipped = 0;
  for (const f of found) {
    // What the words just after this time point say: "… before surgery", "… after treatment".
    const tail = t.slice(f.end, f.end + 60).split(/[;,.]| and (?=\d)/)[0]!;
    const rest = t.slice(f.end);
    const before = /^\s*(prior to|before|pre-?)\b/.test(tail) || /^\s*(prior to|before)\b/.test(rest);
    const after = AFTER_TREATMENT.test(rest) || AFTER_TREATMENT.test(tail);
    const last = approxDays(f.value, f.unit) === maxDays;
    if (before) {
      add(visitBefore(f.value, f.unit, f.within, event && SURGERY.test(tail) ? event : null));
      continue;
    }
    if (f.value === 0 && f.unit !== 'hours') {
      add(baseline());
      continue;
    }
    if (/^\s*minutes?\b/.test(tail)) {
      skipped++;
      continue;
    }
    if (after) {
      const fromRandomization = /\b(after|post)[ -]?randomi[sz]ation\b/.test(rest);
      const fromEnrollment = /\bafter (enrol?lment|inclusion)\b/.test(rest);
      if (fromRandomization || fromEnrollment) {
        const anchor: Anchor = { type: fromRandomization ? 'randomization' : 'enrollment' };
        add(visitAfter(f.value, f.unit, f.within, upTo && last, anchor, fromRandomization ? 'randomization' : 'enrollment'));
      } else if (event && SURGERY.test(rest)) add(visitAfter(f.value, f.unit, f.within, upTo && last, { type: 'event', event }, 'surgery'));
      else add(visitAfter(f.value, f.unit, f.within, upTo && last, { type: 'lastDose' }, /surg|operat|post-?op/.test(rest) ? 'surgery' : 'treatment'));
    } else if (/\b(after|post)[ -]?randomi[sz]ation\b/.test(t)) add(visitAfter(f.value, f.unit, f.within, upTo && last, { type: 'randomization' }, 'randomization'));
    else add(visitAt(f.value, f.unit, f.within, upTo && last, t));
  }
  // "Before" with a time ("the day before surgery", "2 days before") is that visit, not a baseline as well.
  if (BASELINE.test(t) && !visits.some((v) => v.kind === 'baseline' || v.offset.value < 0)) visits.unshift(baseline());
  else if (visits[0]?.key !== 'baseline' && visits.some((v) => v.key === 'baseline')) visits.sort((a, b) => (a.key === 'baseline' ? -1 : b.key === 'baseline' ? 1 : 0));
  const notes = [
    visits.length === 0 ? 'No time point found in this text; add visits by hand if the outcome needs one.' : null,
    skipped ? 'Times in minutes are within a visit, not visits of their own.' : null,
    /\b(every|each) (year|month|week)\b|\bannually\b|\bthereafter\b/.test(t) ? 'A repeat ("every year", "annually thereafter") is not read: add it to a visit by hand.' : null,
  ].filter((n): n is string => n !== null);
  return { visits, note: notes.length ? notes.join(' ') : null };
}

/** Roughly how many days an offset is, to put visits in order. */
export function approxDays(value: number, unit: Unit): number {
  return value * { hours: 1 / 24, days: 1, weeks: 7, months: 30.44, years: 365.25 }[unit];
}
