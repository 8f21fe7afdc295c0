import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Checkpointer } from './checkpointer.js';
import { clearAuditContext, installAudit, sealHead, setAuditContext, type AuditContext } from './audit.js';
import { fileProblems } from './integrity.js';
import { DatabaseDamagedError } from './errors.js';
import { shareLock } from './file-lock.js';
import { fileKeys, type SiteKeys } from './keys.js';
import { assertNotFromFuture, migrate, pendingMigrations, type MigrationResult } from './migrate.js';
import type { ReadableDB, WritableDB } from './types.js';
import { installVisitCounts } from './visit-counts.js';

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for another runtime (Electron in development). */
  readonly nativeBinding?: string;
  /** Run integrity_check and foreign_key_check first, and refuse a damaged file (the CLI before a write). */
  readonly checkIntegrity?: boolean;
  /** Apply pending migrations (default). A reader, or a file whose last check failed, opens without. */
  readonly migrate?: boolean;
  /** How long a write waits for another process's write to finish (default 5 s). */
  readonly busyTimeoutMs?: number;
  /** Where the site's audit key is (default: the key files in the keys folder, db/keys.ts). */
  readonly keys?: SiteKeys;
  /** The site id to give a new database (the backend host chose it, and its key). */
  readonly siteId?: string;
}

export interface Connection {
  readonly file: string;
  readonly migration: MigrationResult;
  read<T>(fn: (db: ReadableDB) => T): T;
  /**
   * Runs fn in one IMMEDIATE transaction: all of it is written, or none of it. Every row it
   * changes is written to the audit trail under ctx (who, which method, why).
   */
  write<T>(ctx: AuditContext, fn: (db: WritableDB) => T): T;
  /**
   * A transaction for bookkeeping outside the record (sign-in counters, check results): it has
   * no audit context, so a change to any record table inside it is refused by the audit triggers.
   */
  bookkeep<T>(fn: (db: WritableDB) => T): T;
  /**
   * Waits until the log's checkpoint on the connection's own thread (db/checkpointer.ts, after a
   * write that deferred it) is done; returns how many such checkpoints it has done.
   */
  settleLog(): number;
  /** A consistent copy of the live database, made with SQLite's online backup API. */
  backup(file: string): Promise<void>;
  /** The site id this database belongs to (its audit key's name); null before migration 10. */
  readonly siteId: string | null;
  /** Where this site's audit keys are (to check a backup against before a restore). */
  readonly keys: SiteKeys;
  close(): void;
}

export function openDatabase(file: string, options: OpenOptions = {}): Connection {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  // Every process of the app holds this while it has the database open: a restore waits for none.
  const lock = shareLock(file, options.nativeBinding);
  let raw: Database.Database;
  try {
    raw = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    // Checked before anything else: switching to WAL would already write to a newer app's file.
    assertNotFromFuture(raw as WritableDB);
    if (options.checkIntegrity === true) assertIntact(raw, file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    // A second process (CLI while the app runs) waits for the lock instead of failing at once.
    raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // Trial records are evidence: an acknowledged write survives power loss, not just a crash.
    raw.pragma('synchronous = FULL');
    // Statement journals (every statement on a table with triggers keeps one) and temporary
    // b-trees in memory: in temporary files they cost more than the insert itself.
    raw.pragma('temp_store = MEMORY');
    const db = raw as WritableDB;
    // A migration rewrites tables: never on a damaged file, so it is checked first.
    if (options.migrate !== false && pendingMigrations(db) && options.checkIntegrity !== true && file !== ':memory:') assertIntact(raw, file);
    const keys = options.keys ?? fileKeys();
    const migration = options.migrate === false ? { from: assertNotFromFuture(db), to: assertNotFromFuture(db), backup: null } : migrate(db, { keys, siteId: options.siteId });
    // The database, its log and its index are this user's alone.
    if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    const siteId = (raw.prepare("SELECT value FROM app_meta WHERE key = 'site_id'").pluck().get() as string | undefined) ?? null;
    installAudit(db, siteId === null ? null : keys.load(siteId), keys.where);
    installVisitCounts(db);
    const getCtx = db.prepare('SELECT at, by_user AS by, method, reason FROM temp.audit_ctx');
    const checkpointer = new Checkpointer(file, options.nativeBinding);
    /** A commit that deferred its checkpoint hands it to the connection's thread. */
    const committed = <T>(run: () => T): T => {
      try {
        return run();
      } finally {
        if (file !== ':memory:') checkpointer.afterCommit(db);
      }
    };
    return {
      file,
      migration,
      read: (fn) => fn(db),
      write: (ctx, fn) =>
        committed(() =>
          db
            .transaction(() => {
              // A write inside a write (a script's several calls as one) gets its own context,
              // and the outer one is put back after it.
              const outer = getCtx.get() as AuditContext | undefined;
              setAuditContext(db, ctx);
              try {
                const result = fn(db);
                // The head of the chain, sealed with the key, moves with every write.
                sealHead(db, ctx.at);
                return result;
              } finally {
                if (outer) setAuditContext(db, outer);
                else clearAuditContext(db);
              }
            })
            .immediate(),
        ),
      bookkeep: (fn) =>
        committed(() =>
          db
            .transaction(() => {
              // Inside a write (a script's several calls as one), its context stands aside for the
              // bookkeeping, so that a record changed here is refused as anywhere without one.
              const outer = getCtx.get() as AuditContext | undefined;
              clearAuditContext(db);
              try {
                return fn(db);
              } finally {
                if (outer) setAuditContext(db, outer);
              }
            })
            .immediate(),
        ),
      settleLog: () => {
        checkpointer.settle();
        return checkpointer.done;
      },
      backup: async (file) => {
        await raw.backup(file);
        // A backup is one self-contained file: out of WAL mode, so opening it creates no -wal/-shm.
        const copy = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
        try {
          copy.pragma('journal_mode = DELETE');
        } finally {
          copy.close();
        }
        fs.chmodSync(file, 0o600);
      },
      siteId,
      keys,
      close: () => {
        // The thread's connection first, so that this close is the last and folds in the log.
        checkpointer.close();
        raw.close();
        lock.release();
      },
    };
  } catch (error) {
    raw.close();
    lock.release();
    throw error;
  }
}

function assertIntact(raw: Database.Database, file: string): void {
  const problems = fileProblems(raw as ReadableDB);
  if (problems.length) throw new DatabaseDamagedError(file, problems);
}
