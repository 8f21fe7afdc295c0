// The words of a registry record read as schedule facts: time frames ("Weeks 12, 24 and 48",
// "within 24 h and 1, 2, 4, 8 weeks after treatment") as visits, arm descriptions ("4 times
// every other day") as dosing, criteria text as inclusion and exclusion items, and ages.
import type { Anchor, DosingSeries, Offset, Protocol, VisitKind, Window } from './protocol.js';

/** A visit read from a time frame: everything the protocol's Visit needs but procedures. */
export interface ProposedVisit {
  readonly key: string;
  readonly label: string;
  readonly kind: VisitKind;
  readonly anchor: Anchor;
  readonly offset: Offset;
  readonly window: Window | null;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, once: 1, single: 1, two: 2, twice: 2, three: 3, thrice: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};

export type Unit = 'hours' | 'days' | 'weeks' | 'months' | 'years';
const UNIT_WORDS: [RegExp, Unit][] = [
  [/^(h|hr|hrs|hour|hours)$/, 'hours'],
  [/^(d|day|days)$/, 'days'],
  [/^(w|wk|wks|week|weeks)$/, 'weeks'],
  [/^(m|mo|mos|month|months)$/, 'months'],
  [/^(y|yr|yrs|year|years)$/, 'years'],
];
const unitOf = (word: string): Unit | null => UNIT_WORDS.find(([re]) => re.test(word.toLowerCase()))?.[1] ?? null;
const UNIT_PATTERN = '(hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?)';
const LIST_PATTERN = '(\\d+(?:\\s*(?:,|and|&|or)\\s*\\d+)*)';
const numbersIn = (list: string): number[] => (list.match(/\d+/g) ?? []).map(Number);

export const singular: Record<Unit, string> = { hours: 'hour', days: 'day', weeks: 'week', months: 'month', years: 'year' };
const title = (u: Unit) => singular[u][0]!.toUpperCase() + singular[u].slice(1);
const shortKey: Record<Unit, string> = { hours: 'h', days: 'd', weeks: 'w', months: 'm', years: 'y' };

function proposeVisit(value: number, unit: Unit, after: boolean, within: boolean, upTo: boolean, text: string): ProposedVisit {
  if (after) {
    const amount = unit === 'hours' ? `${value} h` : `${value} ${value === 1 ? singular[unit] : unit}`;
    return {
      key: `post-${unit === 'hours' ? `${value}h` : `${shortKey[unit]}${value}`}`,
      label: `${within ? 'Within ' : ''}${amount} after treatment`,
      kind: upTo ? 'end-of-study' : 'follow-up',
      anchor: { type: 'lastDose' },
      offset: { value, unit },
      window: within && (unit === 'hours' || unit === 'days') ? { before: { value, unit }, after: { value: 0, unit }, text: `within ${amount} after the final dose` } : null,
    };
  }
  if (unit === 'days') {
    // "Day 28", "28 days": a study day, counted as the protocol counts them.
    return { key: `day-${value}`, label: `Day ${value}`, kind: upTo ? 'end-of-study' : 'assessment', anchor: { type: 'studyDay', day: value }, offset: { value: 0, unit: 'days' }, window: null };
  }
  return {
    key: `${singular[unit]}-${value}`,
    label: `${title(unit)} ${value}`,
    kind: upTo ? 'end-of-study' : 'assessment',
    anchor: { type: 'firstDose' },
    offset: { value, unit },
    window: within && unit === 'hours' ? { before: { value, unit }, after: { value: 0, unit }, text: text.trim() } : null,
  };
}

/**
 * Reads the time points in a time-frame text: "Week 12, 24 and 48", "28 days", "within 24 h and
 * 1, 2, 4, 8 weeks after treatment", "up to 75 months", "Baseline and month 6".
 */
