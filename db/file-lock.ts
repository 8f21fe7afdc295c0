// One lock that every process of the app takes on a database (the desktop app, browser mode, each
// CLI command): a shared lock held for as long as the process has the database open, on a small
// SQLite file beside it (<database>.lock). A restore takes it exclusively, so it is refused while
// anyone has the database open, and anyone opening the database waits while a restore swaps the
// file. SQLite's own locks are used because they are the same on every system and are released by
// the operating system if a process dies.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from './errors.js';

export function lockFile(dbFile: string): string {
  return `${dbFile}.lock`;
}

export interface HeldLock {
  release(): void;
}

function openLock(dbFile: string, nativeBinding: string | undefined, busyMs: number): Database.Database {
  const file = lockFile(dbFile);
  const fresh = !fs.existsSync(file);
  const lock = new Database(file, nativeBinding ? { nativeBinding } : {});
  if (fresh) fs.chmodSync(file, 0o600);
  lock.pragma(`busy_timeout = ${busyMs}`);
  // A rollback journal (not WAL): a read transaction then holds a shared lock the others see.
  lock.pragma('journal_mode = DELETE');
  return lock;
}

/** The shared lock of a process that has the database open; waits (up to 5 s) while a restore runs. */
export function shareLock(dbFile: string, nativeBinding?: string): HeldLock {
  if (dbFile === ':memory:') return { release: () => {} };
  const lock = openLock(dbFile, nativeBinding, 5000);
  try {
    lock.exec('BEGIN');
    lock.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (e) {
    lock.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new AppError('database', 'The database is being restored from a backup. Try again in a moment.');
    throw e;
  }
  return {
    release: () => {
      if (!lock.open) return;
      if (lock.inTransaction) lock.exec('COMMIT');
      lock.close();
    },
  };
}

/** The exclusive lock of a restore: refused at once while any process of the app has the database open. */
export function exclusiveLock(dbFile: string, nativeBinding?: string): HeldLock {
  const lock = openLock(dbFile, nativeBinding, 0);
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    lock.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY')
      throw new AppError('database', 'The database is open in Trial Coordinator (the desktop app, browser mode or another command). Close it, then restore; nothing was changed.');
    throw e;
  }
  return {
    release: () => {
      if (!lock.open) return;
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
    },
  };
}
