import fs from 'node:fs';
import path from 'node:path';
import { cliAs, expect, expectAccessible, goTo, screenshot, test } from './fixtures';

test('export visits of one trial as CSV from the app, the same file the CLI writes', async ({ page, app }) => {
  const csv = path.join(app.dataDir, 'import.csv');
  fs.writeFileSync(csv, 'study_id,initials,arm,day1,weight_kg,actual:infusion-1\nH-1,AB,QX7R2M,2025-01-06,70,2025-01-06\nH-2,CD,QX7R2N,2025-02-03,,\n');
  const cli = (...args: string[]) => cliAs(app.dbFile, ...args);
  expect(cli('participants', 'import', csv, '--protocol', 'ucmsc-cirrhosis').status).toBe(0);

  await page.goto(app.url);
  await goTo(page, 'Exports');
  const part = page.getByRole('region', { name: 'Export as CSV' });
  await part.getByLabel('What').selectOption('visits');
  await part.getByLabel('Trial', { exact: true }).selectOption('ucmsc-cirrhosis');
  await expectAccessible(page);
  const download = page.waitForEvent('download');
  await part.getByRole('button', { name: 'Export' }).click();
  const file = await (await download).path();
  await expect(part.getByRole('status')).toHaveText('Exported 14 rows to trial-coordinator-visits-ucmsc-cirrhosis.csv.');
  expect(fs.readFileSync(file, 'utf8')).toBe(cli('export', 'visits', '--trial', 'ucmsc-cirrhosis').stdout);
  await screenshot(page, 'exports');
});
