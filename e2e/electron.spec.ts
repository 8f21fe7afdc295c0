// The same smoke test in the real desktop app. Where the Electron binary is not installed
// (it cannot be downloaded on machines without network), the test is skipped with one line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectron } from '../scripts/electron-runtime.mjs';

const bin = installedElectron();

test('desktop app shows the seed protocols with hardened settings', async () => {
  test.skip(!bin, 'Electron runtime binary not installed');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-electron-'));
  const app = await electron.launch({
    executablePath: bin!,
    args: ['.'],
    env: { ...process.env, TRIALCOORD_DB: path.join(dataDir, 'db.sqlite') },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Protocols' })).toBeVisible();
    await expect(page.getByRole('link', { name: /Treatment in Sepsis/ })).toBeVisible();
    // No Node in the page, only the preload's one function; new windows are refused.
    const page_ = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { trialcoord?: object }).trialcoord ?? {}).sort(),
      popup: window.open('https://example.org') === null,
    }));
    expect(page_).toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke', 'onNavigate'], popup: true });
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
