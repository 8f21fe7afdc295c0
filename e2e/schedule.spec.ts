import { expect, expectAccessible, screenshot, test } from './fixtures';

test('schedule preview for the cirrhosis trial: dates, study days and windows from any start date', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols/ucmsc-cirrhosis`);
  await page.getByRole('link', { name: 'Preview schedule for Arm A: UC-MSC' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Schedule preview' })).toBeFocused();
  await expect(page.getByLabel('Arm', { exact: true })).toHaveValue('arm-a');
  await page.getByLabel(/Study Day 1/).fill('2024-01-31');

  const rows = page.getByRole('region', { name: /Arm A: UC-MSC: visits/ }).getByRole('row');
  await expect(rows).toHaveCount(8);
  const text = async (i: number) => (await rows.nth(i).innerText()).replace(/\s+/g, ' ');
  expect(await text(1)).toContain('1 31 Jan 2024 UC-MSC infusion 1 of 3');
  expect(await text(2)).toContain('29 28 Feb 2024 UC-MSC infusion 2 of 3');
  expect(await text(4)).toContain('85 24 Apr 2024 Week 12');
  expect(await text(7)).toContain('2282 30 Apr 2030 End of follow-up (month 75)');
  await expect(rows.nth(4)).toContainText('ALT, TB, PT, ALB, PA, Blood routine');
  await expect(rows.nth(4)).toContainText('Window not stated');
  await expectAccessible(page);
  await screenshot(page, 'schedule-preview-cirrhosis');

  // Another arm, by keyboard: the choice is kept in the address for reloading.
  await page.getByLabel('Arm', { exact: true }).selectOption('arm-b');
  const armB = page.getByRole('region', { name: /Arm B: saline: visits/ }).getByRole('row');
  await expect(armB.nth(1)).toContainText('Saline infusion 1 of 3');
  expect(page.url()).toContain('arm=arm-b');
});

test('schedule preview shows "within 24 h" windows and what a protocol leaves open', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols/ucmsc-covid19/schedule?arm=uc-msc&start=2024-03-10`);
  const within = page.getByRole('row', { name: /Within 24 h after treatment/ });
  await expect(within).toContainText('16 Mar 2024 – 17 Mar 2024');
  await expect(within).toContainText('within 24 h after the final infusion');
  await expectAccessible(page);
  await screenshot(page, 'schedule-preview-covid19');

  await page.goto(`${app.url}#/protocols/ucmsc-sepsis/schedule?arm=sham&start=2025-06-10`);
  const open = page.getByRole('region', { name: /Not on the calendar/ });
  await expect(open).toContainText('Control solution infusion: further administrations: the number of administrations is not stated.');
  await expect(page.getByRole('row', { name: /Day 28 survival/ })).toContainText('7 Jul 2025');
  await expectAccessible(page);
  await screenshot(page, 'schedule-preview-sepsis');
});
