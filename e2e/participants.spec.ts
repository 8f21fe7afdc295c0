import type { Page } from '@playwright/test';
import { expect, expectAccessible, goTo, screenshot, test, TEST_PASSPHRASE, workAs } from './fixtures';

// Words that would tell the sepsis trial's arms apart. None may appear on a participant screen.
const ARM_WORDS = [/Experimental group/i, /Sham comparator/i, /CD83/i, /regulatory MSC/i, /control solution/i, /1×10⁸/, /\bsham\b/i, /\bexperimental\b/i];

async function expectNoArmLeak(page: Page) {
  const html = await page.content();
  for (const w of ARM_WORDS) expect(html, `arm leak: ${w}`).not.toMatch(w);
}

const isoPlus = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function screen(page: Page, studyId: string, consent: string) {
  await goTo(page, 'Participants');
  await page.getByRole('link', { name: 'Screen a participant' }).click();
  await page.getByLabel('Trial', { exact: true }).selectOption('ucmsc-sepsis');
  await page.getByLabel('Study ID').fill(studyId);
  await page.getByLabel('Initials', { exact: true }).fill('AB');
  await page.getByLabel('Age (years)').fill('44');
  await page.getByLabel('Sex', { exact: true }).selectOption('female');
  await page.getByLabel('Weight (kg)').fill('70');
  await page.getByLabel('Consent date').fill(consent);
  await page.getByRole('button', { name: 'Start screening' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${studyId} (AB)` })).toBeVisible();
}

async function answer(page: Page, exclusionMet: string | null) {
  const rows = page.getByRole('region', { name: 'Eligibility' }).getByRole('row');
  const n = await rows.count();
  for (let i = 1; i < n; i++) {
    const row = rows.nth(i);
    const inclusion = (await row.innerText()).startsWith('Inclusion');
    const met = inclusion || (exclusionMet !== null && (await row.innerText()).includes(exclusionMet));
    await row.getByLabel(met ? 'Met' : 'Not met', { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Save answers' }).click();
}

/** An investigator (everyone in these tests has the role) signs the answers with their passphrase. */
async function signEligibility(page: Page) {
  await expect(page.getByText('Eligible as answered.')).toBeVisible();
  await page.getByLabel('Your passphrase (signature)').fill(TEST_PASSPHRASE);
  await page.getByRole('button', { name: 'Sign and confirm eligibility' }).click();
  await expect(page.getByText(/^Confirmed by /)).toBeVisible();
}

test('screen, refuse, enroll with a blinded code, record a late first dose, and see the worklists change', async ({ page, app }) => {
  await workAs(page, app, 'CO', 'Chris Okafor');
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  const day1 = isoPlus(today, -5);

  // An exclusion criterion met: enrollment is refused and says why.
  await screen(page, 'S-001', isoPlus(today, -7));
  await answer(page, 'Imminent terminal status');
  await expect(page.getByText('Exclusion criterion met: Imminent terminal status')).toBeVisible();
  // Not eligible as answered: there is nothing to sign, and enrollment stays closed.
  await expect(page.getByRole('button', { name: 'Sign and confirm eligibility' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Enroll and randomize' })).toBeDisabled();
  await expectAccessible(page);
  await page.getByLabel('Reason').fill('Septic shock at screening');
  await page.getByRole('button', { name: 'Record screen failure' }).click();
  await expect(page.getByText('Screen failure.')).toBeVisible();

  // Eligible: randomized to a blinded code, with a full schedule.
  await screen(page, 'S-002', isoPlus(today, -7));
  await answer(page, null);
  await signEligibility(page);
  await page.getByLabel('Study Day 1 (planned first dose)').fill(day1);
  await page.getByRole('button', { name: 'Enroll and randomize' }).click();
  await expect(page.getByText(/^Blinded code [A-Z2-9]{6}$/)).toBeVisible();
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  await expect(schedule.getByRole('row', { name: /Study treatment 1/ })).toBeVisible();
  await expect(schedule.getByRole('row', { name: /Day 28 survival/ })).toBeVisible();
  await expect(schedule.getByText('Further study treatments')).toBeVisible();
  await expectNoArmLeak(page);
  await expectAccessible(page);

  await goTo(page, 'Worklists');
  const overdue = page.getByRole('region', { name: /Overdue/ });
  await expect(overdue.getByRole('row', { name: /S-002/ })).toContainText('Study treatment 1');
  await expectNoArmLeak(page);
  await page.getByRole('link', { name: 'S-002 (AB)' }).first().click();

  // The first dose two days late: a reason is required, then later visits move.
  await schedule.getByRole('button', { name: 'Done: Study treatment 1' }).click();
  const dialog = page.getByRole('dialog', { name: /Mark done: Study treatment 1/ });
  await dialog.getByLabel('Date done').fill(isoPlus(day1, 2));
  await dialog.getByLabel('Time given').fill('10:15');
  await dialog.getByLabel('Lot number').fill('LOT-2024-07');
  await expect(dialog.getByText('is outside the window: a reason is required')).toBeVisible();
  await expectAccessible(page);
  // Without a reason the form does not go (the server refuses it too: see test/participants.test.ts).
  await dialog.getByRole('button', { name: 'Mark done' }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Reason for the deviation')).toBeFocused();
  await dialog.getByLabel('Reason for the deviation').fill('Cell product delivered late');
  await dialog.getByRole('button', { name: 'Mark done' }).click();
  await expect(dialog).toBeHidden();
  const first = schedule.getByRole('row', { name: /Study treatment 1/ });
  await expect(first).toContainText('out of window');
  await expect(first).toContainText('Cell product delivered late');
  const day28 = schedule.getByRole('row', { name: /Day 28 survival/ });
  await expect(day28).toContainText('first projected');
  await page.getByText('Audit trail').click();
  const history = page.getByRole('region', { name: 'History' });
  // The trail in sentences: who recorded the dose as done, when, out of window and why.
  await expect(history.getByRole('listitem').filter({ hasText: /recorded Study treatment 1( of \d+)? as done on .* \(out of window: Cell product delivered late\)/ }).first()).toBeVisible();
  await expect(history).toContainText('(blinded)');
  await expectNoArmLeak(page);
  await expectAccessible(page);
  await screenshot(page, 'participant-sepsis');

  await goTo(page, 'Worklists');
  await expect(page.getByRole('region', { name: /Overdue/ }).getByText('Nothing is overdue.')).toBeVisible();
  await expect(page.getByRole('region', { name: /Done out of window/ }).getByRole('row', { name: /S-002/ })).toContainText('Cell product delivered late');
  await expectNoArmLeak(page);
  await expectAccessible(page);
  await screenshot(page, 'worklists');

  await goTo(page, 'Participants');
  await expect(page.getByRole('row', { name: /S-001/ })).toContainText('Screen failed');
  await expectNoArmLeak(page);
  await expectAccessible(page);
});

test('an open-label trial shows the arm and lets the coordinator assign it by hand', async ({ page, app }) => {
  await workAs(page, app, 'JS', 'Jana Svoboda');
  await page.goto(`${app.url}#/participants/new?protocol=hucmsc-decompensated-cirrhosis`);
  await page.getByLabel('Study ID').fill('B-001');
  await page.getByLabel('Initials', { exact: true }).fill('MN');
  await page.getByLabel('Date of birth').fill('1970-05-04');
  await page.getByLabel('Consent date').fill('2025-03-01');
  await page.getByRole('button', { name: 'Start screening' }).click();
  await expect(page.getByText('Age on the consent date: 54')).toBeVisible();
  await answer(page, null);
  await signEligibility(page);
  await page.getByLabel('Study Day 1 (planned first dose)').fill('2025-03-03');
  await page.getByLabel('Arm', { exact: true }).selectOption('high');
  await expectAccessible(page);
  await screenshot(page, 'screening-open-label');
  await page.getByRole('button', { name: 'Enroll and randomize' }).click();
  await expect(page.getByText('Arm: Conventional therapy plus hUC-MSCs treatment (high dose)')).toBeVisible();
  await expect(page.getByRole('row', { name: /hUC-MSC transplantation \(high dose\) 1/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Print calendar' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Visit calendar: B-001' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'March 2025' })).toContainText('hUC-MSC transplantation (high dose) 1');
  await expectAccessible(page);
  await screenshot(page, 'calendar-screen');
});
