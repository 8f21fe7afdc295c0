// The words of a registry record read as schedule facts: time frames ("Weeks 12, 24 and 48",
// "within 24 h and 1, 2, 4, 8 weeks after treatment") as visits, arm descriptions ("4 times
// every other day") as dosing, criteria text as inclusion and exclusion items, and ages.
import type { DosingSeries, Protocol } from './protocol.js';

export { approxDays, parseTimeFrame, singular, type ProposedVisit, type TimeContext, type Unit } from './ctgov-time.js';
import { unitOf } from './ctgov-time.js';

const NUMBER_WORDS_EXTRA: Record<string, number> = { fourteen: 14, twenty: 20, thirty: 30 };
const NUMBER_WORDS: Record<string, number> = {
  one: 1, once: 1, single: 1, two: 2, twice: 2, three: 3, thrice: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};

/** Reads a dosing series from an arm's description: "4 times every other day", "three times … at 4-week intervals", "28-day cycle for 2 years". */
export function parseDosing(text: string): { count: number | null; interval: { value: number; unit: 'days' | 'weeks' | 'months' } | null; route: DosingSeries['route']; kind: 'infusion' | 'inhalation' | 'transplant' | 'cycle' | 'dose' } {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  const num = (s: string): number | null => (/^\d+$/.test(s) ? Number(s) : (NUMBER_WORDS[s] ?? null));
  const WORD = '(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)';
  const THINGS = '(?:times|infusions?|doses?|injections?|administrations?|sessions?|treatments?|applications?|cycles?|courses?|inhalations?|capsules?|tablets?)';
  // "2 times a day", "twice daily", "3 sessions per week": how often, not how many.
  const FREQUENCY = '(?:\\s*(?:a|per|each|every)\\s+(?:day|week|month)|\\s+daily|\\s+weekly|\\s+a\\s+week)';
  let count: number | null = null;
  const countMatch =
    lower.match(new RegExp(`\\b${WORD}\\s+(?:\\w+\\s+)?${THINGS}\\b(?!${FREQUENCY})`)) ??
    lower.match(/\b(once|twice|thrice)\b(?! daily| a day| per day| a week| weekly| per week| every)/) ??
    lower.match(/\b(single|one-time|one time)\s+(?:\w+\s+)?(?:dose|injection|infusion|administration|session|treatment|application|inhalation|procedure|intervention)\b/);
  if (countMatch) count = /^(single|one-time|one time)$/.test(countMatch[1]!) ? 1 : num(countMatch[1]!);
  else if (/\b(?:x|×)\s*1\b/.test(lower)) count = 1;
  // "two days a week for five weeks": sessions not evenly spaced, so no interval is proposed.
  const uneven = /\b(\d+|two|three|four|five|six) (?:days|times|sessions) (?:a|per|each) week\b/.test(lower);

  let interval: { value: number; unit: 'days' | 'weeks' | 'months' } | null = null;
  let kind: 'infusion' | 'inhalation' | 'transplant' | 'cycle' | 'dose' = 'dose';
  const iv = (value: number, u: string) => {
    const unit = unitOf(u);
    return unit === 'days' || unit === 'weeks' || unit === 'months' ? { value, unit } : null;
  };
  let m: RegExpMatchArray | null;
  if (/\bevery other day\b|\bon alternate days\b/.test(lower)) interval = { value: 2, unit: 'days' };
  else if ((m = lower.match(/\bevery (\d+|two|three|four|five|six|seven|eight) (days?|weeks?|months?)\b/))) interval = iv(num(m[1]!) ?? 0, m[2]!);
  else if ((m = lower.match(/\bat (\d+|one|two|three|four|five|six)[- ](day|week|month)s? intervals?\b/))) interval = iv(num(m[1]!) ?? 0, m[2]!);
  else if ((m = lower.match(/\bspaced (?:by )?(\d+|one|two|three|four|five|six|seven|eight) (days?|weeks?|months?) apart\b|\b(\d+|one|two|three|four|five|six|seven|eight) (days?|weeks?|months?) apart\b/)))
    interval = iv(num(m[1] ?? m[3]!) ?? 0, m[2] ?? m[4]!);
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
  } else if ((m = lower.match(/\b(?:once |one time )?(?:daily|a day|per day|\/day|every day|each day)\b[^.;]*?\bfor (\d+|one|two|three|four|five|six|seven|eight|nine|ten|fourteen|twenty|thirty) (days?|weeks?)\b/))) {
    // "2.670 g/day for 14 days", "once daily for 7 days": one dose a day for that long.
    interval = { value: 1, unit: 'days' };
    const n = num(m[1]!) ?? NUMBER_WORDS_EXTRA[m[1]!] ?? null;
    if (count === null && n !== null) count = unitOf(m[2]!) === 'weeks' ? n * 7 : n;
  } else if (!uneven && /\bweekly\b|\bonce a week\b/.test(lower)) interval = { value: 1, unit: 'weeks' };
  else if (/\bmonthly\b|\bonce a month\b/.test(lower)) interval = { value: 1, unit: 'months' };
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
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const headed = lines.some((l) => sectionHeading(l) !== null);
  // A record with one list and no heading: its items are what a participant must meet.
  return splitLines(lines, headed ? null : 'inclusion');
}

