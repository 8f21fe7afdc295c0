// What every CLI command needs: the database, the API through the one dispatch (the same role
// checks as the app), who is doing it (checked with their passphrase before any write), and the
// command's one-line errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiResult, Caller, Input, Method, Output } from '../core/api.js';
import { ROLE_WORDS, type Role } from '../core/vocabulary.js';
import { lastCheck } from '../db/checks.js';
import { fileProblems } from '../db/integrity.js';
import { openLocalBackend, type LocalBackend } from '../db/app.js';
import { resolveDatabaseFile } from '../db/paths.js';
import { readPassphrase } from './passphrase.js';
import { fail } from './usage.js';

export { fail, UsageError } from './usage.js';

// The project folder: one up from cli/ when run from source, two up from dist/cli/ when built.
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.basename(path.dirname(HERE)) === 'dist' ? path.resolve(HERE, '..', '..') : path.resolve(HERE, '..');
export const SEEDS_DIR = path.join(ROOT, 'seeds');
export const RENDERER_DIR = process.env.TRIALCOORD_RENDERER_DIR ?? path.join(ROOT, 'dist', 'renderer');
/** True when this is the built CLI (dist/cli/main.mjs), not the TypeScript source. */
export const BUILT = path.basename(path.dirname(HERE)) === 'dist';

export function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface CommonFlags {
  readonly db?: string | undefined;
  readonly by?: string | undefined;
}

/** The person a write is for: --by, else $TRIALCOORD_USER, else the login name in capitals. */
export function whoIs(flag: string | undefined): string {
  return (flag ?? process.env.TRIALCOORD_USER ?? os.userInfo().username).trim().toUpperCase();
}

export class Cli {
  readonly dbFile: string;
  private opened: LocalBackend | null = null;

  constructor(private readonly flags: CommonFlags) {
    this.dbFile = resolveDatabaseFile(flags.db);
  }

  /** --by as given (whoIs gives the person it names). */
  get by(): string | undefined {
    return this.flags.by;
  }

  get backend(): LocalBackend {
    this.opened ??= openLocalBackend({ dbFile: this.dbFile, seedsDir: SEEDS_DIR, appVersion: appVersion() });
    return this.opened;
  }

  close(): void {
    this.opened?.conn.close();
    this.opened = null;
  }

  /** A read: no sign-in on the command line (file access is read access), and never an arm of a blinded participant. */
  read<M extends Method>(method: M, input: Input<M>): Output<M> {
    return unwrap(this.backend.call(method, input, { kind: 'local-reader' }));
  }

  /** The passphrase the person signed in with: it signs what the command records (an unblinding, an eligibility confirmation). */
  lastPassphrase: string | null = null;

  /** The caller for writes: the person named by --by, signed in with their passphrase (TRIALCOORD_PASSPHRASE or a prompt). */
  async signIn(): Promise<Caller> {
    const initials = whoIs(this.flags.by);
    this.assertWritable();
    const passphrase = await readPassphrase(`Passphrase for ${initials}: `, 'TRIALCOORD_PASSPHRASE');
    const r = this.backend.call('signIn', { initials, passphrase }, { kind: 'nobody' });
    if (!r.ok) return fail(r.error.message);
    this.lastPassphrase = passphrase;
    return { kind: 'person', initials };
  }

  /** Several calls as one transaction: all of them are written, or (the first refusal) none. */
  inOneTransaction<T>(method: string, caller: Caller, fn: () => T): T {
    const by = caller.kind === 'person' ? caller.initials : fail('Sign in to make changes.');
    return this.backend.conn.write({ by, method, at: new Date().toISOString() }, fn);
  }

  call<M extends Method>(method: M, input: Input<M>, caller: Caller): Output<M> {
    return unwrap(this.backend.call(method, input, caller));
  }

  /** No export from a file whose last check failed. */
  assertReadable(): void {
    const last = lastCheck(this.dbFile);
    if (last && !last.ok) fail(`Nothing was exported: the last check of the database found a problem (${last.problems[0] ?? 'unknown'}). Restore a backup.`);
  }

  /** The signed-in caller must have this role (for what has no API method of its own: a restore). */
  requireRole(caller: Caller, role: Role): void {
    const person = this.call('currentSession', {}, caller).person;
    if (!person?.roles.includes(role)) fail(`This needs the ${ROLE_WORDS[role].toLowerCase()} role.`);
  }

  /** No write, backup or export from a file whose last check failed, or that fails SQLite's quick check now. */
  assertWritable(): void {
    const last = lastCheck(this.dbFile);
    if (last && !last.ok) fail(`Nothing was written: the last check of the database found a problem (${last.problems[0] ?? 'unknown'}). Restore a backup.`);
    const problems = this.backend.conn.read((db) => fileProblems(db, true));
    if (problems.length) fail(`Nothing was written: the database file is damaged (${problems[0]}). Restore a backup.`);
  }
}

function unwrap<T>(r: ApiResult<unknown>): T {
  if (!r.ok) return fail(r.error.message, r.error.details);
  return r.value as T;
}
