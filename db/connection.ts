import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { clearAuditContext, installAudit, setAuditContext, type AuditContext } from './audit.js';
import { DatabaseDamagedError } from './errors.js';
import { assertNotFromFuture, migrate, type MigrationResult } from './migrate.js';
import type { ReadableDB, WritableDB } from './types.js';
import { installVisitCounts } from './worklists.js';

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for another runtime (Electron in development). */
  readonly nativeBinding?: string;
  /**
   * Run integrity_check and foreign_key_check first, and refuse a damaged file (app start):
   * always, or only when they have not run yet on the given day (see db/app.ts).
   */
  readonly checkIntegrity?: boolean | { readonly unlessCheckedOn: string };
  /** How long a write waits for another process's write to finish (default 5 s). */
  readonly busyTimeoutMs?: number;
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
  /** A consistent copy of the live database, made with SQLite's online backup API. */
  backup(file: string): Promise<void>;
  close(): void;
}

export function openDatabase(file: string, options: OpenOptions = {}): Connection {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // Checked before anything else: switching to WAL would already write to a newer app's file.
    assertNotFromFuture(raw as WritableDB);
    if (options.checkIntegrity === true || (options.checkIntegrity && lastFullCheck(raw) !== options.checkIntegrity.unlessCheckedOn)) assertIntact(raw, file);
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
    const migration = migrate(db);
    installAudit(db);
    installVisitCounts(db);
    reusePreparedStatements(raw);
    const getCtx = db.prepare('SELECT at, by_user AS by, method, reason FROM temp.audit_ctx');
    return {
      file,
      migration,
      read: (fn) => fn(db),
      write: (ctx, fn) =>
        db
          .transaction(() => {
            // A write inside a write (a script's several calls as one) gets its own context,
            // and the outer one is put back after it.
            const outer = getCtx.get() as AuditContext | undefined;
            setAuditContext(db, ctx);
            try {
              return fn(db);
            } finally {
              if (outer) setAuditContext(db, outer);
              else clearAuditContext(db);
            }
          })
          .immediate(),
      backup: async (file) => {
        await raw.backup(file);
        // A backup is one self-contained file: out of WAL mode, so opening it creates no -wal/-shm.
        const copy = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
        try {
          copy.pragma('journal_mode = DELETE');
        } finally {
          copy.close();
        }
      },
      close: () => raw.close(),
    };
  } catch (error) {
    raw.close();
    throw error;
  }
}

/** The day the full start-up checks last passed (app_checks), or null. */
export function lastFullCheck(raw: Database.Database): string | null {
  const table = raw.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'app_checks'").get();
  if (!table) return null;
  return (raw.prepare("SELECT value FROM app_checks WHERE key = 'full_check_on'").get() as { value: string } | undefined)?.value ?? null;
}

function assertIntact(raw: Database.Database, file: string): void {
  const problems = (raw.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).filter((m) => m !== 'ok');
  const fk = raw.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  for (const f of fk.slice(0, 10)) problems.push(`row ${f.rowid} of ${f.table} points to a missing ${f.parent} row`);
  if (problems.length) throw new DatabaseDamagedError(file, problems);
}

/**
 * Keeps each SQL text's prepared statement for reuse: preparing is a large part of a small query's
 * cost, and the hot paths (re-planning, participant pages) prepare the same few texts thousands of
 * times. A statement comes back in its default modes; one still being iterated is not shared.
 */
function reusePreparedStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const kept = cache.get(sql);
    if (kept && !kept.busy) {
      if (kept.reader) kept.raw(false).pluck(false).expand(false);
      return kept;
    }
    const fresh = prepare(sql);
    if (!kept) {
      if (cache.size >= 1000) cache.clear();
      cache.set(sql, fresh);
    }
    return fresh;
  }) as Database.Database['prepare'];
}