/**
 * "Inclusion Criteria:", "Key exclusion criteria", "Pre-Operative Exclusion Criteria:",
 * "Radiological Inclusion Criteria", "Exclusion Criteria prior Transplantation": the section, and
 * the words beside it as the group of the items under it.
 */
function sectionHeading(raw: string): { section: 'inclusion' | 'exclusion'; group: string | null } | null {
  const line = raw.trim().replace(/[:\s]+$/, '');
  if (!line || line.length > 80 || /^(?:[*•·\-–]|\d+[.)])\s/.test(line)) return null;
  const m = line.match(/^(.*?)\b(inclusion|exclusion)(?:\s+criteria|\s+criterion)?\b(.*)$/i);
  if (!m) return null;
  const before = m[1]!.trim().replace(/^key$/i, '');
  const after = m[3]!.trim();
  // "Inclusion:" alone, or a heading phrase; not a sentence that mentions exclusion.
  if (!/criteri/i.test(line) && (before || after)) return null;
  if (/\b(if|who|will|are|were|be)\b/i.test(`${before} ${after}`)) return null;
  const group = [before, after].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
  return { section: m[2]!.toLowerCase() as 'inclusion' | 'exclusion', group: group ? group[0]!.toUpperCase() + group.slice(1) : null };
}

function splitLines(lines: readonly string[], start: 'inclusion' | null): { inclusion: { text: string; group?: string }[]; exclusion: { text: string; group?: string }[] } {
  const out = { inclusion: [] as { text: string; group?: string }[], exclusion: [] as { text: string; group?: string }[] };
  let section: 'inclusion' | 'exclusion' | null = start;
  let sectionGroup: string | null = null;
  let heading: { indent: number; text: string } | null = null;
  let pendingHeading: { indent: number; text: string; section: 'inclusion' | 'exclusion' } | null = null;
  const push = (sec: 'inclusion' | 'exclusion', body: string, group: string | null) => out[sec].push(group ? { text: body, group } : { text: body });
  const flushPending = () => {
    // A "heading:" line with nothing indented under it is an item after all.
    if (pendingHeading) push(pendingHeading.section, pendingHeading.text, sectionGroup);
    pendingHeading = null;
  };
  for (const raw of lines) {
    if (!raw.trim()) continue;
    const h = sectionHeading(raw);
    if (h) {
      flushPending();
      section = h.section;
      sectionGroup = h.group;
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
    push(section, body, heading ? heading.text : sectionGroup);
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
