// Opens browser mode in this machine's Chromium or Chrome (as an app window), else the default
// browser. The one-time address is handed over in a file only this user can read, so it never
// sits in a command line that `ps` shows to everyone.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findBrowser, QUIET_FLAGS } from './chromium-pdf.js';

/** A page in a private folder that sends the browser on to the address; removed after two minutes. */
function handoverFile(url: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-open-'));
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, 'open.html');
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  fs.writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}"><title>Trial Coordinator</title><p>Opening Trial Coordinator…</p>`, { mode: 0o600 });
  setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 120_000).unref();
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return pathToFileURL(file).href;
}

export function openInBrowser(url: string): void {
  const target = handoverFile(url);
  const chrome = findBrowser();
  if (chrome) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-browser-'));
    const args = [`--app=${target}`, `--user-data-dir=${profile}`, ...QUIET_FLAGS.filter((f) => f !== '--disable-gpu')];
    // Chromium refuses to start as root without this (e.g. in a container).
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    spawn(chrome, args, { stdio: 'ignore', detached: true }).unref();
    return;
  }
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [target], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('Open the address above in a browser.'));
  child.unref();
}
