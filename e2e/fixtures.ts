// Each test gets its own data directory and its own browser-mode server on a random port,
// started exactly as a user would start it (the CLI's serve command), against the built renderer.
// The page opens the server's one-time address and signs in, as a person would.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { openDatabase } from '../db/connection.js';
import { addTestPerson, TEST_PASSPHRASE } from '../test/helpers/people.js';

export { TEST_PASSPHRASE };

export interface RunningApp {
  /** The app's address (with no session: open loginUrl first). */
  readonly url: string;
  readonly origin: string;
  readonly dataDir: string;
  readonly dbFile: string;
  /** A new one-time address that signs a browser in (as the server prints on Enter). */
  loginUrl(to?: string): Promise<string>;
  /** Adds a person straight into the database (every role unless said). */
  addPerson(initials: string, name: string, roles?: readonly string[]): void;
}

export const SCREENSHOT_DIR = path.resolve('screenshots');

export async function startBrowserMode(dataDir: string, options: { people?: boolean } = {}): Promise<{ app: RunningApp; child: ChildProcess }> {
  const dbFile = path.join(dataDir, 'trial-coordinator.sqlite');
  const addPerson = (initials: string, name: string, roles?: readonly string[]) => {
    const conn = openDatabase(dbFile);
    try {
      addTestPerson(conn, initials, roles, name);
    } finally {
      conn.close();
    }
  };
  // The site's first person, with every role, unless the test is about the first start.
  if (options.people !== false) addPerson('ML', 'Mary Lee');
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'cli/main.ts', '--db', dbFile, 'serve'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', TRIALCOORD_SERVE_STDIN: '1' },
  });
  child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: ((url: string) => void)[] = [];
  let origin = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('browser mode did not start')), 30_000);
    lines.on('line', (line) => {
      const at = /at (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (at) origin = at[1]!;
      const login = /(http:\/\/127\.0\.0\.1:\d+\/login\?code=[\w-]+)/.exec(line);
      if (login) {
        if (waiting.length) waiting.shift()!(login[1]!);
        else {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`browser mode exited with ${code}`)));
  });
  await started;
  const loginUrl = (to?: string) =>
    new Promise<string>((resolve) => {
      waiting.push((url) => resolve(to ? `${url}&to=${encodeURIComponent(to)}` : url));
      child.stdin!.write('\n');
    });
  return { app: { url: `${origin}/`, origin, dataDir, dbFile, loginUrl, addPerson }, child };
}

/** The main navigation's pages and the heading each opens with. */
const MAIN_PAGES = { Worklists: 'Worklists', Calendar: 'Site calendar', Participants: 'Participants', Protocols: 'Protocols', Exports: 'Exports', People: 'People', Settings: 'Settings' } as const;

/**
 * Follows a main-navigation link and waits for that page's heading: until the new page is drawn
 * the old one stays on screen, and its rows may name the same participants.
 */
export async function goTo(page: Page, name: keyof typeof MAIN_PAGES): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: MAIN_PAGES[name], exact: true })).toBeVisible();
}

/** Signs the page in on the sign-in screen. */
export async function signIn(page: Page, initials: string, passphrase = TEST_PASSPHRASE): Promise<void> {
  await page.getByLabel('Initials').fill(initials);
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

export const test = base.extend<{ app: RunningApp; people: boolean }>({
  people: [true, { option: true }],
  app: async ({ people }, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-e2e-'));
    const { app, child } = await startBrowserMode(dataDir, { people });
    await use(app);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
  // Every page starts signed in to its server, as Mary Lee (every role). It is left on a blank
  // page, so that the test's first visit loads the app afresh (with what the test set up first).
  page: async ({ page, app, people }, use) => {
    await page.goto(await app.loginUrl());
    if (people) {
      await signIn(page, 'ML');
      await page.goto('about:blank');
    }
    await use(page);
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

/** Works as another person: adds them (every role unless said) and signs in as them. */
export async function workAs(page: Page, app: RunningApp, initials: string, name: string, roles?: readonly string[]): Promise<void> {
  app.addPerson(initials, name, roles);
  if (!page.url().startsWith(app.origin)) await page.goto(app.url);
  // Wait for the app to say who is signed in (or that nobody is) before deciding.
  const signOut = page.getByRole('button', { name: 'Sign out' });
  await expect(signOut.or(page.getByLabel('Initials'))).toBeVisible();
  if (await signOut.isVisible()) await signOut.click();
  await signIn(page, initials);
  await expect(page).toHaveTitle(`Trial Coordinator — ${name} (${initials})`);
}

/**
 * The CLI on a test's database, as Mary Lee (every role) with her passphrase in the environment,
 * as a script at the site would run it. A database that has no one yet gets her first.
 */
export function cliAs(dbFile: string, ...args: string[]): SpawnSyncReturns<string> {
  if (!fs.existsSync(dbFile)) {
    const conn = openDatabase(dbFile);
    try {
      addTestPerson(conn, 'ML', undefined, 'Mary Lee');
    } finally {
      conn.close();
    }
  }
  const { FORCE_COLOR: _color, ...env } = process.env;
  return spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'cli/main.ts', '--db', dbFile, ...args], {
    encoding: 'utf8',
    env: { ...env, NO_COLOR: '1', TRIALCOORD_USER: 'ML', TRIALCOORD_PASSPHRASE: TEST_PASSPHRASE },
  });
}
