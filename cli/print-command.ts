// `trialcoord print calendar`: the participant's printable calendar as a PDF, rendered by the
// same page the app shows, in this machine's Chromium or Chrome (cli/chromium-pdf.ts).
import fs from 'node:fs';
import type { ApiPort } from './server.js';
import { findBrowser, printToPdf } from './chromium-pdf.js';
import { fail, RENDERER_DIR, type Cli } from './context.js';
import { startServer } from './server.js';

export async function printCalendar(cli: Cli, f: { participant?: string | undefined; trial?: string | undefined; out?: string | undefined; paper?: string | undefined }): Promise<number> {
  if (!f.participant) return fail('print calendar needs --participant <study id>');
  if (!f.out) return fail('print calendar needs --out <file.pdf>');
  const paper = paperOf(f.paper);
  const { participantId } = cli.read('findParticipant', { studyId: f.participant, ...(f.trial ? { protocolId: f.trial } : {}) });
  await printPage(cli, `/participants/${participantId}/calendar?paper=${paper}`, paper, f.out);
  console.error(`Printed the calendar of ${f.participant} to ${f.out}`);
  return 0;
}

/** `trialcoord print list`: a day's or a week's visits, as the worklists print them. */
export async function printList(cli: Cli, f: { from?: string | undefined; to?: string | undefined; trial?: string | undefined; out?: string | undefined; paper?: string | undefined }): Promise<number> {
  if (!f.from) return fail('print list needs --from <YYYY-MM-DD> (and --to for more than one day)');
  if (!f.out) return fail('print list needs --out <file.pdf>');
  const paper = paperOf(f.paper);
  const to = f.to ?? f.from;
  // The same checks as the API's (a real date, the end not before the start), before Chromium starts.
  cli.read('siteCalendar', { from: f.from, to, ...(f.trial ? { protocolId: f.trial } : {}), perDay: 1 });
  const query = new URLSearchParams({ from: f.from, to, paper, ...(f.trial ? { trial: f.trial } : {}) });
  await printPage(cli, `/print/visits?${query.toString()}`, paper, f.out);
  console.error(`Printed the visits ${f.from === to ? `of ${f.from}` : `from ${f.from} to ${to}`} to ${f.out}`);
  return 0;
}

function paperOf(paper: string | undefined): 'a4' | 'letter' {
  const p = paper ?? 'a4';
  if (p !== 'a4' && p !== 'letter') return fail(`--paper must be a4 or letter, not "${p}"`);
  return p;
}

async function printPage(cli: Cli, route: string, paper: 'a4' | 'letter', out: string): Promise<void> {
  const browser = findBrowser() ?? fail('Printing needs Chromium or Chrome on this computer, and none was found. Install one, or set CHROMIUM_PATH to it.');
  cli.assertReadable();
  // The page reads the API as the command line reads: no sign-in, and never an arm of a blinded participant.
  const api: ApiPort = {
    callJson: async (_s, method, input) => {
      const result = cli.backend.call(method as 'appInfo', input as never, { kind: 'local-reader' });
      return { json: JSON.stringify(result), ok: result.ok, code: result.ok ? null : result.error.code };
    },
    newSession: () => 'print',
    endSession: () => {},
  };
  const server = await startServer({ api, rendererDir: RENDERER_DIR });
  try {
    const pdf = await printToPdf({ browser, url: server.loginUrl(route), readySelector: '[data-ready="true"]', paper, marginInches: 0.47 });
    const tmp = `${out}.partial-${process.pid}`;
    fs.writeFileSync(tmp, pdf, { mode: 0o600 });
    fs.renameSync(tmp, out);
  } finally {
    await server.close();
  }
}
