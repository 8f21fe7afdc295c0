import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertNotFromFuture, migrate, type MigrationResult } from './migrate.js';
import type { ReadableDB, WritableDB } from './types.js';

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for another runtime (Electron in development). */
  readonly nativeBinding?: string;
}

export interface Connection {
  readonly file: string;
  readonly migration: MigrationResult;
  read<T>(fn: (db: ReadableDB) => T): T;
  /** Runs fn in one IMMEDIATE transaction: all of it is written, or none of it. */
  write<T>(fn: (db: WritableDB) => T): T;
  close(): void;
}

export function openDatabase(file: string, options: OpenOptions = {}): Connection {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // Checked before anything else: switching to WAL would already write to a newer app's file.
    assertNotFromFuture(raw as WritableDB);
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    // A second process (CLI while the app runs) waits for the lock instead of failing at once.
    raw.pragma('busy_timeout = 5000');
    // Trial records are evidence: an acknowledged write survives power loss, not just a crash.
    raw.pragma('synchronous = FULL');
    const db = raw as WritableDB;
    const migration = migrate(db);
    return {
      file,
      migration,
      read: (fn) => fn(db),
      write: (fn) => db.transaction(() => fn(db)).immediate(),
      close: () => raw.close(),
    };
  } catch (error) {
    raw.close();
    throw error;
  }
}
