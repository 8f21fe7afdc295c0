// Prints a page to PDF in this machine's Chromium or Chrome, for `trialcoord print calendar`.
//
// Written by hand on purpose: the installed app must not carry a browser-automation library
// (playwright-core is a test tool, and large), and the little this needs — open a page, wait
// until it says it is ready, print it at a paper size — is four DevTools protocol commands over
// Chromium's own pipe (--remote-debugging-pipe: commands on fd 3, answers on fd 4, each message
// JSON ended by a NUL byte).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Where Chromium or Chrome usually is; CHROMIUM_PATH comes first. */
export const BROWSER_PATHS = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
].filter((p): p is string => Boolean(p));

export function findBrowser(): string | null {
  return BROWSER_PATHS.find((p) => fs.existsSync(p)) ?? null;
}

/** Flags that keep a headless Chromium off the network and quiet. */
export const QUIET_FLAGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const PAPER = { a4: { width: 8.27, height: 11.69 }, letter: { width: 8.5, height: 11 } } as const;

export async function printToPdf(options: { browser: string; url: string; readySelector: string; paper: keyof typeof PAPER; marginInches: number; timeoutMs?: number }): Promise<Buffer> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-print-'));
  const args = ['--headless', ...QUIET_FLAGS, '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'];
  // Chromium refuses to start as root without this (e.g. in a container).
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(options.browser, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  let buffer = '';
  fromBrowser.setEncoding('utf8');
  fromBrowser.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
      buffer = buffer.slice(end + 1);
      const w = message.id === undefined ? undefined : waiting.get(message.id);
      if (!w) continue;
      waiting.delete(message.id!);
      if (message.error) w.reject(new Error(message.error.message));
      else w.resolve(message.result ?? {});
    }
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the browser stopped (exit ${code})`))));
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    Promise.race([
      exited,
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      }),
    ]);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    const { targetId } = (await send('Target.createTarget', { url: options.url })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    for (;;) {
      // While the page navigates (the sign-in address redirects to the calendar) it has no
      // context to evaluate in for a moment: that is asked again, as a page not ready yet.
      const ready = await send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(options.readySelector)}) !== null`, returnByValue: true }, sessionId).then(
        (r) => (r as { result: { value: unknown } }).result.value === true,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error('the page did not finish loading in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    const size = PAPER[options.paper];
    const m = options.marginInches;
    const { data } = (await send(
      'Page.printToPDF',
      { paperWidth: size.width, paperHeight: size.height, marginTop: m, marginBottom: m, marginLeft: m, marginRight: m, printBackground: true, preferCSSPageSize: false },
      sessionId,
    )) as { data: string };
    return Buffer.from(data, 'base64');
  } finally {
    // Closed as a person would close it, so that its helper processes end with it; killed if it hangs.
    const exit = new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    await send('Browser.close').catch(() => {});
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch {
      // A helper still closing its files: the empty profile is left in the temporary folder.
    }
  }
}
