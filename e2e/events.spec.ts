// Events that visits count from, and the site's working days: a surgery event built in the
// editor, the pre- and post-surgery visits placed when the date is recorded and moved when it is
// corrected; Monday to Friday set on the settings page moves a Saturday visit to Friday inside
// its window and flags one with no window, on the participant page and the worklist.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { cliAs, expect, expectAccessible, goTo, screenshot, test, workAs } from './fixtures';

const group = (scope: Page | Locator, name: string) => scope.getByRole('group', { name, exact: true });
const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const plus = (d: Date, days: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);

/** Types a label, leaves it, sees the key filled in from it, then sets the key where one is given. */
async function labelled(scope: Locator, label: string, filled: string, key?: string) {
  await scope.getByLabel('Label').fill(label);
  await scope.getByLabel('Label').press('Tab');
  await expect(scope.getByLabel('Key', { exact: true })).toHaveValue(filled);
  if (key) await scope.getByLabel('Key', { exact: true }).fill(key);
}

test('a surgery event built in the editor: its visits wait, appear when the date is recorded, and move when it is corrected', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols/new`);
  await workAs(page, app, 'CO', 'Casey Ortiz');
  await page.getByLabel('Title').fill('UC-MSC around liver resection');
  await page.getByLabel('Title').press('Tab');
  await page.keyboard.type('msc-resection');
  await page.getByLabel('Conditions').fill('Liver cancer');
  await page.getByLabel('Summary').fill('One UC-MSC infusion; assessed a week before liver resection and the day after.');
  await page.getByRole('button', { name: 'Add intervention' }).click();
  await group(page, 'Intervention 1').getByLabel('Name').fill('UC-MSC');
  await group(page, 'Intervention 1').getByLabel('Name').press('Tab');
  await expect(group(page, 'Intervention 1').getByLabel('Key')).toHaveValue('uc-msc');

  await page.getByRole('button', { name: 'Add event' }).click();
  const ev = group(page, 'Event 1');
  await ev.getByLabel('Name').fill('Surgery');
  await ev.getByLabel('Name').press('Tab');
  await expect(ev.getByLabel('Key')).toHaveValue('surgery');

  await page.getByRole('button', { name: 'Add arm' }).click();
  const arm = group(page, 'Arm 1');
  await labelled(arm, 'UC-MSC', 'uc-msc');
  await arm.getByLabel('Description').fill('One infusion before surgery.');
  await group(arm, 'Interventions in this arm').getByLabel('UC-MSC').check();
  await arm.getByRole('button', { name: 'Add dosing series' }).click();
  const series = group(arm, 'Dosing series 1');
  await labelled(series, 'UC-MSC infusion', 'uc-msc-infusion', 'infusion');
  await series.getByLabel('Number of doses').fill('1');
  await group(series, 'Interventions given').getByLabel('UC-MSC').check();

  await arm.getByRole('button', { name: 'Add visit' }).click();
  const pre = group(arm, 'Visit 1');
  await labelled(pre, 'Pre-operative assessment', 'pre-operative-assessment', 'pre-op');
  await expect(pre.getByLabel('Key', { exact: true })).toHaveValue('pre-op');
  await pre.getByLabel('Counted from').selectOption('event');
  await expect(pre.getByLabel('Event', { exact: true })).toHaveValue('surgery');
  await pre.getByLabel('After', { exact: true }).fill('7');
  await pre.getByLabel('Before or after').selectOption('before');
  await expect(pre.getByLabel('Before', { exact: true })).toHaveValue('7');
  await pre.getByLabel('Unit', { exact: true }).selectOption('days');
  await pre.getByLabel(/^Window for/).selectOption('stated');
  await pre.getByLabel('Allowed before').fill('2');
  await pre.getByLabel('Allowed after').fill('2');
  await arm.getByRole('button', { name: 'Add visit' }).click();
  const post = group(arm, 'Visit 2');
  await labelled(post, 'Day 1 after surgery', 'day-1-after-surgery', 'post-op');
  await post.getByLabel('Counted from').selectOption('event');
  await post.getByLabel('After', { exact: true }).fill('1');
  await post.getByLabel('Unit', { exact: true }).selectOption('days');

  await page.getByRole('button', { name: 'Add inclusion criterion' }).click();
  const inc = group(page, 'Inclusion criterion 1');
  await inc.getByLabel('Criterion', { exact: true }).fill('Liver resection planned');
  await inc.getByLabel('Criterion', { exact: true }).press('Tab');

  // The preview takes a surgery date: without one the visits wait, with one they are dated.
  const preview = page.getByRole('complementary', { name: 'Schedule preview' });
  await preview.getByLabel('Study Day 1 (first dose)').fill('2026-11-02');
  await expect(preview).toContainText('Pre-operative assessment (waiting for: Surgery date)');
  await preview.getByLabel('Surgery date').fill('2026-12-12');
  await expect(preview.getByRole('row', { name: /Pre-operative assessment/ })).toContainText('2026');
  await expect(preview.locator('time[datetime="2026-12-05"]')).toHaveCount(1);
  await screenshot(page, 'editor-event-anchor');
  await page.getByRole('button', { name: 'Save protocol' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('UC-MSC around liver resection');
  await expect(page.getByRole('region', { name: /^Events/ })).toContainText('Surgery');
  await expect(page.getByRole('region', { name: /Arms and schedule/ })).toContainText('7 days before surgery');

  const r = cliAs(app.dbFile, 'enroll', '--trial', 'msc-resection', '--study-id', 'R-1', '--initials', 'AB', '--sex', 'female', '--age', '60', '--consent', '2026-11-01', '--day1', '2026-11-02', '--confirm-eligibility');
  expect(r.status, r.stderr).toBe(0);
  await page.goto(`${app.url}#/participants`);
  await page.getByRole('link', { name: 'R-1 (AB)' }).click();
  const events = page.getByRole('region', { name: /^Events/ });
  await expect(events).toContainText('Surgery: not recorded yet');
  await expect(events).toContainText('Waiting for it: Pre-operative assessment, Day 1 after surgery');
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  await expect(schedule.getByRole('row', { name: /Pre-operative assessment/ })).toHaveCount(0);

  await events.getByRole('button', { name: 'Record date: Surgery' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record: Surgery date' });
  await dialog.getByLabel('Surgery date').fill('2026-12-12');
  await dialog.getByRole('button', { name: 'Record date' }).click();
  await expect(dialog).toBeHidden();
  await expect(events).toContainText('Surgery: ');
  await expect(schedule.getByRole('row', { name: /Pre-operative assessment/ })).toContainText(/5 Dec 2026/);
  await expect(schedule.getByRole('row', { name: /Day 1 after surgery/ })).toContainText(/13 Dec 2026/);
  await screenshot(page, 'participant-event-recorded');

  await events.getByRole('button', { name: 'Correct date: Surgery' }).click();
  const fix = page.getByRole('dialog', { name: 'Correct: Surgery date' });
  await fix.getByLabel('Surgery date').fill('2026-12-19');
  await fix.getByRole('button', { name: 'Save correction' }).click();
  await expect(fix.getByText('Reason for the correction: this is needed.')).toBeVisible();
  await fix.getByLabel('Reason for the correction').fill('Surgery postponed a week');
  await fix.getByRole('button', { name: 'Save correction' }).click();
  await expect(fix).toBeHidden();
  await expect(schedule.getByRole('row', { name: /Pre-operative assessment/ })).toContainText(/12 Dec 2026/);
  await expect(schedule.getByRole('row', { name: /Day 1 after surgery/ })).toContainText(/20 Dec 2026/);
  await expect(events).toContainText('corrected: Surgery postponed a week');
  await expectAccessible(page);
});

test('Monday to Friday on the settings page moves a Saturday visit to Friday inside its window and flags a Sunday one with no window', async ({ page, app }) => {
  const protocol = JSON.parse(fs.readFileSync(path.join('seeds', 'ucmsc-covid19.json'), 'utf8'));
  protocol.id = 'msc-surgery';
  protocol.title = 'UC-MSC before and after liver resection';
  protocol.identifiers = { nctId: null, other: [] };
  protocol.events = [{ key: 'surgery', label: 'Surgery' }];
  for (const arm of protocol.arms)
    arm.visits.push(
      { key: 'pre-op', label: 'Pre-operative assessment', kind: 'assessment', anchor: { type: 'event', event: 'surgery' }, offset: { value: -7, unit: 'days' }, window: { before: { value: 2, unit: 'days' }, after: { value: 2, unit: 'days' } }, procedures: [] },
      { key: 'post-op', label: 'Day 1 after surgery', kind: 'follow-up', anchor: { type: 'event', event: 'surgery' }, offset: { value: 1, unit: 'days' }, window: null, procedures: [] },
    );
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-events-')), 'surgery.json');
  fs.writeFileSync(file, JSON.stringify(protocol));
  // Surgery on this week's Saturday: the visit the day after falls on this week's Sunday.
  const today = new Date();
  const monday = plus(today, -((today.getDay() + 6) % 7));
  const saturday = plus(monday, 5);
  for (const args of [
    ['protocol', 'import', file],
    ['enroll', '--trial', 'msc-surgery', '--study-id', 'S-1', '--initials', 'AB', '--sex', 'female', '--age', '60', '--consent', iso(plus(today, -41)), '--day1', iso(plus(today, -40)), '--confirm-eligibility'],
    ['event', 'record', '--protocol', 'msc-surgery', '--participant', 'S-1', '--event', 'surgery', '--date', iso(saturday)],
  ]) {
    const r = cliAs(app.dbFile, ...args);
    expect(r.status, r.stderr).toBe(0);
  }
  await page.goto(app.url);
  await goTo(page, 'Settings');
  const days = page.getByRole('region', { name: 'Working days and holidays' });
  await expect(days).toContainText('Open: every day');
  await days.getByLabel('Saturday').uncheck();
  await days.getByLabel('Sunday').uncheck();
  await days.getByRole('button', { name: 'Review and save the working days' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save the working days?' });
  const preOp = dialog.getByRole('row', { name: /S-1.*Pre-operative assessment/ });
  await expect(preOp).toContainText('(site closed: Saturday)');
  await expect(dialog.getByRole('row', { name: /S-1.*Day 1 after surgery/ })).toContainText('stays: site closed (Sunday), no open day in the window');
  await screenshot(page, 'settings-working-days-preview');
  await dialog.getByRole('button', { name: 'Save and re-plan' }).click();
  await expect(dialog).toBeHidden();
  await expect(days).toContainText('Open: Monday to Friday');
  await expect(days.getByRole('status')).toContainText(/^Saved\. \d+ planned visits? moved/);

  await goTo(page, 'Participants');
  await page.getByRole('link', { name: 'S-1 (AB)' }).click();
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  const lastFriday = plus(saturday, -8);
  const pre = schedule.getByRole('row', { name: /Pre-operative assessment/ });
  await expect(pre).toContainText(/moved from Sat \d+ \w+: site closed/);
  await expect(pre.locator('td').nth(1)).toContainText(String(lastFriday.getDate()));
  await expect(schedule.getByRole('row', { name: /Day 1 after surgery/ })).toContainText('site closed (Sunday) and no open day in the window: choose a date');
  await screenshot(page, 'participant-moved-closed');

  await goTo(page, 'Worklists');
  const week = page.getByRole('region', { name: /^This week/ });
  await expect(week.getByRole('row', { name: /S-1/ }).filter({ hasText: 'Day 1 after surgery' })).toContainText('Site closed: Sunday');
  await expectAccessible(page);
  await screenshot(page, 'worklist-closed-day');
});
