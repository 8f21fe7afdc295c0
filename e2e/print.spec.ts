// The printed participant calendar: a real PDF from `trialcoord print calendar`, read back with
// pdftotext (poppler-utils) and turned into PNG pages with pdftoppm for people to look at.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCREENSHOT_DIR, cliAs, expect, test } from './fixtures';

const cli = (db: string, ...args: string[]) => {
  const r = cliAs(db, ...args);
  if (r.status !== 0) throw new Error(`trialcoord ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

test('a cirrhosis participant calendar prints every planned date, on A4 and US Letter', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-print-'));
  const db = path.join(dir, 'db.sqlite');
  const csv = path.join(dir, 'p.csv');
  fs.writeFileSync(csv, 'study_id,initials,arm,day1,weight_kg,actual:infusion-1,actual:infusion-2\nH-001,AB,QX7R2M,2024-01-31,70,2024-01-31,2024-03-01\n');
  cli(db, 'participants', 'import', csv, '--protocol', 'ucmsc-cirrhosis');
  cli(db, 'settings', 'set', 'site_name', 'Liver Unit, City Hospital');
  const visits = JSON.parse(cli(db, 'participants', 'list', '--json')) as { id: number }[];
  expect(visits).toHaveLength(1);
  const planned = cli(db, 'export', 'visits', '--trial', 'ucmsc-cirrhosis')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',')[7]!);
  expect(planned).toHaveLength(7);

  for (const paper of ['a4', 'letter']) {
    const pdf = path.join(dir, `calendar-${paper}.pdf`);
    const printed = cliAs(db, 'print', 'calendar', '--participant', 'H-001', '--out', pdf, '--paper', paper);
    expect(printed.status, printed.stderr).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const date of planned) expect(text, `planned date ${date}`).toContain(date);
    expect(text.toLowerCase()).toContain('liver unit, city hospital');
    expect(text).toContain('Visit calendar: H-001');
    // The trial's title names both arms; nothing names this participant's.
    expect(text).not.toMatch(/Arm A|Arm B|Saline infusion|UC-MSC infusion/i);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(paper === 'a4' ? /Page size:\s+595\.\d+ x 841\.\d+|Page size:\s+595\.\d+ x 842\.\d+/ : /Page size:\s+612 x 792/);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    execFileSync('pdftoppm', ['-r', '70', '-png', pdf, path.join(SCREENSHOT_DIR, `calendar-${paper}`)]);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the printed calendar’s footer carries the audit trail’s mark; the trail proves it extends it, and a file put back to an earlier state does not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-print-'));
  const db = path.join(dir, 'db.sqlite');
  const csv = path.join(dir, 'p.csv');
  fs.writeFileSync(csv, 'study_id,initials,arm,day1,weight_kg\nH-001,AB,QX7R2M,2024-01-31,70\n');
  cli(db, 'participants', 'import', csv, '--trial', 'ucmsc-cirrhosis');
  const earlier = path.join(dir, 'earlier.sqlite');
  cli(db, 'backup', '--out', earlier);
  cli(db, 'settings', 'set', 'site_name', 'Liver Unit');
  const pdf = path.join(dir, 'calendar.pdf');
  cli(db, 'print', 'calendar', '--participant', 'H-001', '--out', pdf);
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const mark = /Record mark (\d+:[0-9a-f]{16})/.exec(text)?.[1];
  expect(mark, text.slice(-400)).toBeDefined();
  expect(text).toContain(`trialcoord audit verify --against ${mark}`);
  const ok = cliAs(db, 'audit', 'verify', '--against', mark!);
  expect([ok.status, ok.stdout]).toEqual([0, expect.stringContaining('extends')]);
  // The same site's file as it was before the setting and the print: the mark is not in its trail.
  fs.copyFileSync(earlier, db);
  for (const s of ['-wal', '-shm']) fs.rmSync(db + s, { force: true });
  const rolledBack = cliAs(db, 'audit', 'verify', '--against', mark!);
  expect(rolledBack.status, rolledBack.stdout).toBe(3);
  expect(rolledBack.stdout).toMatch(/rows were removed, or the file was put back to an earlier state/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the printed calendar a participant takes home: missed visits struck and marked, years without a visit on one line, dates in the site’s format, the site’s name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-print-'));
  const db = path.join(dir, 'db.sqlite');
  const csv = path.join(dir, 'p.csv');
  fs.writeFileSync(csv, 'study_id,initials,arm,day1,weight_kg,actual:infusion-1\nH-001,AB,QX7R2M,2024-01-31,70,2024-01-31\n');
  cli(db, 'participants', 'import', csv, '--trial', 'ucmsc-cirrhosis');
  cli(db, 'visit', 'missed', '--trial', 'ucmsc-cirrhosis', '--participant', 'H-001', '--visit', 'week-12', '--reason', 'no show');
  cli(db, 'settings', 'set', 'site_name', 'Liver Unit');
  cli(db, 'settings', 'set', 'date_locale', 'en-GB');
  const pdf = path.join(dir, 'calendar.pdf');
  cli(db, 'print', 'calendar', '--participant', 'H-001', '--out', pdf);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  expect(text).toContain('LIVER UNIT');
  expect(text).toContain('Study Day 1: 31 Jan 2024');
  expect(text).toMatch(/Week 12\s*\(missed\)/);
  // The 75-month follow-up: 2026 to 2029 have no visit, and print as one line.
  expect(text).toContain('2026 to 2029: no visits.');
  expect(text).not.toContain('2027: visit days');
  // No word broken inside a day cell.
  expect(text).not.toMatch(/treatme\s*\n\s*nt/);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  execFileSync('pdftoppm', ['-r', '70', '-png', pdf, path.join(SCREENSHOT_DIR, 'calendar-missed')]);
  fs.rmSync(dir, { recursive: true, force: true });
});
