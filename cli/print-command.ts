// `trialcoord print calendar`: the participant's printable calendar as a PDF, rendered by the
// same page the app shows, in a headless Chromium or Chrome on this machine.
import fs from 'node:fs';
import type { AppBackend } from '../db/app.js';
import { AppError } from '../db/errors.js';
import type { ReadableDB } from '../db/types.js';
import { startServer } from './server.js';

const BROWSERS = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'].filter(
  (p): p is string => Boolean(p),
);

/** A participant by study ID, and by trial where the same study ID is used in more than one. */
function participantByStudyId(db: ReadableDB, studyId: string, trial: string | undefined): number {
  const rows = db.prepare('SELECT id, protocol_id FROM participants WHERE study_id = @s AND (@t IS NULL OR protocol_id = @t)').all({ s: studyId, t: trial ?? null }) as { id: number; protocol_id: string }[];
  if (rows.length === 0) throw new AppError('not_found', `No participant ${studyId}${trial ? ` in ${trial}` : ''}.`);
  if (rows.length > 1) throw new AppError('invalid_input', `${studyId} is in ${rows.map((r) => r.protocol_id).join(' and ')}: say which with --trial.`);
  return rows[0]!.id;
}

export async function printCalendar(
  b: AppBackend,
  f: { participant?: string | undefined; trial?: string | undefined; out?: string | undefined; paper?: string | undefined },
  rendererDir: string,
  fail: (m: string) => never,
): Promise<number> {
  if (!f.participant) fail('print calendar needs --participant <study id>');
  if (!f.out) fail('print calendar needs --out <file.pdf>');
  const paper = f.paper ?? 'a4';
  if (paper !== 'a4' && paper !== 'letter') fail(`--paper must be a4 or letter, not "${paper}"`);
  const id = b.conn.read((db) => participantByStudyId(db, f.participant!, f.trial));
  const browser = BROWSERS.find((p) => fs.existsSync(p));
  if (!browser) fail('print needs Chromium or Chrome on this machine (or CHROMIUM_PATH pointing to one)');
  const { chromium } = await import('playwright-core');
  const server = await startServer({ handlers: b.handlers, rendererDir });
  const args = ['--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const instance = await chromium.launch({ executablePath: browser!, args });
  try {
    const page = await instance.newPage();
    await page.goto(`${server.origin}/?token=${server.token}#/participants/${id}/calendar?paper=${paper}`);
    await page.waitForSelector('[data-ready="true"]', { timeout: 30_000 });
    const tmp = `${f.out}.partial-${process.pid}`;
    await page.pdf({ path: tmp, format: paper === 'letter' ? 'Letter' : 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } });
    fs.renameSync(tmp, f.out!);
  } finally {
    await instance.close();
    await server.close();
  }
  console.error(`Printed the calendar of ${f.participant} to ${f.out}`);
  return 0;
}
