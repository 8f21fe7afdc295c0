// Backups: whole, consistent copies while the database is in use (SQLite's online backup API, or
// VACUUM INTO), into a folder only this user can enter, pruned to the newest N. Each backup holds
// the audit trail's sealed head, so it anchors the trail outside the live file. Restore is
// db/restore.ts.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Connection } from './connection.js';
import { AppError } from './errors.js';

export const DEFAULT_KEEP = 14;
const PREFIX = 'trial-coordinator-';

/** The default backups folder: "backups" beside the database. */
export function backupsDir(dbFile: string): string {
  return path.join(path.dirname(path.resolve(dbFile)), 'backups');
}

/** The site's backups folder: the one set on the settings page, or the default beside the database. */
export function backupFolder(conn: Connection): string {
  const set = conn.read((db) => db.prepare("SELECT value FROM app_meta WHERE key = 'backup_folder'").pluck().get()) as string | undefined;
  return set ? path.resolve(set) : backupsDir(conn.file);
}

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-');

/** Copies the live database to a new file in the backups folder (or `out`), then keeps the newest `keep`. */
export async function backupNow(conn: Connection, options: { now?: Date; out?: string; keep?: number } = {}): Promise<string> {
  const now = options.now ?? new Date();
  const dir = backupFolder(conn);
  const file = options.out ? path.resolve(options.out) : path.join(dir, `${PREFIX}${stamp(now)}.sqlite`);
  if (fs.existsSync(file)) throw new AppError('conflict', `${file} already exists; nothing was written.`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  await conn.backup(file);
  if (!options.out) pruneBackups(dir, options.keep ?? keepSetting(conn));
  return file;
}

/**
 * The same, without waiting (an API method runs in one go): SQLite's VACUUM INTO writes a
 * consistent, whole copy (what the WAL holds included) in one statement.
 */
export function backupNowSync(conn: Connection, options: { now?: Date; out?: string; keep?: number } = {}): string {
  const now = options.now ?? new Date();
  const dir = backupFolder(conn);
  const file = options.out ? path.resolve(options.out) : path.join(dir, `${PREFIX}${stamp(now)}.sqlite`);
  if (fs.existsSync(file)) throw new AppError('conflict', `${file} already exists; nothing was written.`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.partial-${process.pid}`;
  try {
    conn.read((db) => db.prepare('VACUUM INTO ?').run(tmp));
    const copy = new Database(tmp);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  if (!options.out) pruneBackups(dir, options.keep ?? keepSetting(conn));
  return file;
}

/** At app start: one backup a day at most. */
export async function dailyBackup(conn: Connection, now: Date = new Date()): Promise<string | null> {
  const dir = backupFolder(conn);
  const today = now.toISOString().slice(0, 10);
  const done = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith(`${PREFIX}${today}`));
  return done ? null : backupNow(conn, { now });
}

export function keepSetting(conn: Connection): number {
  const row = conn.read((db) => db.prepare("SELECT value FROM app_meta WHERE key = 'backup_keep'").get()) as { value: string } | undefined;
  const n = Number(row?.value);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_KEEP;
}

/** The time a backup was made, from its name (trial-coordinator-2026-12-01T09-30-00-000Z.sqlite); null for another name. */
export function backupTime(name: string): string | null {
  const m = /^trial-coordinator-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.sqlite$/.exec(name);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` : null;
}

/** The backups folder's backups, newest first. */
export function listBackupFiles(dir: string): { file: string; name: string; madeAt: string | null; bytes: number }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sqlite'))
    .map((name) => {
      const file = path.join(dir, name);
      const st = fs.statSync(file);
      return { file, name, madeAt: backupTime(name) ?? st.mtime.toISOString(), bytes: st.size, isFile: st.isFile() };
    })
    .filter((b) => b.isFile)
    .sort((a, b) => (b.madeAt ?? '').localeCompare(a.madeAt ?? '') || b.name.localeCompare(a.name))
    .map(({ isFile: _f, ...b }) => b);
}

export function pruneBackups(dir: string, keep: number): string[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(PREFIX) && f.endsWith('.sqlite'))
    .sort()
    .reverse();
  const removed = files.slice(keep);
  for (const f of removed) fs.rmSync(path.join(dir, f));
  return removed;
}
