// Restore that loses nothing. A backup is checked before anything is replaced: SQLite's integrity
// and foreign keys, that it is ours (the application id, the schema of its version), and that its
// audit chain and records hold under the site's key. It is refused while any process of the app
// has the database open (db/file-lock.ts). It is taken whole: a copy with its write-ahead log
// beside it is read as SQLite reads it, into one file. The swap cannot leave the path without a
// database: the backup is copied beside the target and synced, the current file is kept aside
// under a second name (a hard link), and one rename puts the copy in its place.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { installAudit } from './audit.js';
import { verifyAudit, verifyRecords } from './audit-verify.js';
import { recordCheck } from './checks.js';
import { AppError } from './errors.js';
import { exclusiveLock } from './file-lock.js';
import { fileProblems } from './integrity.js';
import { fileKeys, type SiteKeys } from './keys.js';
import { LEGACY_HASH_FIELDS, legacyAuditHash } from './migrations/legacy-audit.js';
import { APPLICATION_ID } from './migrations/0010-keyed-trail.js';
import { MIGRATIONS } from './migrations/index.js';
import type { WritableDB } from './types.js';

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-');

/** Copies a database whole into a new file (what its write-ahead log holds included). */
export type WholeCopy = (from: string, to: string) => void;

const vacuumInto: WholeCopy = (from, to) => {
  const source = new Database(from, { fileMustExist: true });
  try {
    source.prepare('VACUUM INTO ?').run(to);
  } finally {
    source.close();
  }
};

/** The tables and columns a database of this schema version has, as the migrations make them. */
function schemaOf(db: Database.Database): string[] {
  return (
    db
      .prepare(
        "SELECT m.name || '(' || group_concat(c.name || ' ' || c.type || ' ' || c.\"notnull\", ', ') || ')' AS t FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' GROUP BY m.name ORDER BY m.name",
      )
      .all() as { t: string }[]
  ).map((r) => r.t);
}

const expectedSchemas = new Map<number, string[]>();
function expectedSchema(version: number): string[] {
  let s = expectedSchemas.get(version);
  if (!s) {
    const fresh = new Database(':memory:');
    const throwaway: SiteKeys = { where: 'memory', load: () => Buffer.alloc(32), create: () => Buffer.alloc(32) };
    fresh.transaction(() => {
      for (const m of MIGRATIONS.filter((x) => x.version <= version)) m.up(fresh as WritableDB, { keys: throwaway });
    })();
    s = schemaOf(fresh);
    fresh.close();
    expectedSchemas.set(version, s);
  }
  return s;
}

export interface CheckedBackup {
  readonly schemaVersion: number;
  readonly siteId: string | null;
  readonly auditRows: number;
}

/**
 * Checks that a file is a healthy Trial Coordinator database this version can open, whose trail
 * and records hold. Refuses with what is wrong, in words. Called on a copy (a restore stages the
 * backup first): opening a file whose write-ahead log is beside it folds the log in.
 */
export function checkBackup(file: string, keys: SiteKeys = fileKeys()): CheckedBackup {
  if (!fs.existsSync(file)) throw new AppError('not_found', `${file} does not exist.`);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('schema_version');
  } catch (e) {
    throw new AppError('invalid_input', `${file} is not a SQLite database: ${(e as Error).message}`);
  }
  try {
    let problems: string[];
    try {
      problems = fileProblems(db as never);
    } catch (e) {
      throw new AppError('invalid_input', `${file} is not a SQLite database, or it is damaged: ${(e as Error).message}`);
    }
    if (problems.length) throw new AppError('invalid_input', `${file} is damaged: ${problems.slice(0, 3).join('; ')}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = MIGRATIONS.at(-1)!.version;
    if (version < 1 || version > latest) throw new AppError('invalid_input', `${file} is not a Trial Coordinator database this version can read (its schema version is ${version}; this app reads 1 to ${latest}).`);
    if (version >= 10 && db.pragma('application_id', { simple: true }) !== APPLICATION_ID) throw new AppError('invalid_input', `${file} is not a Trial Coordinator database.`);
    const schema = schemaOf(db);
    if (JSON.stringify(schema) !== JSON.stringify(expectedSchema(version))) throw new AppError('invalid_input', `${file} is not a Trial Coordinator database (its tables are not the app's).`);
    if (version < 10) return { schemaVersion: version, siteId: null, auditRows: legacyChain(db, file) };
    const siteId = (db.prepare("SELECT value FROM app_meta WHERE key = 'site_id'").pluck().get() as string | undefined) ?? null;
    const key = siteId ? keys.load(siteId) : null;
    if (!key) throw new AppError('invalid_input', `${file} belongs to a site whose audit key this computer does not hold (looked in ${keys.where}): its trail cannot be checked, so it is not restored.`);
    // A read-only handle with the key, to walk the chain and compare the records as the app would.
    installAudit(db as WritableDB, key, keys.where);
    const chain = verifyAudit(db as never);
    if (!chain.ok) throw new AppError('invalid_input', `${file} has a broken audit trail (row ${chain.firstBadId}: ${chain.problem}); it is not restored.`);
    const records = verifyRecords(db as never, 3);
    if (records.length) throw new AppError('invalid_input', `${file} holds records that do not match their trail (${records[0]!.problem}); it is not restored.`);
    return { schemaVersion: version, siteId, auditRows: chain.rows };
  } finally {
    db.close();
  }
}

/** A backup from before the trail was keyed: its plain SHA-256 chain must be whole. */
function legacyChain(db: Database.Database, file: string): number {
  let prev = '';
  let n = 0;
  for (const r of db.prepare(`SELECT id, hash, ${LEGACY_HASH_FIELDS.join(', ')} FROM audit_log ORDER BY id`).iterate() as IterableIterator<Record<string, unknown> & { id: number; hash: string }>) {
    n++;
    if (r.id !== n || r.prev_hash !== prev || legacyAuditHash(...LEGACY_HASH_FIELDS.map((f) => r[f])) !== r.hash) throw new AppError('invalid_input', `${file} has a broken audit trail (row ${n}); it is not restored.`);
    prev = r.hash;
  }
  return n;
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some systems cannot sync a folder (Windows); the rename itself is atomic there.
  }
}