export function parseTimeFrame(text: string): { visits: ProposedVisit[]; note: string | null } {
  const t = text.replace(/(\d)\s*(h|hrs?|d|wks?|w)\b/gi, '$1 $2').replace(/\s+/g, ' ').trim();
  const lower = t.toLowerCase();
  const after = /\b(after|following|post)\b/.test(lower) && !/\bafter (randomi[sz]ation|enrol?lment|baseline|screening)\b/.test(lower);
  const upTo = /\b(up to|through|until)\b/.test(lower);
  const found: { value: number; unit: Unit; at: number; within: boolean }[] = [];
  // "1, 2, 4, 8 weeks", "24 h", "75 months"
  for (const m of lower.matchAll(new RegExp(`${LIST_PATTERN}[\\s-]*${UNIT_PATTERN}\\b`, 'g'))) {
    const unit = unitOf(m[2]!);
    if (!unit) continue;
    const before = lower.slice(0, m.index);
    const within = /\bwithin\s*$/.test(before);
    for (const value of numbersIn(m[1]!)) found.push({ value, unit, at: m.index!, within });
  }
  // "Week 12, 24 and 48", "Day 28", "month 6"
  for (const m of lower.matchAll(new RegExp(`\\b(hours?|days?|weeks?|months?|years?)\\s+${LIST_PATTERN}`, 'g'))) {
    const unit = unitOf(m[1]!);
    if (!unit) continue;
    for (const value of numbersIn(m[2]!)) found.push({ value, unit, at: m.index!, within: false });
  }
  found.sort((a, b) => a.at - b.at);
  const visits: ProposedVisit[] = [];
  if (/\bbaseline\b/.test(lower))
    visits.push({ key: 'baseline', label: 'Baseline', kind: 'baseline', anchor: { type: 'enrollment' }, offset: { value: 0, unit: 'days' }, window: null });
  const maxDays = Math.max(0, ...found.map((f) => approxDays(f.value, f.unit)));
  for (const f of found) {
    if (f.value === 0 && f.unit !== 'hours') continue;
    const last = approxDays(f.value, f.unit) === maxDays;
    const v = proposeVisit(f.value, f.unit, after, f.within, upTo && last, t);
    if (!visits.some((x) => x.key === v.key)) visits.push(v);
  }
  const note = visits.length === 0 ? 'No time point found in this text; add visits by hand if the outcome needs one.' : null;
  return { visits, note };
}

/** Roughly how many days an offset is, to put visits in order. */
export function approxDays(value: number, unit: Unit): number {
  return value * { hours: 1 / 24, days: 1, weeks: 7, months: 30.44, years: 365.25 }[unit];
}

/** Reads a dosing series from an arm's description: "4 times every other day", "three times … at 4-week intervals", "28-day cycle for 2 years". */
export function parseDosing(text: string): { count: number | null; interval: { value: number; unit: 'days' | 'weeks' | 'months' } | null; route: DosingSeries['route']; kind: 'infusion' | 'inhalation' | 'transplant' | 'cycle' | 'dose' } {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  const num = (s: string): number | null => (/^\d+$/.test(s) ? Number(s) : (NUMBER_WORDS[s] ?? null));
  let count: number | null = null;
  const countMatch = lower.match(/\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:times|infusions?|doses?|injections?|administrations?|sessions?|cycles?|courses?)\b/) ?? lower.match(/\b(once|twice|thrice)\b(?! daily| a day| per day)/);
  if (countMatch) count = num(countMatch[1]!);

  let interval: { value: number; unit: 'days' | 'weeks' | 'months' } | null = null;
  let kind: 'infusion' | 'inhalation' | 'transplant' | 'cycle' | 'dose' = 'dose';
  const iv = (value: number, u: string) => {
    const unit = unitOf(u);
    return unit === 'days' || unit === 'weeks' || unit === 'months' ? { value, unit } : null;
  };
  let m: RegExpMatchArray | null;
  if (/\bevery other day\b|\bon alternate days\b/.test(lower)) interval = { value: 2, unit: 'days' };
  else if ((m = lower.match(/\bevery (\d+|two|three|four|five|six|seven|eight) (days?|weeks?|months?)\b/))) interval = iv(num(m[1]!) ?? 0, m[2]!);
  else if ((m = lower.match(/\bat (\d+)[- ](day|week|month)s? intervals?\b/))) interval = iv(Number(m[1]), m[2]!);
  else if ((m = lower.match(/\b(\d+)[- ](day|week)s? cycles?\b/))) {
    interval = iv(Number(m[1]), m[2]!);
    kind = 'cycle';
    const total = lower.match(/\b(?:total )?duration of (\d+) (days?|weeks?|months?|years?)\b|\bfor (\d+) (days?|weeks?|months?|years?)\b/);
    if (interval && total && count === null) {
      const unit = unitOf(total[2] ?? total[4]!)!;
      const value = Number(total[1] ?? total[3]);
      const days = unit === 'years' ? value * 364 : unit === 'months' ? value * 28 : unit === 'weeks' ? value * 7 : value;
      const step = interval.unit === 'weeks' ? interval.value * 7 : interval.value;
      count = Math.floor(days / step);
    }
  } else if (/\bweekly\b/.test(lower)) interval = { value: 1, unit: 'weeks' };
  else if (/\bmonthly\b/.test(lower)) interval = { value: 1, unit: 'months' };
  if (count === 1) interval = null;

  const route: DosingSeries['route'] = /intravenous|\binfus|\bi\.?v\.?\b/.test(lower)
    ? 'INTRAVENOUS'
    : /inhal|aerosol|nebuli/.test(lower)
      ? 'INHALATION'
      : /\borally\b|\boral\b|by mouth/.test(lower)
        ? 'ORAL'
        : /subcutaneous/.test(lower)
          ? 'SUBCUTANEOUS'
          : /intramuscular/.test(lower)
            ? 'INTRAMUSCULAR'
            : /intrahepatic|hepatic artery/.test(lower)
              ? 'INTRAHEPATIC'
              : null;
  if (kind !== 'cycle') kind = route === 'INTRAVENOUS' ? 'infusion' : route === 'INHALATION' ? 'inhalation' : /transplant/.test(lower) ? 'transplant' : 'dose';
  return { count, interval, route, kind };
}

