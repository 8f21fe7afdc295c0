// The same smoke test in the real desktop app. Where the Electron binary is not installed
// (it cannot be downloaded on machines without network), the test is skipped with one line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectron } from '../scripts/electron-runtime.mjs';

const bin = installedElectron();
if (!bin) console.log('Electron e2e skipped: the Electron runtime binary is not installed on this machine.');

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
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0]!.webContents.getLastWebPreferences();
      return { contextIsolation: w?.contextIsolation, sandbox: w?.sandbox, nodeIntegration: w?.nodeIntegration };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
