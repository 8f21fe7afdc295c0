// How CLI commands are declared: --db on every command, --by on every command that writes, and
// a runner that opens the database the command names and closes it after.
import { Option, type Command } from 'commander-v14';
import type { Cli, CommonFlags } from './context.js';

/** Runs a command's action with the database it names, closing it after; the action's number is the exit code. */
export type Run = <O extends object>(action: (cli: Cli, options: O & CommonFlags, args: string[]) => number | Promise<number>) => (...commanderArgs: unknown[]) => Promise<void>;

export function common(cmd: Command, writes: boolean): Command {
  cmd.addOption(new Option('--db <file>', 'database file (default: $TRIALCOORD_DB, else the app data folder)'));
  if (writes) cmd.addOption(new Option('--by <initials>', 'who is doing this (default: $TRIALCOORD_USER, else the login name); their passphrase is read from $TRIALCOORD_PASSPHRASE or asked for'));
  return cmd;
}
