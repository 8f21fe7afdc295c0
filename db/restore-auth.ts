// Who may restore from the command line: an administrator, signed in with their passphrase, in
// the database being replaced. A damaged database may not be readable at all (a scribbled header,
// a broken page in the people's tables); then the person must be an administrator in the backup
// being restored, which is checked before anything moves. Nothing is written to either file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { passphraseHolds } from './people.js';

export type RestoreAuth = { readonly ok: true; readonly from: 'database' | 'backup'; readonly note: string | null } | { readonly ok: false; readonly message: string };

/** The person in one file: an administrator with this passphrase (null: the file cannot be read). */
function adminIn(file: string, initials: string, passphrase: string): RestoreAuth | null {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    // Before people and roles (schema 8) a database had no one to sign in: file access was the rule.
    if (version < 8) return { ok: true, from: 'backup', note: 'The backup is from before people and roles: the first start will ask for an administrator.' };
    const check = passphraseHolds(db as never, initials, passphrase);
    if (!check.ok) return check;
    if (!check.actor.roles.includes('admin')) return { ok: false, message: 'This needs the administrator role.' };
    return { ok: true, from: 'database', note: null };
  } catch {
    return null;
  } finally {
    db.close();
  }
}

export function mayRestore(dbFile: string, backup: string, initials: string, passphrase: string): RestoreAuth {
  const here = fs.existsSync(dbFile) ? adminIn(dbFile, initials, passphrase) : null;
  if (here) return here;
  // The database cannot be read (or is gone): ask the backup, from a copy so that it is never touched.
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-restore-auth-'));
  try {
    const staged = path.join(staging, 'backup.sqlite');
    try {
      fs.copyFileSync(backup, staged);
      if (fs.existsSync(`${backup}-wal`)) fs.copyFileSync(`${backup}-wal`, `${staged}-wal`);
    } catch (e) {
      return { ok: false, message: `Cannot read ${backup}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
    const there = adminIn(staged, initials, passphrase);
    if (!there) return { ok: false, message: `${backup} is not a SQLite database, or it is damaged; nothing was changed.` };
    if (!there.ok) return there;
    return { ok: true, from: 'backup', note: there.note ?? 'The database could not be read, so you were signed in with the backup’s record of you.' };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
