// The desktop app itself, where the Electron binary is installed (it cannot be downloaded on
// machines without network; there the test is skipped, said once by the global setup). It runs
// the real first start: the administrator is set up, the page is app://, the backend answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectron } from '../scripts/electron-runtime.mjs';

const bin = installedElectron();

test('desktop app: first start, the seed protocols, hardened settings', async () => {
  test.skip(!bin, 'Electron runtime binary not installed');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-electron-'));
  const app = await electron.launch({ executablePath: bin!, args: ['.'], env: { ...process.env, TRIALCOORD_DB: path.join(dataDir, 'db.sqlite') } });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Set up Trial Coordinator' })).toBeVisible();
    await page.getByLabel('Name').fill('Mary Lee');
    await page.getByLabel('Initials').fill('ML');
    await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
    await page.getByLabel('The same again').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create administrator and sign in' }).click();
    await page.getByRole('link', { name: 'Protocols' }).click();
    await expect(page.getByRole('link', { name: /Treatment in Sepsis/ })).toBeVisible();
    // No Node in the page, only the preload's functions; our own scheme; new windows are refused.
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { trialcoord?: object }).trialcoord ?? {}).sort(),
      protocol: location.protocol,
      popup: window.open('https://example.org') === null,
    }));
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke', 'onNavigate'], protocol: 'app:', popup: true });
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