// ---------------------------------------------------------------------------------------------
// Eligibility

/** Splits the registry's criteria text into inclusion and exclusion items; an indented list under a "heading:" line gets that heading as its group. */
export function splitEligibility(text: string): { inclusion: { text: string; group?: string }[]; exclusion: { text: string; group?: string }[] } {
  const out = { inclusion: [] as { text: string; group?: string }[], exclusion: [] as { text: string; group?: string }[] };
  let section: 'inclusion' | 'exclusion' | null = null;
  let heading: { indent: number; text: string } | null = null;
  let pendingHeading: { indent: number; text: string; section: 'inclusion' | 'exclusion' } | null = null;
  const flushPending = () => {
    // A "heading:" line with nothing indented under it is an item after all.
    if (pendingHeading) out[pendingHeading.section].push({ text: pendingHeading.text });
    pendingHeading = null;
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (!raw.trim()) continue;
    const headingMatch = raw.trim().match(/^(?:key\s+)?(inclusion|exclusion)\s+criteria\s*:?\s*$/i);
    if (headingMatch) {
      flushPending();
      section = headingMatch[1]!.toLowerCase() as 'inclusion' | 'exclusion';
      heading = null;
      continue;
    }
    if (!section) continue;
    const indent = raw.length - raw.trimStart().length;
    const bullet = raw.trim().match(/^(?:[*•·\-–]|\d+[.)]|[a-z][.)])\s*(.*)$/i);
    const body = (bullet ? bullet[1]! : raw.trim()).replace(/\s*-\s*$/, '').trim();
    if (!body) continue;
    if (pendingHeading && indent > pendingHeading.indent) {
      heading = { indent: pendingHeading.indent, text: pendingHeading.text.replace(/:\s*$/, '') };
      pendingHeading = null;
    } else flushPending();
    if (heading && indent <= heading.indent) heading = null;
    if (body.endsWith(':')) {
      pendingHeading = { indent, text: body, section };
      continue;
    }
    out[section].push(heading ? { text: body, group: heading.text } : { text: body });
  }
  flushPending();
  return out;
}

/** "18 Years", "6 Months", "65 years" → an age; null where absent or unreadable. */
export function parseAge(text: string | undefined): Protocol['eligibility']['minimumAge'] {
  const m = text?.trim().match(/^(\d+)\s*(years?|months?|weeks?|days?)$/i);
  if (!m) return null;
  const unit = m[2]!.toLowerCase().replace(/s?$/, 's') as 'years' | 'months' | 'weeks' | 'days';
  return { value: Number(m[1]), unit };
}
