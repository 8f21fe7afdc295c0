// A coordinator's week, as a new user tried it (the coordinator's-week issue): each test here is
// one of the things that went wrong, tried again the same way.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { cliAs, expect, expectAccessible, goTo, screenshot, SCREENSHOT_DIR, test } from './fixtures';

const isoPlus = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const todayIn = (page: Page) =>
  page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
const ok = (r: { status: number | null; stderr: string }) => expect(r.status, r.stderr).toBe(0);

/** C-001 in the COVID-19 trial, Day 1 twenty days ago, the first of four infusions given. */
async function covidParticipant(page: Page, app: { dbFile: string; url: string }, studyId = 'C-001', daysAgo = 20) {
  await page.goto(app.url);
  const today = await todayIn(page);
  const day1 = isoPlus(today, -daysAgo);
  ok(cliAs(app.dbFile, 'enroll', '--trial', 'ucmsc-covid19', '--study-id', studyId, '--initials', 'AB', '--sex', 'female', '--age', '40', '--weight', '70', '--consent', day1, '--day1', day1, '--confirm-eligibility'));
  ok(cliAs(app.dbFile, 'visit', 'done', '--trial', 'ucmsc-covid19', '--participant', studyId, '--visit', 'infusion-1', '--date', day1, '--lot', 'LOT-1', '--time', '08:00'));
  return { today, day1 };
}

