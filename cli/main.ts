#!/usr/bin/env node
// trialcoord: the command line. Commands, flags and output shapes here are a product interface
// that scripts depend on; README.md documents them and test/cli*.test.ts pin them. Each command
// has its own options (commander), with help generated from them; every command takes --db, and
// every command that writes takes --by (and that person's passphrase).
import { Command, CommanderError, Option } from 'commander-v14';
import { DatabaseDamagedError, DatabaseFromFutureError, AppError } from '../db/errors.js';
import { appVersion, Cli, UsageError, type CommonFlags } from './context.js';
import { registerParticipantCommands } from './participant-commands.js';
import { registerPeopleCommands } from './people-commands.js';
import { registerProtocolCommands } from './protocol-commands.js';
import { registerRecordsCommands } from './records-commands.js';
import { registerSiteCommands } from './site-commands.js';
import { registerDaysCommands } from './days-commands.js';
import type { Run } from './command.js';

function program(): Command {
  const root = new Command('trialcoord')
    .description('Trial Coordinator: protocols, participants and visit calendars for a clinical-trial site.')
    .version(appVersion(), '-V, --version', 'print the version')
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(s.startsWith('error:') ? s : `error: ${s}`) });
  root.addOption(new Option('--db <file>', 'database file (default: $TRIALCOORD_DB, else the app data folder)'));
  root.addOption(new Option('--by <initials>', 'who is doing this, for commands that write').hideHelp());
  const run: Run = (action) => async (...commanderArgs) => {
    const cmd = commanderArgs.at(-1) as Command;
    const own = cmd.opts<CommonFlags>();
    const flags = { ...root.opts<CommonFlags>(), ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
    const cli = new Cli(flags);
    try {
      process.exitCode = await action(cli, flags as never, cmd.args);
    } finally {
      cli.close();
    }
  };
  registerProtocolCommands(root, run);
  registerParticipantCommands(root, run);
  registerPeopleCommands(root, run);
  registerRecordsCommands(root, run);
  registerSiteCommands(root, run);
  registerDaysCommands(root, run);
  for (const c of allCommands(root)) c.exitOverride().configureOutput(root.configureOutput());
  return root;
}

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((s) => [s as Command, ...allCommands(s as Command)]);
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; commander has printed them (or its own one-line error).
    return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
  if (error instanceof UsageError || error instanceof DatabaseFromFutureError || error instanceof DatabaseDamagedError || error instanceof AppError) {
    console.error(`error: ${error.message}`);
    const details = (error as { details?: readonly string[] }).details ?? [];
    if (details.length > 1) for (const d of details) console.error(`  ${d}`);
    return 2;
  }
  if (isOpenFailure(error)) {
    console.error(`error: ${openFailureWords(error)}`);
    return 2;
  }
  console.error(error);
  return 1;
}

/** A file that is not a database, or cannot be opened or written, is the user's problem to fix, said in a line. */
function isOpenFailure(e: unknown): e is Error & { code: string } {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' && /^(SQLITE_(NOTADB|CORRUPT|CANTOPEN|READONLY|IOERR|PERM|FULL)|EACCES|EPERM|EROFS|ENOSPC|EISDIR|ENOTDIR)/.test(e.code);
}

function openFailureWords(e: Error & { code: string }): string {
  if (/NOTADB|CORRUPT/.test(e.code)) return 'The database file is not a Trial Coordinator database, or it is damaged. Nothing was written. Restore a backup, or name another file with --db.';
  if (/READONLY|EROFS|PERM|EACCES/.test(e.code)) return 'The database file (or its folder) cannot be written by you. Nothing was written. Check its permissions, or name another file with --db.';
  if (/FULL|ENOSPC/.test(e.code)) return 'The disk is full. Nothing was written. Free some space and try again.';
  return `The database file cannot be opened (${e.code}). Nothing was written. Check the path given with --db.`;
}

const argv = process.argv.slice(2);
try {
  const p = program();
  if (argv.length === 0) {
    p.outputHelp({ error: true });
    process.exitCode = 2;
  } else await p.parseAsync(argv, { from: 'user' });
} catch (error) {
  process.exitCode = report(error);
}
