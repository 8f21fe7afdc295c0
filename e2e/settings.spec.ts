// The settings page (administrators): the site's name and date format, backups made and restored
// from the browser, with the records issue's checks; a coordinator has no way in.
import fs from 'node:fs';
import path from 'node:path';
import { cliAs, expect, expectAccessible, goTo, screenshot, signIn, test, workAs } from './fixtures';

test('an administrator names the site, picks a date format, backs up, and restores a backup from the browser', async ({ page, app }) => {
  expect(cliAs(app.dbFile, 'enroll', '--trial', 'ucmsc-covid19', '--study-id', 'C-1', '--initials', 'AB', '--sex', 'female', '--age', '40', '--consent', '2026-11-02', '--day1', '2026-11-03', '--confirm-eligibility').status).toBe(0);
  await page.goto(app.url);
  await goTo(page, 'Settings');
  await page.getByLabel('Site name').fill('Liver Unit, City Hospital');
  await page.getByLabel('Date format').selectOption('en-GB');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  // The date format applies at once: the participant page writes Day 1 the British way.
  await goTo(page, 'Participants');
  await page.getByRole('link', { name: 'C-1 (AB)' }).click();
  await expect(page.getByText('3 Nov 2026').first()).toBeVisible();

  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Back up now' }).click();
  const made = page.getByRole('status').filter({ hasText: 'Backed up to' });
  await expect(made).toBeVisible();
  const backupFile = (await made.textContent())!.replace('Backed up to ', '').trim();
  expect(fs.existsSync(backupFile)).toBe(true);
  const backups = page.getByRole('table', { name: /Backups in/ });
  // The day's automatic backup at start, and this one, newest first.
  const mine = backups.getByRole('row', { name: path.basename(backupFile) });
  await expect(backups.getByRole('row').nth(1)).toContainText(path.basename(backupFile));
  await expectAccessible(page);
  await screenshot(page, 'settings');

  // Recorded after the backup: not in it.
  expect(cliAs(app.dbFile, 'enroll', '--trial', 'ucmsc-covid19', '--study-id', 'C-2', '--initials', 'CD', '--sex', 'male', '--age', '50', '--consent', '2026-11-02', '--day1', '2026-11-03', '--confirm-eligibility').status).toBe(0);

  // A file that is not a backup is refused, and nothing changes.
  const junk = path.join(app.dataDir, 'junk.sqlite');
  fs.writeFileSync(junk, 'not a database');
  await page.getByLabel('Restore from another file').fill(junk);
  await page.getByRole('button', { name: 'Restore from this file…' }).click();
  let dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Not restored: nothing was changed');
  await expect(dialog.getByRole('alert')).toContainText('is not a SQLite database');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await mine.getByRole('button', { name: /^Restore the backup made/ }).click();
  dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  const restored = page.getByRole('dialog', { name: 'Restored' });
  // The restore checks the backup in full first (2.6 s here alone; over 5 s with the suite's
  // other worker on the same two cores).
  await expect(restored).toContainText('kept as', { timeout: 20_000 });
  await restored.getByRole('button', { name: 'Sign in again' }).click();
  await signIn(page, 'ML');
  await goTo(page, 'Participants');
  await expect(page.getByRole('link', { name: 'C-1 (AB)' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'C-2 (CD)' })).toHaveCount(0);
  const list = JSON.parse(cliAs(app.dbFile, 'participants', 'list', '--json').stdout) as { studyId: string }[];
  expect(list.map((p) => p.studyId)).toEqual(['C-1']);
});

test('a coordinator sees no settings, and the backend refuses them a backup or a restore', async ({ page, app }) => {
  await page.goto(app.url);
  await workAs(page, app, 'CO', 'Casey Ortiz', ['coordinator']);
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await page.goto(`${app.url}#/settings`);
  await expect(page.getByText("Only an administrator changes the site's settings, backs up and restores.")).toBeVisible();
  const refused = await page.evaluate(async () => {
    const r = await fetch('/api/restoreBackup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ file: '/tmp/x.sqlite' }) });
    return (await r.json()) as { ok: boolean; error?: { message: string } };
  });
  expect(refused).toMatchObject({ ok: false, error: { message: 'This needs the administrator role.' } });
});
