// Protocol authoring: building an arm in the editor with its live preview, amending a trial and
// moving a participant to the new version, and importing a registry record.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { computeSchedule } from '../core/schedule';
import { ProtocolSchema } from '../core/protocol';
import { cliAs, expect, expectAccessible, screenshot, test, workAs } from './fixtures';

const seed = (id: string) => ProtocolSchema.parse(JSON.parse(fs.readFileSync(path.join('seeds', `${id}.json`), 'utf8')));
const group = (scope: Page | Locator, name: string) => scope.getByRole('group', { name, exact: true });

test('build the cirrhosis trial’s Arm A from an empty protocol; the preview matches the seed’s schedule', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols`);
  await workAs(page, app, 'CO', 'Casey Ortiz');
  await page.getByRole('link', { name: 'New protocol' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New protocol' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Schedule preview' })).toContainText('Add an arm to see its schedule.');

  // Identity, typed with the keyboard: each field, then Tab to the next.
  await page.getByLabel('Title').click();
  await page.keyboard.type('UC-MSC for liver cirrhosis (Arm A)');
  await page.keyboard.press('Tab');
  await page.keyboard.type('cirrhosis-arm-a');
  await page.getByLabel('Conditions').fill('Liver cirrhosis');
  await page.getByLabel('Summary').fill('Conserved treatment plus three UC-MSC infusions at 4-week intervals, followed up for 75 months.');

  await page.getByRole('button', { name: 'Add intervention' }).click();
  const iv = group(page, 'Intervention 1');
  await iv.getByLabel('Name').fill('Umbilical cord-derived mesenchymal stem cells (UC-MSC)');
  await iv.getByLabel('Name').press('Tab');
  await expect(iv.getByLabel('Key')).toHaveValue('umbilical-cord-derived-mesenchymal-stem-cells-uc-msc');
  await iv.getByLabel('Key').fill('uc-msc');

  await page.getByRole('button', { name: 'Add arm' }).click();
  const arm = group(page, 'Arm 1');
  await arm.getByLabel('Label').fill('Arm A: UC-MSC');
  await arm.getByLabel('Label').press('Tab');
  // Leaving the label fills the key from it.
  await expect(arm.getByLabel('Key', { exact: true })).toHaveValue('arm-a-uc-msc');
  await arm.getByLabel('Key', { exact: true }).fill('arm-a');
  await arm.getByLabel('Description').fill('Conserved treatment plus three times UC-MSC treatment at 4-week intervals.');
  await group(arm, 'Interventions in this arm').getByLabel('Umbilical cord-derived mesenchymal stem cells (UC-MSC)').check();

  await arm.getByRole('button', { name: 'Add dosing series' }).click();
  const series = group(arm, 'Dosing series 1');
  await series.getByLabel('Label').fill('UC-MSC infusion');
  await series.getByLabel('Label').press('Tab');
  await expect(series.getByLabel('Key', { exact: true })).toHaveValue('uc-msc-infusion');
  await series.getByLabel('Key', { exact: true }).fill('infusion');
  // A wrong value gets a message at the field, in plain words.
  await series.getByLabel('Number of doses').fill('0');
  await series.getByLabel('Number of doses').press('Tab');
  await expect(series.getByText('Must be more than 0.')).toBeVisible();
  await expect(series.getByLabel('Number of doses')).toHaveAttribute('aria-invalid', 'true');
  await series.getByLabel('Number of doses').fill('3');
  await expect(series.getByText('Must be more than 0.')).toHaveCount(0);
  await series.getByLabel('Every', { exact: true }).fill('4');
  await series.getByLabel('Interval unit').selectOption('weeks');
  await group(series, 'Interventions given').getByLabel('Umbilical cord-derived mesenchymal stem cells (UC-MSC)').check();

  const visits: [label: string, key: string, kind: string, value: string, unit: string][] = [
    ['Week 12', 'week-12', 'assessment', '12', 'weeks'],
    ['Week 24', 'week-24', 'assessment', '24', 'weeks'],
    ['Week 48', 'week-48', 'assessment', '48', 'weeks'],
    ['End of follow-up (month 75)', 'month-75', 'end-of-study', '75', 'months'],
  ];
  for (const [i, [label, key, kind, value, unit]] of visits.entries()) {
    await arm.getByRole('button', { name: 'Add visit' }).click();
    const v = group(arm, `Visit ${i + 1}`);
    // By keyboard: label, Tab to the key (filled from the label), then the kind.
    await v.getByLabel('Label').click();
    await page.keyboard.type(label);
    await page.keyboard.press('Tab');
    await expect(v.getByLabel('Key', { exact: true })).toBeFocused();
    if (key === 'month-75') await v.getByLabel('Key', { exact: true }).fill(key);
    else await expect(v.getByLabel('Key', { exact: true })).toHaveValue(key);
    await v.getByLabel('Kind').selectOption(kind);
    await expect(v.getByLabel('Counted from')).toHaveValue('firstDose');
    await v.getByLabel('After').fill(value);
    await v.getByLabel('Unit', { exact: true }).selectOption(unit);
    await v.getByLabel('Procedures').fill(i < 3 ? 'ALT, TB, PT, ALB, PA, Blood routine' : 'Survival status');
  }
  await group(arm, 'Visit 2').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'screenshots/protocol-editor-visits.png' });

  const preview = page.getByRole('complementary', { name: 'Schedule preview' });
  await preview.getByLabel('Study Day 1 (first dose)').fill('2025-01-06');
  const expected = computeSchedule({ protocol: seed('ucmsc-cirrhosis'), armKey: 'arm-a', start: '2025-01-06' }).visits;
  const rows = preview.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(expected.length + 1);
  const shown = await preview.getByRole('table').locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('td')!.textContent, tr.querySelector('time')!.getAttribute('datetime'), tr.querySelector('th')!.textContent]),
  );
  expect(shown).toEqual(expected.map((v) => [String(v.studyDay), v.plannedDate, v.label]));
  expect(shown.map((r) => r[1])).toEqual(['2025-01-06', '2025-02-03', '2025-03-03', '2025-03-31', '2025-06-23', '2025-12-08', '2031-04-06']);
  await expectAccessible(page);
  await screenshot(page, 'protocol-editor');

  await page.getByRole('button', { name: 'Save protocol' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('UC-MSC for liver cirrhosis (Arm A)');
  await expect(page.getByRole('region', { name: /Versions/ }).getByRole('row')).toHaveCount(2);
});

test('the editor lists every problem before saving and saves nothing', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols/new`);
  await page.getByRole('button', { name: 'Save protocol' }).click();
  const problems = page.getByRole('alert').filter({ hasText: 'to fix before saving' });
  await expect(problems).toContainText('title: Required.');
  await expect(problems).toContainText('interventions: Add at least one.');
  await expect(problems).toContainText('arms: Add at least one.');
  await expect(page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await page.goto(`${app.url}#/protocols`);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(6);
});

