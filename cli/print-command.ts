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
  const paper = f.paper ?? 'a4';
  if (paper !== 'a4' && paper !== 'letter') return fail(`--paper must be a4 or letter, not "${paper}"`);
  const { participantId } = cli.read('findParticipant', { studyId: f.participant, ...(f.trial ? { protocolId: f.trial } : {}) });
  const browser = findBrowser() ?? fail('Printing needs Chromium or Chrome on this computer, and none was found. Install one, or set CHROMIUM_PATH to it.');
  cli.assertReadable();
  // The page reads the API as the command line reads: no sign-in, and never an arm of a blinded participant.
  const api: ApiPort = { call: async (_s, method, input) => cli.backend.call(method as 'appInfo', input as never, { kind: 'local-reader' }), newSession: () => 'print', endSession: () => {} };
  const server = await startServer({ api, rendererDir: RENDERER_DIR });
  try {
    const pdf = await printToPdf({ browser, url: server.loginUrl(`/participants/${participantId}/calendar?paper=${paper}`), readySelector: '[data-ready="true"]', paper, marginInches: 0.47 });
    const tmp = `${f.out}.partial-${process.pid}`;
    fs.writeFileSync(tmp, pdf, { mode: 0o600 });
    fs.renameSync(tmp, f.out);
  } finally {
    await server.close();
  }
  console.error(`Printed the calendar of ${f.participant} to ${f.out}`);
  return 0;
}
