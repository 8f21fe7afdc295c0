// Dates shown in the user's locale; files and the API carry ISO text. A calendar date
// (YYYY-MM-DD) is formatted as a date in UTC so that no time zone can shift it by a day.
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatCalendarDate(iso: string): string {
  return dateFormat.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
}

export function formatInstant(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
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
