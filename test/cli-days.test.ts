// The command line for events and closed days: event record, schedule --event, settings set
// working_days (with --dry-run), holidays add|import|list|remove.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli as run, siteWithPerson } from './helpers/cli.js';
import { tempDir } from './helpers/db.js';
import { surgeryProtocol } from './helpers/surgery.js';

function site() {
  const dir = tempDir();
  const db = path.join(dir, 'db.sqlite');
  const as = siteWithPerson(db);
  const cli = (...args: string[]) => run(['--db', db, ...args], as);
  const file = path.join(dir, 'surgery.json');
  fs.writeFileSync(file, JSON.stringify(surgeryProtocol()));
  return { dir, cli, file };
}

describe('events and closed days on the command line', () => {
  it('schedule --event places the visits that count from it; without it they are open, waiting', () => {
    const { cli, file } = site();
    const without = JSON.parse(cli('schedule', '--trial', file, '--arm', 'uc-msc', '--start', '2026-03-02').stdout) as { visits: { key: string }[]; open: { key: string; reason: string }[] };
    expect(without.visits.map((v) => v.key)).not.toContain('pre-op');
    expect(without.open).toContainEqual({ key: 'pre-op', label: 'Pre-operative assessment', reason: 'waiting for: Surgery date' });
    const out = cli('schedule', '--trial', file, '--arm', 'uc-msc', '--start', '2026-03-02', '--event', 'surgery=2026-04-18');
    const withEvent = JSON.parse(out.stdout) as { visits: { key: string; plannedDate: string; movedFrom: string | null; closedDay: string | null }[] };
    expect(withEvent.visits.find((v) => v.key === 'pre-op')).toEqual(expect.objectContaining({ plannedDate: '2026-04-11', movedFrom: null, closedDay: null }));
    const bad = cli('schedule', '--trial', file, '--arm', 'uc-msc', '--start', '2026-03-02', '--event', 'surgery');
    expect([bad.code, bad.stderr]).toEqual([2, 'error: --event must be <event key>=<YYYY-MM-DD>, not "surgery"\n']);
  });

  it('event record, then settings set working_days with --dry-run and for real, then holidays', () => {
    const { dir, cli, file } = site();
    expect(cli('protocol', 'import', file).code).toBe(0);
    const enroll = cli('enroll', '--protocol', 'msc-surgery', '--study-id', 'S-1', '--initials', 'AB', '--sex', 'female', '--age', '50', '--weight', '70', '--consent', '2025-05-20', '--day1', '2025-06-02', '--confirm-eligibility');
    expect(enroll.stdout).toContain('open      Pre-operative assessment: waiting for: Surgery date');
    const recorded = cli('event', 'record', '--protocol', 'msc-surgery', '--participant', 'S-1', '--event', 'surgery', '--date', '2025-07-12');
    expect(recorded.stderr).toBe('');
    expect(recorded.stdout).toContain('2025-07-05  day   34  planned   Pre-operative assessment');
    const noReason = cli('event', 'record', '--protocol', 'msc-surgery', '--participant', 'S-1', '--event', 'surgery', '--date', '2025-07-19');
    expect([noReason.code, noReason.stderr]).toEqual([2, 'error: The surgery date was recorded as 2025-07-12: give a reason for the correction.\n']);

    const dry = cli('settings', 'set', 'working_days', 'mon,tue,wed,thu,fri', '--dry-run');
    expect(dry.stdout).toMatch(/1 planned visit would be moved:\nPARTICIPANT\s+TRIAL\s+VISIT\s+FROM\s+TO\s+BECAUSE\nS-1\s+msc-surgery\s+Pre-operative assessment\s+2025-07-05\s+2025-07-04\s+site closed: Saturday/);
    expect(dry.stdout).toContain('Nothing was changed (--dry-run).');
    expect(cli('settings').stdout).toContain('working_days: every day');
    const set = cli('settings', 'set', 'working_days', 'mon,tue,wed,thu,fri');
    expect(set.stdout).toMatch(/^Saved\. 1 planned visit moved:/);
    expect(set.stdout).toMatch(/7 planned visits left on a closed day, with no open day in the window \(decide each one\):\nPARTICIPANT\s+TRIAL\s+VISIT\s+DATE\s+CLOSED\n/);
    expect(set.stdout).toMatch(/\nS-1\s+msc-surgery\s+Day 1 after surgery\s+2025-07-13\s+Sunday\n/);
    expect(cli('settings').stdout).toContain('working_days: Monday to Friday');
    expect(cli('settings', 'set', 'working_days', 'mon,funday').stderr).toBe('error: "funday" is not a weekday: write the days the site is open as mon,tue,wed,thu,fri,sat,sun\n');

    const ics = path.join(dir, 'holidays.ics');
    fs.writeFileSync(ics, 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250704\r\nSUMMARY:Independence Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
    const imported = cli('holidays', 'import', ics);
    expect(imported.stdout).toContain('1 holiday day in');
    expect(imported.stdout).toMatch(/S-1\s+msc-surgery\s+Pre-operative assessment\s+2025-07-04\s+2025-07-03\s+site closed: Independence Day/);
    expect(cli('holidays', 'add', '2025-12-25', 'Christmas', 'Day').stdout).toContain('No planned visit moves.');
    expect(cli('holidays', 'list').stdout).toMatch(/Open: Monday to Friday\nDATE\s+HOLIDAY\n2025-07-04\s+Independence Day\n2025-12-25\s+Christmas Day\n/);
    expect(cli('holidays', 'remove', '2025-12-25').code).toBe(0);
    expect(cli('holidays', 'import', file).stderr).toBe('error: This is not a calendar file (iCalendar, .ics): it has no BEGIN:VCALENDAR.\n');
    const show = cli('participants', 'list', '--protocol', 'msc-surgery');
    expect(show.code).toBe(0);
  });
});
