// Backups with SQLite's online backup API (a consistent copy while the database is in use),
// pruning to the newest N, and restore that checks a file before it replaces anything.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Connection } from './connection.js';
import { AppError } from './errors.js';
import { MIGRATIONS } from './migrations/index.js';

export const DEFAULT_KEEP = 14;
const PREFIX = 'trial-coordinator-';

export function backupsDir(dbFile: string): string {
  return path.join(path.dirname(path.resolve(dbFile)), 'backups');
}

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-');

/** Copies the live database to a new file in the backups folder (or `out`), then keeps the newest `keep`. */
export async function backupNow(conn: Connection, options: { now?: Date; out?: string; keep?: number } = {}): Promise<string> {
  const now = options.now ?? new Date();
  const dir = backupsDir(conn.file);
  const file = options.out ? path.resolve(options.out) : path.join(dir, `${PREFIX}${stamp(now)}.sqlite`);
  if (fs.existsSync(file)) throw new AppError('conflict', `${file} already exists; nothing was written.`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
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
  const dir = backupsDir(conn.file);
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
  const dir = backupsDir(conn.file);
  const today = now.toISOString().slice(0, 10);
  const done = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith(`${PREFIX}${today}`));
  return done ? null : backupNow(conn, { now });
}

export function keepSetting(conn: Connection): number {
  const row = conn.read((db) => db.prepare("SELECT value FROM app_meta WHERE key = 'backup_keep'").get()) as { value: string } | undefined;
  const n = Number(row?.value);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_KEEP;
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

/** Checks that a file is a healthy Trial Coordinator database this version can open. */
export function validateBackup(file: string): { schemaVersion: number } {
  if (!fs.existsSync(file)) throw new AppError('not_found', `${file} does not exist.`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new AppError('invalid_input', `${file} is not a SQLite database: ${(e as Error).message}`);
  }
  try {
    const check = (() => {
      try {
        return db.pragma('integrity_check') as { integrity_check: string }[];
      } catch (e) {
        throw new AppError('invalid_input', `${file} is not a SQLite database: ${(e as Error).message}`);
      }
    })();
    if (check[0]?.integrity_check !== 'ok') throw new AppError('invalid_input', `${file} is damaged: ${check.map((r) => r.integrity_check).join('; ')}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = MIGRATIONS.at(-1)!.version;
    if (version < 1 || version > latest) throw new AppError('invalid_input', `${file} has schema version ${version}; this app reads 1 to ${latest}.`);
    if (!db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'protocols'").get()) throw new AppError('invalid_input', `${file} is not a Trial Coordinator database.`);
    return { schemaVersion: version };
  } finally {
    db.close();
  }
}

/**
 * Replaces the database with a checked backup. The current file is kept aside, never deleted.
 * Refused while another process (the app) has the database open for writing.
 */
export function restoreBackup(backup: string, dbFile: string, now: Date = new Date()): { keptAside: string | null } {
  validateBackup(backup);
  const target = path.resolve(dbFile);
  let keptAside: string | null = null;
  if (fs.existsSync(target)) {
    const live = new Database(target);
    try {
      live.pragma('busy_timeout = 0');
      try {
        live.exec('BEGIN EXCLUSIVE; COMMIT;');
      } catch {
        throw new AppError('database', 'The database is in use (is the app running?). Close it, then restore.');
      }
      live.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      live.close();
    }
    keptAside = `${target}.before-restore-${stamp(now)}`;
    fs.renameSync(target, keptAside);
    for (const suffix of ['-wal', '-shm']) if (fs.existsSync(target + suffix)) fs.renameSync(target + suffix, keptAside + suffix);
  }
  fs.copyFileSync(backup, target);
  return { keptAside };
}