test('amend the COVID-19 trial with a week-12 visit and move one participant: the visit is added, nothing done changes', async ({ page, app }) => {
  const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-amend-')), 'p.csv');
  fs.writeFileSync(csv, 'study_id,initials,arm,day1,weight_kg,actual:infusion-1,actual:infusion-2\nC-101,AB,KX7P2Q,2025-03-03,70,2025-03-03,2025-03-06\nC-102,CD,MN4R8T,2025-03-10,64,,\n');
  const r = cliAs(app.dbFile, 'participants', 'import', csv, '--protocol', 'ucmsc-covid19');
  expect(r.status, r.stderr).toBe(0);

  await page.goto(`${app.url}#/protocols/ucmsc-covid19`);
  await workAs(page, app, 'CO', 'Casey Ortiz');
  await page.getByRole('link', { name: 'Amend protocol' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Amend ucmsc-covid19' })).toBeVisible();
  for (const armName of ['Arm 1', 'Arm 2']) {
    const arm = group(page, armName);
    await arm.getByRole('button', { name: 'Add visit' }).click();
    const v = group(arm, 'Visit 7');
    await v.getByLabel('Label').fill('Week 12');
    await v.getByLabel('Label').press('Tab');
    await v.getByLabel('After').fill('12');
    await v.getByLabel('Procedures').fill('Lung CT');
  }
  await page.getByRole('button', { name: 'Save version 2' }).click();
  await expect(page.getByText('Say what the amendment changes.')).toBeVisible();
  await page.getByLabel('What changed (the amendment note)').fill('Amendment 1: lung CT at week 12');
  await screenshot(page, 'protocol-amend');
  await page.getByRole('button', { name: 'Save version 2' }).click();

  const versions = page.getByRole('region', { name: /Versions/ });
  await expect(versions.getByRole('row')).toHaveCount(3);
  await expect(versions).toContainText('Amendment 1: lung CT at week 12');
  const diff = versions.getByRole('list', { name: 'Changes from version 1 to 2' });
  // The differences in words, naming the arm and the visit.
  await expect(diff.getByRole('listitem')).toHaveText([/^Arm .+, Week 12 visit added$/, /^Arm .+, Week 12 visit added$/]);

  await versions.getByRole('button', { name: 'Review moving them to version 2' }).click();
  const card = versions.getByRole('article', { name: /C-101/ });
  await expect(card.getByRole('row', { name: /Week 12/ })).toContainText('Added');
  await expect(card).toContainText('2 recorded visits (done, missed or cancelled) stay exactly as they are.');
  await expectAccessible(page);
  await screenshot(page, 'protocol-versions-move');
  await card.getByRole('button', { name: 'Move C-101 to version 2…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Move to version 2?' });
  await expect(confirm).toContainText('C-101: 1 visit change: Week 12 (added).');
  await confirm.getByRole('button', { name: 'Move' }).click();
  await expect(versions.getByRole('status')).toHaveText('C-101 moved to version 2.');

  await page.goto(`${app.url}#/participants`);
  await page.getByRole('link', { name: 'C-101' }).click();
  await expect(page.getByText('Protocol version', { exact: true }).locator('..')).toContainText('2');
  const schedule = page.getByRole('region', { name: /Schedule/ });
  await expect(schedule.getByRole('row', { name: /Week 12/ })).toContainText('Planned');
  await expect(schedule.getByRole('row', { name: /Study treatment 1 of 4/ })).toContainText('Done');
  await expect(schedule.getByRole('row', { name: /Study treatment 2 of 4/ })).toContainText('Done');
  // C-102 stays on version 1 until moved.
  await page.goto(`${app.url}#/participants`);
  await page.getByRole('link', { name: 'C-102' }).click();
  await expect(page.getByRole('region', { name: /Schedule/ }).getByRole('row', { name: /Week 12/ })).toHaveCount(0);
});

test('import a registry record: proposals beside their time frames, accepted or changed, then saved from the editor', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols`);
  await workAs(page, app, 'CO', 'Casey Ortiz');
  await page.getByRole('link', { name: 'Import…' }).click();
  await page.getByLabel('Protocol or study record (.json)').setInputFiles(path.join('test', 'fixtures', 'ctgov', 'ucmsc-cirrhosis.json'));
  const proposals = page.getByRole('region', { name: /Visits proposed/ });
  await expect(proposals.getByText('“Weeks 12, 24 and 48”')).toBeVisible();
  await expect(proposals.getByText('“Up to 75 months”')).toBeVisible();
  await expect(page.getByRole('region', { name: /Dosing read/ })).toContainText('3 × infusion, every 4 weeks, intravenous');
  await proposals.getByRole('group', { name: 'Proposed visit Week 24' }).getByLabel(/Accept/).uncheck();
  const m75 = proposals.getByRole('group', { name: 'Proposed visit Month 75' });
  await m75.getByLabel('After').fill('60');
  await m75.getByLabel('Label').fill('Month 60');
  await expectAccessible(page);
  await screenshot(page, 'ctgov-import');
  await page.getByRole('button', { name: 'Continue in the editor with 3 visits' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'New protocol from ucmsc-cirrhosis.json' })).toBeVisible();
  const arm = group(page, 'Arm 1');
  await expect(group(arm, 'Visit 3').getByLabel('Label')).toHaveValue('Month 60');
  await page.getByRole('complementary', { name: 'Schedule preview' }).getByLabel('Study Day 1 (first dose)').fill('2025-01-06');
  await expect(page.getByRole('complementary', { name: 'Schedule preview' }).locator('time').last()).toHaveAttribute('datetime', '2030-01-06');
  await page.getByRole('button', { name: 'Save protocol' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/liver cirrhosis: three infusions/);
  await expect(page.getByText('NCT99000003', { exact: true })).toBeVisible();
});

test('import a protocol JSON file of a stored trial: the editor offers it as the next version', async ({ page, app }) => {
  const doc = seed('ucmsc-sepsis');
  const amended = { ...doc, arms: doc.arms.map((a) => ({ ...a, visits: [...a.visits, { ...a.visits[0]!, key: 'day-90', label: 'Day 90 survival', anchor: { type: 'studyDay' as const, day: 90 } }] })) };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-json-')), 'ucmsc-sepsis.json');
  fs.writeFileSync(file, JSON.stringify(amended, null, 2));
  await page.goto(`${app.url}#/protocols/import`);
  await workAs(page, app, 'CO', 'Casey Ortiz');
  await page.getByLabel('Protocol or study record (.json)').setInputFiles(file);
  await expect(page.getByRole('heading', { level: 1, name: 'New protocol from ucmsc-sepsis.json' })).toBeVisible();
  await expect(page.getByText('is already stored (version 1). Saving keeps it and adds this as version 2')).toBeVisible();
  await page.getByRole('button', { name: 'Save version 2' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Human Umbilical Cord Mesenchymal Stem Cells Treatment in Sepsis');
  const versions = page.getByRole('region', { name: /Versions/ });
  await expect(versions.getByRole('row')).toHaveCount(3);
  await expect(versions).toContainText('Imported from ucmsc-sepsis.json');
  await expect(versions.getByRole('listitem')).toHaveText(['Arm Experimental group, Day 90 survival visit added', 'Arm Sham comparator group, Day 90 survival visit added']);
});

test('amend a visit’s window and move a participant: the preview shows the window, the move asks first, and the page, the worklist and the Done dialog say the same window', async ({ page, app }) => {
  await page.goto(app.url);
  const today = await page.evaluate(() => new Date().toISOString().slice(0, 10));
  const day1 = new Date(Date.parse(`${today}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10);
  const enrolled = cliAs(app.dbFile, 'enroll', '--trial', 'ucmsc-covid19', '--study-id', 'C-001', '--initials', 'AB', '--sex', 'female', '--age', '40', '--weight', '70', '--consent', day1, '--day1', day1, '--confirm-eligibility');
  expect(enrolled.status, enrolled.stderr).toBe(0);
  await page.goto(`${app.url}#/protocols/ucmsc-covid19`);
  await page.getByRole('link', { name: 'Amend protocol' }).click();
  for (const armName of ['Arm 1', 'Arm 2']) {
    const w1 = group(group(page, armName), 'Visit 2');
    await w1.getByLabel('Window for this visit').selectOption('stated');
    await w1.getByLabel('Allowed before').fill('2');
    await w1.getByLabel('Allowed after').fill('2');
  }
  await page.getByLabel('What changed (the amendment note)').fill('Amendment 2: ±2 days at week 1');
  await page.getByRole('button', { name: 'Save version 2' }).click();
  const versions = page.getByRole('region', { name: /Versions/ });
  await expect(versions.getByRole('list', { name: 'Changes from version 1 to 2' })).toContainText('1 week after treatment visit: window not stated → ± 2 days');
  await versions.getByRole('button', { name: 'Review moving them to version 2' }).click();
  const card = versions.getByRole('article', { name: /C-001/ });
  await expect(card).not.toContainText('No visit changes.');
  await expect(card.getByRole('row', { name: /1 week after treatment/ })).toContainText(/window not stated → \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
  await card.getByRole('button', { name: 'Move C-001 to version 2…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Move to version 2?' });
  await expectAccessible(page);
  await confirm.getByRole('button', { name: 'Not now' }).click();
  await expect(page.getByText('C-001 moved to version 2.')).toHaveCount(0);
  await card.getByRole('button', { name: 'Move C-001 to version 2…' }).click();
  await confirm.getByRole('button', { name: 'Move' }).click();
  await expect(versions.getByRole('status')).toHaveText('C-001 moved to version 2.');

  await page.goto(`${app.url}#/participants`);
  await page.getByRole('link', { name: /^C-001/ }).click();
  const row = page.getByRole('region', { name: /Schedule/ }).getByRole('row', { name: /1 week after treatment/ });
  const windowText = (await row.getByRole('cell').nth(2).innerText()).trim();
  expect(windowText).toMatch(/ – /);
  await row.getByRole('button', { name: 'Done: 1 week after treatment' }).click();
  const done = page.getByRole('dialog', { name: /Mark done: 1 week after treatment/ });
  await expect(done).toContainText(`window ${windowText}`);
  await expect(done).not.toContainText('states no window');
});
