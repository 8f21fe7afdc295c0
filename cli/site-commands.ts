// Site commands: schedule (participant-free), export, print calendar, settings, serve.
import fs from 'node:fs';
import readline from 'node:readline';
import type { Command } from 'commander-v14';
import { isIsoDate } from '../core/dates.js';
import type { SettingKey } from '../core/api.js';
import { SETTINGS } from '../core/api.js';
import { EXPORT_KINDS, type ExportKind } from '../core/vocabulary.js';
import { common, type Run } from './command.js';
import { BUILT, fail, RENDERER_DIR, ROOT, SEEDS_DIR, appVersion, type Cli } from './context.js';
import { openInBrowser } from './open-browser.js';
import { trialOf, trialOption } from './participant-commands.js';
import { printCalendar, printList } from './print-command.js';
import { scheduleCommand } from './schedule-command.js';
import { setWorkingDaysCommand } from './days-commands.js';
import { startServer } from './server.js';
import { openBackend } from '../db/backend/host.js';
import path from 'node:path';

export function registerSiteCommands(root: Command, run: Run): void {
  common(
    trialOption(root.command('schedule').description('a participant-free schedule for one arm; --start is Study Day 1 (the first dose)'), true)
      .option('--arm <key>')
      .option('--start <date>')
      .option('--actual <visit=date>', 'a visit done (repeat)', (v: string, all: string[]) => [...all, v], [] as string[])
      .option('--missed <visit>', 'a visit missed (repeat)', (v: string, all: string[]) => [...all, v], [] as string[])
      .option('--event <event=date>', 'the date of one of the protocol’s events, e.g. surgery=2026-03-02 (repeat)', (v: string, all: string[]) => [...all, v], [] as string[])
      .option('--format <json|csv>'),
    false,
  ).action(
    run<{ trial?: string; protocol?: string; arm?: string; start?: string; actual: string[]; missed: string[]; event: string[]; format?: string }>((cli, o) =>
      scheduleCommand(cli, { protocol: trialOf(o), arm: o.arm, start: o.start, actual: o.actual, missed: o.missed, events: o.event, format: o.format }),
    ),
  );

  common(
    trialOption(root.command('export').argument('<what>', EXPORT_KINDS.join(', ')).description('CSV (or iCalendar for visits) to standard output or --out'), false)
      .option('--format <csv|ics>')
      .option('--participant <study id>')
      .option('--from <date>')
      .option('--to <date>')
      .option('--out <file>')
      .option('--bom', 'start with a byte-order mark (Excel)'),
    false,
  ).action(
    run<{ trial?: string; protocol?: string; format?: string; participant?: string; from?: string; to?: string; out?: string; bom?: boolean }>((cli, o, [kind]) =>
      exportCommand(cli, kind!, { ...o, trial: trialOf(o) }),
    ),
  );

  const print = root.command('print').description('printable calendars and lists of visits');
  common(trialOption(print.command('calendar').description("a participant's printable calendar as PDF (needs Chromium or Chrome)"), false).option('--participant <study id>').option('--out <file.pdf>').option('--paper <a4|letter>'), false).action(
    run<{ trial?: string; protocol?: string; participant?: string; out?: string; paper?: string }>((cli, o) => printCalendar(cli, { participant: o.participant, trial: trialOf(o), out: o.out, paper: o.paper })),
  );
  common(trialOption(print.command('list').description("a day's or a week's visits as PDF, with a box per procedure (needs Chromium or Chrome)"), false).option('--from <date>').option('--to <date>').option('--out <file.pdf>').option('--paper <a4|letter>'), false).action(
    run<{ trial?: string; protocol?: string; from?: string; to?: string; out?: string; paper?: string }>((cli, o) => printList(cli, { from: o.from, to: o.to, trial: trialOf(o), out: o.out, paper: o.paper })),
  );

  const KEYS = [...SETTINGS, 'working_days'];
  common(
    root
      .command('settings')
      .argument('[set]')
      .argument('[key]')
      .argument('[value]')
      .description(`show or change settings: ${KEYS.join(', ')}`)
      .option('--dry-run', 'working_days: list the visits it would move, and change nothing'),
    true,
  ).action(
    run<{ dryRun?: boolean }>(async (cli, o, [sub, key, value]) => {
      if (sub === undefined) {
        const info = cli.read('appInfo', {});
        console.log(`site_name: ${info.siteName ?? '(not set)'}`);
        console.log(`date_locale: ${info.dateLocale ?? '(this computer\'s)'}`);
        console.log(`idle_lock_minutes: ${info.idleLockMinutes}`);
        console.log(`working_days: ${cli.read('siteDays', {}).described}`);
        return 0;
      }
      if (sub !== 'set') return fail(`Use "settings" or "settings set <key> <value>"; keys: ${KEYS.join(', ')}.`);
      if (key === 'working_days') return setWorkingDaysCommand(cli, value ?? '', o.dryRun ?? false);
      if (!(SETTINGS as readonly string[]).includes(key ?? '')) return fail(`Unknown setting "${key ?? ''}"; settings: ${KEYS.join(', ')}.`);
      cli.call('setSetting', { key: key as SettingKey, value: value ?? '' }, await cli.signIn());
      console.log(`${key} set to ${value}`);
      return 0;
    }),
  );

  common(root.command('serve').description('browser mode on 127.0.0.1 (prints a one-time address; Enter prints another)').option('--port <n>').option('--open', 'open it in Chromium or Chrome'), false).action(
    run<{ port?: string; open?: boolean }>((cli, o) => serve(cli, o.port, o.open ?? false)),
  );
}

