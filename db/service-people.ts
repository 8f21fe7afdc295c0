// The people methods of the API: the first administrator, sign-in, the idle lock's unlock, one's
// own passphrase, and an administrator's management of people, roles and settings.
import type { AppInfo, Handlers } from '../core/api.js';
import fs from 'node:fs';
import { backupFolder, backupNowSync, keepSetting, listBackupFiles } from './backup.js';
import { precheckRestore } from './restore.js';
import { appendLog } from './logfile.js';
import type { Connection } from './connection.js';
import { writer } from './dispatch.js';
import { AppError } from './errors.js';
import { addPerson, changeOwnPassphrase, changeRoles, checkPassphrase, disablePerson, listPeople, resetPassphraseOf, setUpFirstAdmin } from './people.js';
import type { Writes } from './writes.js';
import { writeSetting } from './settings.js';
import type { ReadableDB } from './types.js';

type PeopleMethods =
  | 'signIn'
  | 'setUpFirstAdmin'
  | 'currentSession'
  | 'unlock'
  | 'signOut'
  | 'changePassphrase'
  | 'listUsers'
  | 'addUser'
  | 'setUserRoles'
  | 'disableUser'
  | 'resetPassphrase'
  | 'setSetting'
  | 'backupNow'
  | 'listBackups'
  | 'restoreBackup'
  | 'reportError';

export function peopleHandlers(conn: Connection, writes: Writes, appInfo: (db: ReadableDB) => AppInfo, mode: AppInfo['mode']): Pick<Handlers, PeopleMethods> {
  const { write, clock } = writes;
  const signIn = (initials: string, passphrase: string) => {
    const check = conn.bookkeep((db) => checkPassphrase(db, initials, passphrase, clock()));
    if (!check.ok) throw new AppError('unauthorized', check.message);
    return check.actor;
  };
  return {
    signIn: ({ initials, passphrase }) => signIn(initials, passphrase),
    setUpFirstAdmin: (input) =>
      conn.write({ by: input.initials, method: 'setUpFirstAdmin', reason: 'First start: the first administrator', at: clock().now }, (db) => setUpFirstAdmin(db, input, clock())),
    // The backend host adds whether the session is locked and keeps it; here: who the caller is.
    currentSession: (_input, c) => ({ person: c.actor, locked: false, idleLockMinutes: conn.read((db) => appInfo(db).idleLockMinutes), reader: c.reader }),
    unlock: ({ passphrase }, c) => signIn(writer(c).initials, passphrase),
    signOut: () => null,
    changePassphrase: ({ current, next }, c) => {
      const me = signIn(writer(c).initials, current);
      if (current === next) throw new AppError('invalid_input', 'New passphrase: choose one different from the current one.');
      return write('changePassphrase', c, 'Changed their own passphrase', (db) => changeOwnPassphrase(db, me.initials, next, clock()));
    },
    listUsers: () => conn.read(listPeople),
    addUser: (input, c) => write('addUser', c, `Added ${input.name} (${input.initials})`, (db) => (addPerson(db, input, clock()), listPeople(db))),
    setUserRoles: (input, c) => write('setUserRoles', c, input.reason, (db) => (changeRoles(db, input.initials, input.roles), listPeople(db))),
    disableUser: (input, c) => write('disableUser', c, input.reason, (db, by) => (disablePerson(db, input.initials, input.reason, by.initials, clock()), listPeople(db))),
    resetPassphrase: (input, c) => write('resetPassphrase', c, input.reason, (db) => (resetPassphraseOf(db, input.initials, input.passphrase, clock()), listPeople(db))),
    reportError: ({ message, stack, page }, c) => {
      appendLog(conn.file, { at: clock().now, by: c.actor?.initials ?? null, page, message, stack });
      return null;
    },
    backupNow: ({ out }, c) => {
      writer(c);
      if (out !== undefined && mode !== 'cli') throw new AppError('invalid_input', 'A backup from the app goes to the backups folder beside the database.');
      return { file: backupNowSync(conn, out ? { out } : {}) };
    },
    listBackups: (_input, c) => {
      writer(c);
      const folder = backupFolder(conn);
      return { folder, keep: keepSetting(conn), backups: listBackupFiles(folder) };
    },
    // The checks a restore makes, before anything is closed; the backend host then swaps the file
    // in with every connection closed (db/backend/host.ts). The command line has its own command.
    restoreBackup: ({ file }, c) => {
      writer(c);
      if (mode === 'cli') throw new AppError('invalid_input', 'From the command line, restore with: trialcoord restore FILE');
      precheckRestore(file, conn.file, conn.keys);
      return { restoredFrom: file, keptAside: null };
    },
    setSetting: (input, c) => {
      if (input.key === 'backup_folder') usableFolder(input.value);
      return write('setSetting', c, null, (db) => (writeSetting(db, input.key, input.value), appInfo(db)));
    },
  };
}

/** A backup folder must exist (or be made, for this user only) and take files. */
function usableFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code;
    const words = why === 'EACCES' || why === 'EPERM' ? 'this user may not write there' : why === 'ENOTDIR' || why === 'EEXIST' ? 'it is a file, not a folder' : why === 'EROFS' ? 'it is on a read-only disk' : `it cannot be used (${why ?? 'unknown'})`;
    throw new AppError('invalid_input', `Backup folder: ${words}.`);
  }
}