async function openParticipant(page: Page, studyId: string) {
  await goTo(page, 'Participants');
  await page.getByRole('link', { name: new RegExp(`^${studyId} `) }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^${studyId} `) })).toBeVisible();
}

test('a stray digit in a date’s year neither blanks the app nor loses the dialog’s entries; the procedures are ticked at Done', async ({ page, app }) => {
  const { day1 } = await covidParticipant(page, app);
  await openParticipant(page, 'C-001');
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  await schedule.getByRole('button', { name: 'Done: Study treatment 2 of 4' }).click();
  const dialog = page.getByRole('dialog', { name: /Mark done: Study treatment 2 of 4/ });
  await dialog.getByLabel('Lot number').fill('LOT-2');
  await dialog.getByLabel('Time given').fill('10:15');
  // Tabbing once too often and typing 0 into the year: 20250.
  const date = dialog.getByLabel('Date done');
  await date.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type(`${day1.slice(5, 7)}${day1.slice(8, 10)}${day1.slice(0, 4)}0`);
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: /^C-001/ })).toBeVisible();
  await dialog.getByRole('button', { name: 'Mark done' }).click();
  // The field keeps four year digits: the stray digit makes another year, which the app refuses in words.
  await expect(dialog.getByRole('alert')).toContainText(/Date done|outside the window|before consent|Reason for the deviation: this is needed/);
  await expect(dialog.getByLabel('Lot number')).toHaveValue('LOT-2');
  await date.fill(isoPlus(day1, 2));
  await dialog.getByRole('button', { name: 'Mark done' }).click();
  await expect(dialog).toBeHidden();
  // Focus comes back to the row it was opened from, not the top of the page.
  await expect(page.locator(':focus')).toHaveAttribute('aria-label', /Study treatment 2 of 4/);

  // The procedures as a checklist: what was done is recorded and shown.
  await schedule.getByRole('button', { name: 'Done: 1 week after treatment' }).click();
  const done = page.getByRole('dialog', { name: /Mark done: 1 week after treatment/ });
  const checklist = done.getByRole('group', { name: 'Procedures done' });
  await expect(checklist.getByRole('checkbox')).not.toHaveCount(0);
  await checklist.getByLabel('Lung CT').check();
  await expectAccessible(page);
  await screenshot(page, 'done-dialog-checklist');
  await done.getByLabel('Date done').fill(await todayIn(page));
  if (await done.getByLabel('Reason for the deviation').isVisible()) await done.getByLabel('Reason for the deviation').fill('Came late');
  await done.getByRole('button', { name: 'Mark done' }).click();
  await expect(done).toBeHidden();
  await expect(schedule.getByRole('row', { name: /1 week after treatment/ })).toContainText(/Procedures done: Lung CT \(not done: /);
});

test('a missed visit stays missed where it was; missing one before its window opens is refused, saying when it can be', async ({ page, app }) => {
  const { today, day1 } = await covidParticipant(page, app);
  await openParticipant(page, 'C-001');
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  // Four weeks after treatment is still to come.
  await schedule.getByRole('button', { name: 'Missed: 4 weeks after treatment' }).click();
  let dialog = page.getByRole('dialog', { name: /Mark missed: 4 weeks after treatment/ });
  await dialog.getByLabel('Reason').fill('Will not come');
  await dialog.getByRole('button', { name: 'Mark missed' }).click();
  await expect(dialog.getByRole('alert')).toContainText('cannot be missed yet');
  await expect(dialog.getByRole('alert')).toContainText('reschedule or cancel it');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Day 28 mortality is fixed on study day 28; "within 24 h" depends on the last dose. Miss the
  // 24-hour visit, then record the late doses: the missed visit does not move.
  await schedule.getByRole('button', { name: 'Missed: Within 24 h after treatment' }).click();
  dialog = page.getByRole('dialog', { name: /Mark missed: Within 24 h after treatment/ });
  await dialog.getByLabel('Reason').fill('Not seen');
  await dialog.getByRole('button', { name: 'Mark missed' }).click();
  await expect(dialog).toBeHidden();
  const missedRow = schedule.getByRole('row', { name: /Within 24 h after treatment/ });
  const before = await missedRow.getByRole('cell').nth(1).innerText();
  for (const [n, offset] of [
    [2, 4],
    [3, 6],
  ] as const) {
    await schedule.getByRole('button', { name: `Done: Study treatment ${n} of 4` }).click();
    const d = page.getByRole('dialog', { name: new RegExp(`Mark done: Study treatment ${n} of 4`) });
    await d.getByLabel('Date done').fill(isoPlus(day1, offset));
    await d.getByLabel('Time given').fill('09:00');
    await d.getByLabel('Lot number').fill(`LOT-${n}`);
    if (await d.getByLabel('Reason for the deviation').isVisible()) await d.getByLabel('Reason for the deviation').fill('Late delivery');
    await d.getByRole('button', { name: 'Mark done' }).click();
    await expect(d).toBeHidden();
  }
  await expect(missedRow).toContainText('Missed');
  expect(await missedRow.getByRole('cell').nth(1).innerText()).toBe(before);
  expect(today > day1).toBe(true);
});

test('a long note with a long unbroken word wraps in its cell: every row keeps its buttons on screen', async ({ page, app }) => {
  await covidParticipant(page, app);
  await openParticipant(page, 'C-001');
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  await schedule.getByRole('button', { name: 'Add notes: Study treatment 2 of 4' }).click();
  const dialog = page.getByRole('dialog', { name: /Notes: Study treatment 2 of 4/ });
  await dialog.getByLabel('Notes').fill(`${'Pre-medication given; '.repeat(160)}${'x'.repeat(300)}`);
  await dialog.getByRole('button', { name: 'Save notes' }).click();
  await expect(dialog).toBeHidden();
  const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
  expect(width.page).toBeLessThanOrEqual(width.view);
  for (const button of await schedule.getByRole('button', { name: /^Done: / }).all()) {
    const box = (await button.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(width.view);
  }
  await screenshot(page, 'participant-long-note');
});

test('the worklists: Done from a row, a trial filter, each trial at a glance, overdue badges, the printed day list, a blinded code found', async ({ page, app }) => {
  const { today } = await covidParticipant(page, app, 'C-001', 20);
  // A second trial with someone due today, and the cirrhosis trial's blinded participant.
  ok(cliAs(app.dbFile, 'enroll', '--trial', 'ucmsc-sepsis', '--study-id', 'S-001', '--initials', 'CD', '--sex', 'male', '--age', '55', '--weight', '80', '--consent', today, '--day1', today, '--confirm-eligibility'));
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Worklists' })).toBeVisible();
  const glance = page.getByRole('region', { name: 'Trials at a glance' });
  const covid = glance.getByRole('row', { name: /pneumonia caused by the novel coronavirus/ });
  await expect(covid).toContainText('of 48');
  await expect(covid.getByRole('cell').last()).not.toHaveText('0');
  const dueToday = page.getByRole('region', { name: /^Due today/ });
  await expect(dueToday.getByRole('row', { name: /S-001/ })).toBeVisible();
  // The filter: the COVID-19 trial alone.
  await page.getByLabel('Trial', { exact: true }).selectOption('ucmsc-covid19');
  await expect(dueToday.getByRole('row', { name: /S-001/ })).toHaveCount(0);
  await expect(glance.getByRole('row')).toHaveCount(2);
  await page.getByLabel('Trial', { exact: true }).selectOption('');
  // Done from the row: the participant page's dialog, then the list reads again.
  await dueToday.getByRole('button', { name: /^Done: Study treatment 1\b.*S-001/ }).click();
  const dialog = page.getByRole('dialog', { name: /Mark done: Study treatment 1/ });
  await dialog.getByLabel('Time given').fill('11:00');
  await dialog.getByLabel('Lot number').fill('LOT-S1');
  await dialog.getByRole('button', { name: 'Mark done' }).click();
  await expect(dialog).toBeHidden();
  await expect(dueToday.getByRole('row', { name: /S-001/ })).toHaveCount(0);
  const overdue = page.getByRole('region', { name: /^Overdue/ });
  await expect(overdue.getByRole('row', { name: /C-001/ }).first()).toContainText('Overdue');
  await expectAccessible(page);
  await screenshot(page, 'worklists-week');

  // Overdue wherever the participant appears.
  await goTo(page, 'Participants');
  await expect(page.getByRole('row', { name: /C-001/ })).toContainText(/\d+ overdue/);
  // The search finds a blinded code.
  const code = (await page.getByRole('row', { name: /S-001/ }).getByRole('cell').nth(2).innerText()).trim();
  await page.getByLabel('Find').fill(code.toLowerCase());
  await expect(page.getByRole('row', { name: /S-001/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /C-001/ })).toHaveCount(0);
  await page.getByLabel('Find').fill('');
  await page.getByRole('link', { name: /^C-001/ }).click();
  await expect(page.locator('.badges')).toContainText(/\d+ overdue/);

  // The day's list, printed: every visit of the day, blinded codes, no arm.
  await goTo(page, 'Worklists');
  await page.getByRole('link', { name: 'Print this week’s list' }).click();
  await expect(page.locator('[data-ready="true"]')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Visits, ');
  const pdf = path.join(app.dataDir, 'week.pdf');
  await page.emulateMedia({ media: 'print' });
  fs.writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true }));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  expect(text).toContain('C-001 (AB)');
  expect(text).not.toMatch(/UC-MSC infusion|Placebo|Saline|Experimental group/i);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', pdf, path.join(SCREENSHOT_DIR, 'printed-week-list')]);
});

test('the calendar file from the Exports page: a reminder before each visit, missed ones cancelled; the visits CSV ends with notes and done-by', async ({ page, app }) => {
  const { day1 } = await covidParticipant(page, app);
  ok(cliAs(app.dbFile, 'visit', 'missed', '--trial', 'ucmsc-covid19', '--participant', 'C-001', '--visit', 'infusion-2', '--reason', 'fever'));
  await page.goto(app.url);
  await goTo(page, 'Exports');
  const ics = page.getByRole('region', { name: 'Calendar file (iCalendar)' });
  await ics.getByLabel('Trial').selectOption('ucmsc-covid19');
  await ics.getByLabel('One participant (study ID)').fill('C-001');
  const downloaded = page.waitForEvent('download');
  await ics.getByRole('button', { name: 'Save calendar file' }).click();
  const file = await (await downloaded).path();
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain('BEGIN:VALARM');
  expect(text).toMatch(/STATUS:CANCELLED/);
  expect(text).not.toMatch(/UC-MSC infusion|Placebo/);
  await expectAccessible(page);

  const csvPart = page.getByRole('region', { name: 'Export as CSV' });
  await csvPart.getByLabel('Trial').selectOption('ucmsc-covid19');
  const csvDownload = page.waitForEvent('download');
  await csvPart.getByRole('button', { name: 'Export' }).click();
  const csv = fs.readFileSync(await (await csvDownload).path(), 'utf8');
  const [header, ...rows] = csv.trim().split('\r\n');
  expect(header!.endsWith(',notes,done_by,procedures_done,moved_from,moved_because,closed_day')).toBe(true);
  expect(rows.find((r) => r.includes('infusion-1'))).toContain(`${day1},done`);
});

test('a rescheduled visit carries its window: the page and the worklist show the window in force', async ({ page, app }) => {
  const { today } = await covidParticipant(page, app, 'C-001', 20);
  await openParticipant(page, 'C-001');
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  await schedule.getByRole('button', { name: 'Reschedule: Within 24 h after treatment' }).click();
  const dialog = page.getByRole('dialog', { name: /Reschedule: Within 24 h after treatment/ });
  const to = isoPlus(today, 2);
  await dialog.getByLabel('New date').fill(to);
  await dialog.getByLabel('Reason').fill('Bed not available');
  await dialog.getByRole('button', { name: 'Reschedule' }).click();
  await expect(dialog).toBeHidden();
  const row = schedule.getByRole('row', { name: /Within 24 h after treatment/ });
  const words = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
  await expect(row).toContainText('rescheduled');
  await expect(row.getByRole('cell').nth(2)).toContainText(`${words(isoPlus(to, -1))} – ${words(to)}`);
  await goTo(page, 'Worklists');
  const week = page.getByRole('region', { name: /^This week/ });
  const inWeek = week.getByRole('row', { name: /Within 24 h after treatment/ });
  if ((await inWeek.count()) > 0) await expect(inWeek).toContainText(`${words(isoPlus(to, -1))} – ${words(to)}`);
});

test('the screening form: fields line up, initials too long are refused in words (not cut), a half-typed date of birth is named, not dropped', async ({ page, app }) => {
  await page.goto(app.url);
  await goTo(page, 'Participants');
  await page.getByRole('link', { name: 'Screen a participant' }).click();
  await page.getByLabel('Trial', { exact: true }).selectOption('ucmsc-covid19');
  await page.getByLabel('Study ID').fill('C-900');
  await page.getByLabel('Initials', { exact: true }).fill('abcdef');
  await page.getByLabel('Age (years)').fill('40');
  await page.getByRole('button', { name: 'Start screening' }).click();
  await expect(page.getByRole('alert')).toContainText('Initials: initials are 1 to 4 capital letters');
  await expect(page.getByLabel('Initials', { exact: true })).toHaveValue('abcdef');
  // A date of birth begun and not finished.
  await page.getByLabel('Initials', { exact: true }).fill('AB');
  await page.getByLabel('Date of birth').focus();
  await page.keyboard.type('03');
  await page.getByRole('button', { name: 'Start screening' }).click();
  await expect(page.getByRole('alert')).toContainText('Date of birth: not a whole date');
  // Every field of the first row starts at the same height.
  const tops = await Promise.all(['Trial', 'Study ID', 'Initials'].map(async (l) => (await page.getByLabel(l, { exact: true }).boundingBox())!.y));
  expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(2);
  await expectAccessible(page);
  await screenshot(page, 'screening-form');
});