async function exportCommand(cli: Cli, kind: string, f: { format?: string; trial?: string | undefined; participant?: string; from?: string; to?: string; out?: string; bom?: boolean }): Promise<number> {
  if (!(EXPORT_KINDS as readonly string[]).includes(kind)) return fail(`export needs what to export: ${EXPORT_KINDS.join(', ')}`);
  const format = f.format ?? 'csv';
  if (format !== 'csv' && format !== 'ics') return fail(`--format must be csv or ics, not "${format}"`);
  if (format === 'ics' && kind !== 'visits') return fail('iCalendar export is for visits only');
  for (const [flag, v] of [['from', f.from], ['to', f.to]] as const) if (v !== undefined && !isIsoDate(v)) fail(`--${flag} must be a date in the form YYYY-MM-DD, not "${v}"`);
  if (f.from && f.to && f.from > f.to) return fail(`--from ${f.from} is after --to ${f.to}`);
  if (f.participant && !f.trial) return fail('--participant needs --trial');
  cli.assertReadable();
  const filter = { ...(f.trial ? { protocolId: f.trial } : {}), ...(f.participant ? { studyId: f.participant } : {}), ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}) };
  // Written to a temporary name first, so a failed export never leaves a half file behind.
  const target = f.out;
  const tmp = target ? `${target}.partial-${process.pid}` : null;
  const fd = tmp ? fs.openSync(tmp, 'w', 0o600) : 1;
  try {
    let rows = 0;
    if (format === 'ics') {
      const { ics, events } = cli.read('exportIcs', filter);
      fs.writeSync(fd, ics);
      rows = events;
    } else {
      let after: readonly [string, string] | undefined;
      do {
        const chunk = cli.read('exportCsvChunk', { kind: kind as ExportKind, ...filter, limit: 5000, bom: f.bom ?? false, ...(after ? { after: [after[0], after[1]] } : {}) });
        fs.writeSync(fd, chunk.csv);
        rows += chunk.rows;
        after = chunk.next ?? undefined;
      } while (after);
    }
    if (tmp && target) {
      fs.closeSync(fd);
      fs.renameSync(tmp, target);
      console.error(`Exported ${rows} ${format === 'ics' ? 'events' : 'rows'} to ${target}`);
    }
    return 0;
  } catch (e) {
    if (tmp) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    }
    throw e;
  }
}

/** Browser mode: the backend in its workers, the HTTP server in front, until Ctrl+C. */
async function serve(cli: Cli, portFlag: string | undefined, open: boolean): Promise<number> {
  const port = portFlag === undefined ? 0 : Number(portFlag);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port must be a number from 0 to 65535, not "${portFlag}".`);
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) return fail(`The app's screens are not built (${RENDERER_DIR} has no index.html). Run "npm run build" first.`);
  const dbFile = cli.dbFile;
  cli.close();
  const { host, ready: booting } = openBackend({
    dbFile,
    seedsDir: SEEDS_DIR,
    mode: 'browser',
    appVersion: appVersion(),
    workerScript: BUILT ? path.join(ROOT, 'dist', 'cli', 'backend-worker.mjs') : path.join(ROOT, 'db', 'backend', 'worker.ts'),
    tsxApi: BUILT ? undefined : import.meta.resolve('tsx/esm/api'),
    log: (m) => console.error(m),
  });
  // Handled below; until then a failure to start must not end the process unanswered.
  booting.catch(() => {});
  // The server listens while the backend opens the file: the browser is signed in and loads the
  // app meanwhile, and its first calls wait for the backend (a file that cannot be opened ends
  // the command).
  const server = await startServer({ api: host, rendererDir: RENDERER_DIR, port }).catch(async (e: unknown) => {
    // The port taken, say: the backend is closed again before the error is told.
    await host.close();
    throw e;
  });
  console.log(`Trial Coordinator (browser mode) at ${server.origin}`);
  console.log(`Database: ${dbFile}`);
  console.log(`Sign this browser in (the address works once, for two minutes): ${server.loginUrl()}`);
  if (open) openInBrowser(server.loginUrl());
  try {
    await booting;
  } catch (e) {
    await server.close();
    throw e;
  }
  void host.checked.then((o) => console.log(o.ok ? `Checks passed: ${o.summary}.` : `Warning: ${o.problems[0]} Keep this database for inspection, and restore a backup.`));
  // Each Enter prints a new one-time address (another browser, or after the first one expired).
  if (process.stdin.isTTY || process.env.TRIALCOORD_SERVE_STDIN === '1') {
    readline.createInterface({ input: process.stdin }).on('line', () => console.log(`Sign in at: ${server.loginUrl()}`));
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await host.close();
  process.exit(0);
}
