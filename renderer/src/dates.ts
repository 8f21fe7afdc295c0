// Dates shown in the site's locale (the settings page's date format; the computer's own until
// one is chosen); files and the API carry ISO text. A calendar date (YYYY-MM-DD) is formatted as a
// date in UTC so that no time zone can shift it by a day.
let locale: string | undefined;
const formats = new Map<string, Intl.DateTimeFormat>();

/** The site's date locale, from the app's settings (null: the computer's own). */
export function setDateLocale(tag: string | null): void {
  const next = tag ?? undefined;
  if (next === locale) return;
  locale = next;
  formats.clear();
}

/** A date format in the site's locale, made once per set of options. */
export function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

/** The date a YYYY-MM-DD string names, or null for anything else (a half-typed field's 20250-12-01). */
function calendarDate(iso: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) return null;
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso.slice(0, 10) ? null : d;
}

/** A calendar date as the site writes it; text that is not a date is shown as it is, never a crash. */
export function formatCalendarDate(iso: string): string {
  const d = calendarDate(iso);
  return d ? dateFormat({ dateStyle: 'medium', timeZone: 'UTC' }).format(d) : iso;
}

/** A calendar date in the site's locale with another pattern (month names, weekdays). */
export function formatCalendarDateAs(iso: string, options: Intl.DateTimeFormatOptions): string {
  const d = calendarDate(iso);
  return d ? dateFormat({ ...options, timeZone: 'UTC' }).format(d) : iso;
}

export function formatInstant(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Today's date where the user is, as YYYY-MM-DD. */
export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "16 Mar 2024" for a single day, "16 Mar 2024 – 17 Mar 2024" for a range. */
export function formatDateRange(start: string, end: string): string {
  return start === end ? formatCalendarDate(start) : `${formatCalendarDate(start)} – ${formatCalendarDate(end)}`;
}
