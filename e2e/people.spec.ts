// People, roles, sign-in, corrections and the idle lock, as a site uses them.
import { cliAs, expect, expectAccessible, goTo, screenshot, signIn, test, TEST_PASSPHRASE, workAs } from './fixtures';

const isoPlus = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const todayIn = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });

test.describe('first start', () => {
  test.use({ people: false });
  test('a new site asks for its first person, an administrator, then opens', async ({ page }) => {
    await expect(page.getByRole('heading', { level: 1, name: 'Set up Trial Coordinator' })).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel('Name').fill('Mary Lee');
    await page.getByLabel('Initials').fill('ml');
    await page.getByLabel('Passphrase', { exact: true }).fill('short');
    await page.getByLabel('The same again').fill('short');
    await page.getByRole('button', { name: 'Create administrator and sign in' }).click();
    // The browser's own check stops a passphrase under 10 characters; the backend refuses it too.
    await expect(page.getByRole('heading', { level: 1, name: 'Set up Trial Coordinator' })).toBeVisible();
    await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
    await page.getByLabel('The same again').fill('correct horse battery');
    await screenshot(page, 'first-start');
    await page.getByRole('button', { name: 'Create administrator and sign in' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page).toHaveTitle('Trial Coordinator — Mary Lee (ML)');
    await expect(page.getByRole('link', { name: 'People' })).toBeVisible();
  });
});

test('sign in; a coordinator corrects a dose and undoes a missed visit; only an unblinded person unblinds, signing; the idle lock keeps the screen', async ({ page, app }) => {
  await page.clock.install();
  await page.goto(app.url);
  const today = await todayIn(page);
  const day1 = isoPlus(today, -6);
  // Enrolled and randomized (so that an arm is on record here), the first dose given.
  const enrolled = cliAs(app.dbFile, 'enroll', '--trial', 'ucmsc-covid19', '--study-id', 'C-1', '--initials', 'AB', '--sex', 'female', '--age', '40', '--weight', '70', '--consent', day1, '--day1', day1, '--confirm-eligibility');
  expect(enrolled.status, enrolled.stderr).toBe(0);
  expect(cliAs(app.dbFile, 'visit', 'done', '--trial', 'ucmsc-covid19', '--participant', 'C-1', '--visit', 'infusion-1', '--date', day1, '--lot', 'LOT-0', '--time', '08:00').status).toBe(0);

  // Signing in: a wrong passphrase is refused and says so.
  app.addPerson('CO', 'Casey Ortiz', ['coordinator']);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Initials').fill('CO');
  await page.getByLabel('Passphrase').fill('not my passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Those initials and that passphrase do not match.');
  await expectAccessible(page);
  await screenshot(page, 'sign-in');
  await signIn(page, 'CO');
  await expect(page.getByRole('link', { name: 'People' })).toHaveCount(0);

  await goTo(page, 'Participants');
  await page.getByRole('link', { name: 'C-1 (AB)' }).click();
  const schedule = page.getByRole('region', { name: /^Schedule/ });
  // The second dose, done with its lot.
  await schedule.getByRole('button', { name: 'Done: Study treatment 2 of 4' }).click();
  let dialog = page.getByRole('dialog', { name: /Mark done: Study treatment 2 of 4/ });
  await dialog.getByLabel('Date done').fill(isoPlus(day1, 2));
  await dialog.getByLabel('Time given').fill('09:30');
  await dialog.getByLabel('Lot number').fill('LOT-A1');
  await dialog.getByRole('button', { name: 'Mark done' }).click();
  await expect(dialog).toBeHidden();
  const third = schedule.getByRole('row', { name: /Study treatment 3 of 4/ });
  await expect(third).toContainText(new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${isoPlus(day1, 4)}T00:00:00Z`)));

  // Corrected: the lot and the date (a day later); the third dose re-plans from the corrected date.
  await schedule.getByRole('button', { name: 'Correct: Study treatment 2 of 4' }).click();
  dialog = page.getByRole('dialog', { name: /Correct: Study treatment 2 of 4/ });
  await expect(dialog.getByLabel('Lot number')).toHaveValue('LOT-A1');
  await dialog.getByLabel('Lot number').fill('LOT-B2');
  await dialog.getByLabel('Date done').fill(isoPlus(day1, 3));
  await dialog.getByLabel('Reason for the correction').fill('Lot and date copied wrongly from the pharmacy sheet');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Save correction' }).click();
  await expect(dialog).toBeHidden();
  const second = schedule.getByRole('row', { name: /Study treatment 2 of 4/ });
  await expect(second).toContainText('Lot LOT-B2');
  await expect(third).toContainText(new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${isoPlus(day1, 5)}T00:00:00Z`)));

  // The mark beside the corrected dose opens its history: old values, new values, who, when, why.
  await second.getByRole('button', { name: /History of Study treatment 2 of 4/ }).click();
  const history = page.getByRole('dialog', { name: 'History: Study treatment 2 of 4' });
  await expect(history).toContainText('LOT-A1 → LOT-B2');
  await expect(history).toContainText('Corrected by CO');
  await expect(history).toContainText('Lot and date copied wrongly from the pharmacy sheet');
  await expectAccessible(page);
  await screenshot(page, 'correction-history');
  await history.getByRole('button', { name: 'Close' }).click();

  // A visit marked missed by mistake goes back to planned, with a reason.
  await schedule.getByRole('button', { name: 'Missed: Study treatment 3 of 4' }).click();
  dialog = page.getByRole('dialog', { name: /Mark missed: Study treatment 3 of 4/ });
  await dialog.getByLabel('Reason').fill('Did not come');
  await dialog.getByRole('button', { name: 'Mark missed' }).click();
  await expect(third).toContainText('Missed');
  await schedule.getByRole('button', { name: 'Undo: Study treatment 3 of 4' }).click();
  dialog = page.getByRole('dialog', { name: /Back to planned: Study treatment 3 of 4/ });
  await dialog.getByLabel('Reason').fill('Marked missed by mistake: she came in the afternoon');
  await dialog.getByRole('button', { name: 'Put back to planned' }).click();
  await expect(third).toContainText('Planned');
  await page.getByText('Audit trail', { exact: true }).click();
  const trail = page.getByRole('region', { name: 'History' });
  await expect(trail).toContainText('Lot and date copied wrongly from the pharmacy sheet');
  await expect(trail).toContainText('Marked missed by mistake: she came in the afternoon');

  // A coordinator cannot unblind: no button, and the backend refuses the call itself.
  await expect(page.getByRole('button', { name: /Unblind/ })).toHaveCount(0);
  const participantId = Number(page.url().match(/participants\/(\d+)/)![1]);
  const refused = await page.evaluate(
    async ([id, passphrase]) => {
      const r = await fetch('./api/unblindParticipant', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ participantId: id, reason: 'curious', passphrase }) });
      return [r.status, ((await r.json()) as { error: { message: string } }).error.message];
    },
    [participantId, TEST_PASSPHRASE] as const,
  );
  expect(refused).toEqual([403, 'This needs the unblinded role.']);

  // The idle lock: after 15 minutes without use the screen locks; the half-written note is still there after the passphrase.
  await schedule.getByRole('button', { name: 'Add notes: Study treatment 4 of 4' }).click();
  dialog = page.getByRole('dialog', { name: /Notes: Study treatment 4 of 4/ });
  await dialog.getByLabel('Notes').fill('Prefers the early slot');
  await page.clock.fastForward('16:00');
  const lock = page.getByRole('dialog', { name: 'Locked' });
  await expect(lock).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'idle-lock');
  await lock.getByLabel('Passphrase').fill('wrong one');
  await lock.getByRole('button', { name: 'Unlock' }).click();
  await expect(lock.getByRole('alert')).toContainText('do not match');
  await lock.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
  await lock.getByRole('button', { name: 'Unlock' }).click();
  await expect(lock).toBeHidden();
  await expect(dialog.getByLabel('Notes')).toHaveValue('Prefers the early slot');
  await dialog.getByRole('button', { name: 'Save notes' }).click();
  await expect(dialog).toBeHidden();

  // Someone with the unblinded role unblinds, signing with their passphrase; the signature shows.
  await workAs(page, app, 'UB', 'Uma Banerjee', ['unblinded']);
  await page.goto(`${app.url}#/participants/${participantId}`);
  await page.getByRole('button', { name: 'Unblind…' }).click();
  dialog = page.getByRole('dialog', { name: 'Unblind this participant' });
  await dialog.getByLabel('Reason').fill('Serious adverse event: treating physician needs the arm');
  await dialog.getByLabel('Your passphrase (signature)').fill('not it');
  await dialog.getByRole('button', { name: 'Sign and unblind' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Not signed');
  await dialog.getByLabel('Your passphrase (signature)').fill(TEST_PASSPHRASE);
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Sign and unblind' }).click();
  await expect(dialog).toBeHidden();
  const assignment = page.getByRole('region', { name: 'Assignment' });
  await expect(assignment).toContainText('signed by Uma Banerjee (UB)');
  await expect(assignment).toContainText('Unblinded because Serious adverse event: treating physician needs the arm');
  await expect(assignment).toContainText(/Arm: (Cell treatment group|Control group)/);
  await screenshot(page, 'unblinded');
});
