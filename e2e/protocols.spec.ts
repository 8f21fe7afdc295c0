import { expect, expectAccessible, goTo, screenshot, test } from './fixtures';

const SEED_TITLES = [
  /Treatment in Sepsis/,
  /Decompensated Liver Cirrhosis/,
  /novel coronavirus \(2019-nCoV\)/,
  /liver cirrhosis: three infusions/,
  /Aerosol inhalation of exosomes/,
];

test('the protocol list shows all five seed protocols', async ({ page, app }) => {
  await page.goto(app.url);
  await goTo(page, 'Protocols');
  // The token is taken out of the address bar once adopted.
  expect(page.url()).not.toContain('token=');
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(6);
  for (const title of SEED_TITLES) await expect(page.getByRole('link', { name: title })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'protocol-list');
});

test('sepsis protocol detail shows arms, 3:1 sizes, masking and exclusion criteria', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols`);
  await page.getByRole('link', { name: /Treatment in Sepsis/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Human Umbilical Cord Mesenchymal Stem Cells Treatment in Sepsis');
  await expect(page.getByText('NCT06882811', { exact: true })).toBeVisible();

  const arms = page.getByRole('region', { name: /Arms and schedule/ });
  const experimental = arms.getByRole('article', { name: 'Experimental group' });
  const sham = arms.getByRole('article', { name: 'Sham comparator group' });
  await expect(experimental.getByText('135', { exact: true })).toBeVisible();
  await expect(sham.getByText('45', { exact: true })).toBeVisible();
  await expect(sham.getByText('Sham comparator', { exact: true })).toBeVisible();
  await expect(experimental.getByText(/1×10⁸ cells per session/)).toBeVisible();
  await expect(experimental.getByText(/Number of administrations not stated/)).toBeVisible();

  const design = page.getByRole('region', { name: 'Design' });
  await expect(design.getByText('Double blind')).toBeVisible();
  await expect(design.getByText('3:1', { exact: true })).toBeVisible();

  const exclusion = page.getByRole('list', { name: /Exclusion criteria/ });
  await expect(exclusion.getByRole('listitem')).toHaveCount(12);
  await expect(exclusion).toContainText('Concurrent participation in other clinical trials');
  await expect(exclusion).toContainText('Imminent terminal status');

  await expectAccessible(page);
  await screenshot(page, 'protocol-detail-sepsis');
});

test('keyboard alone reaches a protocol and comes back', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols`);
  await expect(page.getByRole('heading', { level: 1, name: 'Protocols' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  // Tab along until the cirrhosis trial's link has focus, then open it with Enter.
  const target = page.getByRole('link', { name: /liver cirrhosis: three infusions/ });
  for (let i = 0; i < 20 && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(target).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('three infusions at 4-week intervals');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.getByText(/3 × every 4 weeks, intravenous/).first()).toBeVisible();
  await expect(page.getByText('75 months after the first dose').first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'protocol-detail-cirrhosis');
  await page.keyboard.press('Shift+Tab');
  await page.getByRole('link', { name: '← All protocols' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Protocols' })).toBeVisible();
});

test('every seed protocol page renders without accessibility violations', async ({ page, app }) => {
  for (const id of ['ucmsc-covid19', 'msc-exo-covid19', 'hucmsc-decompensated-cirrhosis']) {
    await page.goto(`${app.url}#/protocols/${id}`);
    await expect(page.getByRole('region', { name: /Arms and schedule/ })).toBeVisible();
    await expect(page.getByRole('region', { name: /Not stated in the source document/ })).toBeVisible();
    await expectAccessible(page);
  }
  await screenshot(page, 'protocol-detail-beike');
});

test('an unknown protocol says so and links back', async ({ page, app }) => {
  await page.goto(`${app.url}#/protocols/no-such-trial`);
  await expect(page.getByRole('alert')).toContainText('No protocol "no-such-trial"');
  await expect(page.getByRole('link', { name: '← All protocols' })).toBeVisible();
  await expectAccessible(page);
});