/**
 * Checks a backup as a restore would, without the lock and without changing anything: the app
 * asks this first, so that a backup it would refuse is refused before anything is closed.
 */
export function precheckRestore(backup: string, dbFile: string, keys: SiteKeys = fileKeys()): CheckedBackup {
  const target = path.resolve(dbFile);
  const source = path.resolve(backup);
  if (!fs.existsSync(source)) throw new AppError('not_found', `${backup} does not exist.`);
  if (!fs.statSync(source).isFile()) throw new AppError('invalid_input', `${backup} is a folder, not a backup file.`);
  if (sameFile(source, target)) throw new AppError('invalid_input', `${backup} is the database itself: there is nothing to restore.`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-restore-'));
  try {
    const staged = path.join(staging, 'backup.sqlite');
    fs.copyFileSync(source, staged);
    if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${staged}-wal`);
    return checkBackupOrRaise(staged, backup, keys);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Replaces the database with a checked backup. The current file is kept aside, never deleted.
 * Refused while any process of the app has the database open.
 */
export function restoreBackup(backup: string, dbFile: string, options: { now?: Date; keys?: SiteKeys; copy?: WholeCopy } = {}): { keptAside: string | null } {
  const now = options.now ?? new Date();
  const target = path.resolve(dbFile);
  const source = path.resolve(backup);
  if (!fs.existsSync(source)) throw new AppError('not_found', `${backup} does not exist.`);
  if (!fs.statSync(source).isFile()) throw new AppError('invalid_input', `${backup} is a folder, not a backup file.`);
  if (sameFile(source, target)) throw new AppError('invalid_input', `${backup} is the database itself: there is nothing to restore.`);
  const copy = options.copy ?? vacuumInto;
  const keys = options.keys ?? fileKeys();
  const lock = exclusiveLock(target);
  // The backup is read from a copy of it (and its write-ahead log, if one is beside it), so that
  // reading it never changes the file the site keeps.
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-restore-'));
  const tmp = `${target}.restoring-${process.pid}`;
  try {
    const staged = path.join(staging, 'backup.sqlite');
    fs.copyFileSync(source, staged);
    if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${staged}-wal`);
    checkBackupOrRaise(staged, backup, keys);
    try {
      copy(staged, tmp);
    } catch (e) {
      throw new AppError('database', `The backup could not be copied beside the database (${(e as NodeJS.ErrnoException).code === 'ENOSPC' || (e as { code?: string }).code === 'SQLITE_FULL' ? 'the disk is full' : (e as Error).message}); nothing was changed.`);
    }
    fs.chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    const checked = checkBackup(tmp, keys);
    let keptAside: string | null = null;
    if (fs.existsSync(target)) {
      // The current file, its log folded in, is kept aside under a second name before anything moves.
      let folded = false;
      try {
        const live = new Database(target);
        try {
          live.pragma('wal_checkpoint(TRUNCATE)');
          folded = true;
        } finally {
          live.close();
        }
      } catch {
        // A damaged file SQLite cannot open: it is kept aside as it is, its log beside it.
      }
      keptAside = `${target}.before-restore-${stamp(now)}`;
      try {
        fs.linkSync(target, keptAside);
      } catch {
        fs.copyFileSync(target, keptAside);
      }
      if (!folded && fs.existsSync(`${target}-wal`)) fs.copyFileSync(`${target}-wal`, `${keptAside}-wal`);
    }
    // The one step that changes the path: atomic, so there is a database there before and after.
    fs.renameSync(tmp, target);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
    fsyncDir(path.dirname(target));
    recordCheck(target, { at: now.toISOString(), ok: true, problems: [], summary: `restored from ${path.basename(backup)}: file intact, audit trail intact (${checked.auditRows} rows)` });
    return { keptAside };
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

function checkBackupOrRaise(staged: string, named: string, keys: SiteKeys): CheckedBackup {
  try {
    return checkBackup(staged, keys);
  } catch (e) {
    if (e instanceof AppError) throw new AppError(e.code, e.message.replaceAll(staged, named), e.details);
    throw e;
  }
}
