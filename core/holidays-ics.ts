// Holidays from an iCalendar file (a national holiday calendar, a site's own closures). Each
// all-day event gives its days (DTEND is exclusive; a one-day event may have none); an event with
// a time is a day too. Pure: the file's text in, dates and names out, or what could not be read.
import { daysBetween, isIsoDate, parseDate } from './dates.js';

export interface IcsHoliday {
  readonly date: string;
  readonly label: string;
}

export interface IcsHolidays {
  readonly holidays: readonly IcsHoliday[];
  /** Events that could not be read, in words ("an event with no date"). */
  readonly skipped: readonly string[];
}

/** Lines unfolded (a line starting with a space or tab continues the one before). */
function unfold(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').replace(/\n[ \t]/g, '').split('\n');
}

function unescape(v: string): string {
  return v.replace(/\\n/gi, ' ').replace(/\\([,;\\])/g, '$1').trim();
}

function dateOf(value: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(value.trim());
  if (!m) return null;
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  return isIsoDate(d) ? d : null;
}

export function readIcsHolidays(text: string): IcsHolidays {
  if (!/BEGIN:VCALENDAR/i.test(text)) throw new Error('This is not a calendar file (iCalendar, .ics): it has no BEGIN:VCALENDAR.');
  const holidays: IcsHoliday[] = [];
  const skipped: string[] = [];
  let ev: { start?: string | null; end?: string | null; summary?: string } | null = null;
  for (const line of unfold(text)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).split(';')[0]!.toUpperCase();
    const value = line.slice(colon + 1);
    if (name === 'BEGIN' && value.trim().toUpperCase() === 'VEVENT') ev = {};
    else if (ev && name === 'DTSTART') ev.start = dateOf(value);
    else if (ev && name === 'DTEND') ev.end = dateOf(value);
    else if (ev && name === 'SUMMARY') ev.summary = unescape(value);
    else if (ev && name === 'END' && value.trim().toUpperCase() === 'VEVENT') {
      const label = ev.summary || 'Holiday';
      if (!ev.start) skipped.push(`“${label}”: no date that could be read`);
      else {
        const first = parseDate(ev.start);
        const last = ev.end && ev.end > ev.start ? parseDate(ev.end).subtract({ days: 1 }) : first;
        const days = daysBetween(first, last);
        if (days > 366) skipped.push(`“${label}”: longer than a year`);
        else for (let i = 0; i <= days; i++) holidays.push({ date: first.add({ days: i }).toString(), label });
      }
      ev = null;
    }
  }
  return { holidays, skipped };
}
