import fs from 'node:fs';
import path from 'node:path';
import { cliAs, expect, expectAccessible, goTo, screenshot, test } from './fixtures';

test('site calendar: month, week and agenda views of all visits, filtered by trial and status', async ({ page, app }) => {
  await page.goto(app.url);
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  const csv = path.join(app.dataDir, 'import.csv');
  // Day 1 today for five participants: the first infusions are today, so every view shows them;
  // a month cell shows three and how many the day has.
  fs.writeFileSync(csv, `study_id,initials,arm,day1,weight_kg\n${[1, 2, 3, 4, 5].map((i) => `C-${i},AB,CODE${i},${today},70`).join('\n')}\n`);
  const r = cliAs(app.dbFile, 'participants', 'import', csv, '--protocol', 'ucmsc-covid19');
  expect(r.status, r.stderr).toBe(0);

  await goTo(page, 'Calendar');
  await expect(page.getByText('C-1: Study treatment 1 of 4').first()).toBeVisible();
  await expect(page.getByText('C-4: Study treatment 1 of 4')).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, 'site-calendar-month');
  // The day's count opens the day with every visit.
  await page.getByRole('button', { name: /^All 5 visits on / }).first().click();
  await expect(page.getByRole('table', { name: /^Visits on / })).toContainText('C-5: Study treatment 1 of 4');
  await expect(page.getByRole('table', { name: /^Visits on / }).getByRole('button')).toHaveCount(5);
  await expectAccessible(page);
  await screenshot(page, 'site-calendar-day');
  await page.getByRole('button', { name: 'Month' }).click();

  // A month cell's visit is a link the keyboard reaches: Tab to it, Enter opens the participant.
  const monthVisit = page.getByRole('link', { name: /^C-1 \(AB\): Study treatment 1 of 4, Planned$/ }).first();
  await monthVisit.focus();
  await expect(monthVisit).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'C-1 (AB)' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Site calendar' })).toBeVisible();

  await page.getByLabel('Planned', { exact: true }).uncheck();
  await expect(page.getByText('C-1: Study treatment 1 of 4')).toHaveCount(0);
  await page.getByLabel('Planned', { exact: true }).check();

  await page.getByRole('button', { name: 'Agenda' }).click();
  await expect(page.getByText('C-2: Study treatment 1 of 4').first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'site-calendar-agenda');

  await page.getByRole('button', { name: 'Week', exact: true }).click();
  await expect(page.getByRole('table', { name: /Visits in the week of/ })).toContainText('C-1: Study treatment 1 of 4');
  await expectAccessible(page);
  await screenshot(page, 'site-calendar-week');
  // By keyboard: in the week view each visit is a button; Enter opens the participant.
  await page.getByRole('button', { name: 'C-1: Study treatment 1 of 4' }).first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'C-1 (AB)' })).toBeVisible();
});
