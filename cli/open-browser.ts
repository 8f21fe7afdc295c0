import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
].filter((p): p is string => Boolean(p));

/** Opens the URL as an app window in Chromium or Chrome where one exists, else in the default browser. */
export function openInBrowser(url: string): void {
  const chrome = CANDIDATES.find((p) => fs.existsSync(p));
  if (chrome) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-browser-'));
    const args = [`--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
    // Chromium refuses to start as root without this (e.g. in a container).
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    spawn(chrome, args, {
      stdio: 'ignore',
      detached: true,
    }).unref();
    return;
  }
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('Open the URL above in a browser.'));
  child.unref();
}
