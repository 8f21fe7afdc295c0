// Long lists stay light: with thousands of participants only the rows in view are in the page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cliAs, expect, expectAccessible, goTo, screenshot, test } from './fixtures';

/** Imports `count` COVID-19 participants (study IDs <prefix>-0001 on, Day 1 from January to September 2026) through the CLI. */
function importCovid(dbFile: string, prefix: string, count: number) {
  const rows = ['study_id,initials,arm,day1,weight_kg'];
  for (let i = 1; i <= count; i++) rows.push(`${prefix}-${String(i).padStart(4, '0')},AB,CV${i},2026-0${1 + (i % 9)}-1${i % 10},70`);
  const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-scale-')), 'p.csv');
  fs.writeFileSync(csv, `${rows.join('\n')}\n`);
  const r = cliAs(dbFile, 'participants', 'import', csv, '--protocol', 'ucmsc-covid19');
  expect(r.status, r.stderr).toBe(0);
}

test('the participants list of 3,000 draws only the rows in view, scrolls to the last, and finds one', async ({ page, app }) => {
  importCovid(app.dbFile, 'P', 3000);

  await page.goto(`${app.url}#/participants`);
  const table = page.getByRole('table', { name: 'Participants' });
  await expect(table).toHaveAttribute('aria-rowcount', '3001');
  await expect(page.getByRole('status').filter({ hasText: '3000 participants' })).toBeVisible();
  const drawn = await table.locator('tbody tr:not(.spacer)').count();
  expect(drawn).toBeGreaterThan(10);
  expect(drawn).toBeLessThan(80);
  await expectAccessible(page);

  // Scrolling to the end brings the last rows in.
  await page.getByRole('region', { name: 'Participants (scrolls)' }).evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByRole('link', { name: 'P-3000 (AB)' })).toBeVisible();
  await expect(table.locator('tbody tr:not(.spacer)').last()).toHaveAttribute('aria-rowindex', '3001');
  await screenshot(page, 'participants-3000');

  // Finding one narrows the list.
  await page.getByLabel('Find').fill('P-1234');
  await expect(page.getByRole('status').filter({ hasText: '1 of 3000 participants' })).toBeVisible();
  await page.getByRole('link', { name: 'P-1234 (AB)' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('P-1234');
});

test('worklists of a large site show the first rows of each list with its total, and every row on asking', async ({ page, app }) => {
  // 1,000 participants who started this year: thousands of visits whose windows have closed.
  importCovid(app.dbFile, 'W', 1000);
  const db = new Database(app.dbFile, { readonly: true });
  const { n: overdue } = db.prepare("SELECT count(*) AS n FROM visits WHERE status = 'planned' AND window_end < date('now', 'localtime')").get() as { n: number };
  db.close();
  expect(overdue).toBeGreaterThan(1000);

  await page.goto(`${app.url}#/worklists`);
  const written = await page.evaluate((n) => new Intl.NumberFormat().format(n), overdue);
  expect(written).toMatch(/^\d{1,2}\D\d{3}$/); // thousands grouped, as the reader's locale writes them
  const section = page.getByRole('region', { name: `Overdue (window has closed) (${written})`, exact: true });
  await expect(section.getByText(`Showing the first 25 of ${written}.`)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'worklists-large-site');
  await section.getByRole('button', { name: `Show all ${written}` }).click();
  const table = section.getByRole('table');
  await expect(table).toHaveAttribute('aria-rowcount', String(overdue + 1));
  expect(await table.locator('tbody tr:not(.spacer)').count()).toBeLessThan(80);
  await expect(section.getByText(/Showing the first/)).toHaveCount(0);

  // The site calendar in a busy month: each day shows two visits and how many it has.
  await goTo(page, 'Calendar');
  const title = page.locator('.rbc-toolbar-label');
  // Back a month at a time, each click's month awaited before the next (the month is drawn in a
  // transition: read at once, the label can still name the month before, and a click too many
  // went past June).
  for (let guard = 0; guard < 12; guard++) {
    const shown = ((await title.textContent()) ?? '').trim();
    if (shown === 'June 2026') break;
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(title).not.toHaveText(shown);
  }
  await expect(title).toHaveText('June 2026');
  const busiest = page.getByRole('button', { name: /^All [\d,]+ visits on / }).first();
  await expect(busiest).toBeVisible();
  const n = Number(((await busiest.textContent()) ?? '').replace(/\D/g, ''));
  expect(n).toBeGreaterThan(2);
  await expectAccessible(page);
  await screenshot(page, 'site-calendar-large-site');
  await busiest.click();
  await expect(page.getByRole('table', { name: /^Visits on / }).getByRole('button')).toHaveCount(n);
  // The agenda of 31 busy days lists every visit, drawing only the rows in view. While its visits
  // load it says neither that there are none nor shows the month's first few as if they were all
  // (it did both, and a reader of the table's row count read the month's).
  await page.evaluate(() => {
    const w = window as unknown as { agendaSeen: string[] };
    w.agendaSeen = [];
    new MutationObserver(() => {
      if (document.querySelector('.agenda-empty')) w.agendaSeen.push('none');
      const t = document.querySelector('table[aria-label^="Visits from"]');
      if (t) w.agendaSeen.push(t.getAttribute('aria-rowcount') ?? 'no count');
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByRole('button', { name: 'Agenda' }).click();
  const agenda = page.getByRole('table', { name: /^Visits from / });
  await expect(agenda).toHaveAttribute('aria-rowcount', /^\d{3,}$/);
  const total = Number(await agenda.getAttribute('aria-rowcount')) - 1;
  expect(total).toBeGreaterThan(500);
  const seen = await page.evaluate(() => (window as unknown as { agendaSeen: string[] }).agendaSeen);
  expect(new Set(seen)).toEqual(new Set([String(total + 1)]));
  expect(await agenda.locator('tbody tr:not(.spacer)').count()).toBeLessThan(80);
  await expectAccessible(page);
  await screenshot(page, 'site-calendar-agenda-large-site');
});

test.describe('a bench-sized site', () => {
  test.use({ people: false });
  test('the first screen appears before the start-up checks finish; they finish behind it and say so', async ({ page }) => {
    test.setTimeout(240_000);
    // 10,000 participants, as the bench's site: COVID-19 (10 visits each) and the cirrhosis
    // trial's 75-month follow-up (7 each) and its decompensated-cirrhosis companion.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-bench-site-'));
    const dbFile = path.join(dataDir, 'trial-coordinator.sqlite');
    const trials = [
      ['ucmsc-covid19', 'C', 4000],
      ['ucmsc-cirrhosis', 'H', 3000],
      ['ucmsc-sepsis', 'S', 3000],
    ] as const;
    for (const [trial, prefix, count] of trials) {
      const rows = ['study_id,initials,arm,day1,weight_kg'];
      for (let i = 1; i <= count; i++) rows.push(`${prefix}-${String(i).padStart(5, '0')},AB,${prefix}${i},2026-0${1 + (i % 9)}-1${i % 10},70`);
      const csv = path.join(dataDir, `${trial}.csv`);
      fs.writeFileSync(csv, `${rows.join('\n')}\n`);
      const r = cliAs(dbFile, 'participants', 'import', csv, '--trial', trial);
      expect(r.status, r.stderr).toBe(0);
    }
    const { startBrowserMode } = await import('./fixtures');
    const { app, child } = await startBrowserMode(dataDir, { people: false });
    try {
      const opened = Date.now();
      await page.goto(await app.loginUrl());
      await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
      const shown = Date.now() - opened;
      const status = await page.evaluate(async () => ((await (await fetch('/api/backendStatus', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { value: { checks: { state: string } } }).value.checks);
      expect(status.state, `the checks had finished when the first screen appeared (${shown} ms)`).toBe('running');
      await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
      // They finish behind it; the status area says what they found once someone is signed in.
      await expect
        .poll(async () => page.evaluate(async () => ((await (await fetch('/api/backendStatus', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { value: { checks: { state: string } } }).value.checks.state), { timeout: 120_000 })
        .toBe('passed');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
