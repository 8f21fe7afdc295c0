// Each test gets its own data directory and its own browser-mode server on a random port,
// started exactly as a user would start it (the CLI's serve command), against the built renderer.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';

export interface RunningApp {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly dataDir: string;
  readonly dbFile: string;
}

export const SCREENSHOT_DIR = path.resolve('screenshots');

export async function startBrowserMode(dataDir: string): Promise<{ app: RunningApp; child: ChildProcess }> {
  const dbFile = path.join(dataDir, 'trial-coordinator.sqlite');
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'cli/main.ts', '--db', dbFile, 'serve'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${output}`)));
  });
  const u = new URL(url);
  return { app: { url, origin: u.origin, token: u.searchParams.get('token')!, dataDir, dbFile }, child };
}

export const test = base.extend<{ app: RunningApp }>({
  app: async ({}, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-e2e-'));
    const { app, child } = await startBrowserMode(dataDir);
    await use(app);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };

/** Every page the suite visits is checked with axe; any violation fails the test. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, 'accessibility violations').toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Chooses who is working: adds the person on first use, as a coordinator would. */
export async function workAs(page: Page, initials: string, name: string): Promise<void> {
  await page.getByLabel('Working as').selectOption('__add__');
  const dialog = page.getByRole('dialog', { name: 'Add a person who works here' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Initials').fill(initials);
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByLabel('Working as')).toHaveValue(initials);
  await expect(page).toHaveTitle(`Trial Coordinator — ${name} (${initials})`);
}
