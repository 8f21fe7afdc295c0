// Participants' events and the site's closed days: `event record`, `settings set working_days`,
// `holidays import|add|list|remove`. A change of closed days lists every planned visit it moves;
// --dry-run lists them and changes nothing.
import fs from 'node:fs';
import type { Command } from 'commander-v14';
import type { ClosureChange } from '../core/api.js';
import { parseWorkingDays } from '../core/closures.js';
import { isIsoDate } from '../core/dates.js';
import { readIcsHolidays } from '../core/holidays-ics.js';
import { common, type Run } from './command.js';
import { fail, type Cli } from './context.js';
import { printParticipant, trialOf, trialOption } from './participant-commands.js';
import { participantId } from './protocol-commands.js';
import { table } from './table.js';

const need = (value: string | undefined, flag: string, command: string): string => value ?? fail(`${command} needs --${flag}`);

export function registerDaysCommands(root: Command, run: Run): void {
  const event = root.command('event').description("a participant's events (surgery, transplant) that visits count from");
  common(
    trialOption(event.command('record').description('record the date of an event, or correct it (with --reason)'), true)
      .option('--participant <study id>')
      .option('--event <key>')
      .option('--date <date>')
      .option('--reason <text>', 'why, when correcting a date already recorded')
      .option('--json', 'the participant record'),
    true,
  ).action(
    run<{ trial?: string; protocol?: string; participant?: string; event?: string; date?: string; reason?: string; json?: boolean }>(async (cli, o) => {
      const protocolId = trialOf(o) ?? fail('event record needs --protocol <protocol id>');
      const id = participantId(cli, protocolId, need(o.participant, 'participant', 'event record'));
      const date = need(o.date, 'date', 'event record');
      if (!isIsoDate(date)) return fail(`--date must be a date in the form YYYY-MM-DD, not "${date}"`);
      const after = cli.call('recordEvent', { participantId: id, eventKey: need(o.event, 'event', 'event record'), date, ...(o.reason ? { reason: o.reason } : {}) }, await cli.signIn());
      printParticipant(after, o.json ?? false);
      return 0;
    }),
  );

  const holidays = root.command('holidays').description("the site's holidays: visits planned on one move to the nearest open day in their window");
  const dryRun = (cmd: Command) => cmd.option('--dry-run', 'list the visits it would move, and change nothing');
  common(holidays.command('list').description('the holidays, in date order'), false).action(
    run((cli) => {
      const days = cli.read('siteDays', {});
      console.log(`Open: ${days.described}`);
      if (days.holidays.length === 0) console.log('No holidays.');
      else table(['DATE', 'HOLIDAY'], days.holidays.map((h) => [h.date, h.label]));
      return 0;
    }),
  );
  common(dryRun(holidays.command('add').argument('<date>').argument('<label...>').description('one holiday')), true).action(
    run<{ dryRun?: boolean }>(async (cli, o, args) => {
      const [date, ...words] = args as unknown as [string, string[]];
      const label = (Array.isArray(words[0]) ? (words[0] as string[]) : words).join(' ').trim();
      if (!isIsoDate(date)) return fail(`The holiday's date must be in the form YYYY-MM-DD, not "${date}"`);
      if (!label) return fail('holidays add needs the holiday’s name, e.g. holidays add 2026-12-25 Christmas Day');
      return applyChange(cli, o.dryRun ?? false, (apply, caller) => cli.call('addHolidays', { holidays: [{ date, label }], apply }, caller));
    }),
  );
  common(dryRun(holidays.command('import').argument('<file.ics>').description('every day of the events in an iCalendar file (a national holiday calendar)')), true).action(
    run<{ dryRun?: boolean }>(async (cli, o, [file]) => {
      let text: string;
      try {
        text = fs.readFileSync(file!, 'utf8');
      } catch (e) {
        return fail(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      let read;
      try {
        read = readIcsHolidays(text);
      } catch (e) {
        return fail((e as Error).message);
      }
      for (const s of read.skipped) console.error(`Skipped ${s}.`);
      if (read.holidays.length === 0) return fail(`${file} has no dated events to import.`);
      console.log(`${read.holidays.length} holiday day${read.holidays.length === 1 ? '' : 's'} in ${file}.`);
      return applyChange(cli, o.dryRun ?? false, (apply, caller) => cli.call('addHolidays', { holidays: read.holidays.map((h) => ({ date: h.date, label: h.label.slice(0, 200) })), apply }, caller));
    }),
  );
  common(dryRun(holidays.command('remove').argument('<date>').description('one holiday')), true).action(
    run<{ dryRun?: boolean }>(async (cli, o, [date]) => {
      if (!isIsoDate(date!)) return fail(`The holiday's date must be in the form YYYY-MM-DD, not "${date}"`);
      return applyChange(cli, o.dryRun ?? false, (apply, caller) => cli.call('removeHoliday', { date: date!, apply }, caller));
    }),
  );
}

/** `settings set working_days mon,tue,wed,thu,fri` (empty or "all": every day). */
export async function setWorkingDaysCommand(cli: Cli, value: string, dryRun: boolean): Promise<number> {
  let days: number[];
  try {
    days = parseWorkingDays(value.trim().toLowerCase() === 'all' ? '' : value);
  } catch (e) {
    return fail((e as Error).message);
  }
  return applyChange(cli, dryRun, (apply, caller) => cli.call('setWorkingDays', { days, apply }, caller));
}

async function applyChange(cli: Cli, dryRun: boolean, call: (apply: boolean, caller: Awaited<ReturnType<Cli['signIn']>>) => ClosureChange): Promise<number> {
  const caller = await cli.signIn();
  const result = call(!dryRun, caller);
  printMoves(result);
  return 0;
}

function printMoves(r: ClosureChange): void {
  const moved = r.moves.filter((m) => m.closedDay === null);
  const flagged = r.moves.filter((m) => m.closedDay !== null);
  const verb = r.applied ? '' : 'would be ';
  if (r.moves.length === 0) console.log(r.applied ? 'Saved. No planned visit moves.' : 'No planned visit would move.');
  if (moved.length)
    console.log(`${r.applied ? 'Saved. ' : ''}${moved.length} planned visit${moved.length === 1 ? '' : 's'} ${verb}moved:`), table(['PARTICIPANT', 'TRIAL', 'VISIT', 'FROM', 'TO', 'BECAUSE'], moved.map((m) => [m.studyId, m.protocolId, m.visit, m.from, m.to, m.because ? `site closed: ${m.because}` : 'back to the protocol’s date']));
  if (flagged.length)
    console.log(`${flagged.length} planned visit${flagged.length === 1 ? '' : 's'} ${verb}left on a closed day, with no open day in the window (decide each one):`), table(['PARTICIPANT', 'TRIAL', 'VISIT', 'DATE', 'CLOSED'], flagged.map((m) => [m.studyId, m.protocolId, m.visit, m.to, m.closedDay!]));
  if (!r.applied && r.moves.length) console.log('Nothing was changed (--dry-run).');
}
