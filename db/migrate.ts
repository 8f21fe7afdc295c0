import fs from 'node:fs';
import path from 'node:path';
import { DatabaseFromFutureError } from './errors.js';
import { MIGRATIONS, type Migration, type MigrationContext } from './migrations/index.js';
import type { ReadableDB, WritableDB } from './types.js';

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly backup: string | null;
}

/**
 * Applies pending migrations in one transaction and records the schema version in
 * `PRAGMA user_version`. A database from a newer app is refused before anything is written;
 * an existing database is copied aside (VACUUM INTO) before it is migrated.
 */
export function migrate(db: WritableDB, ctx: MigrationContext, migrations: readonly Migration[] = MIGRATIONS, now: Date = new Date()): MigrationResult {
  const latest = latestVersion(migrations);
  const from = assertNotFromFuture(db, migrations);
  if (from === latest) return { from, to: from, backup: null };

  const backup = from > 0 ? backupBeforeMigration(db, from, now) : null;
  const pending = migrations.filter((m) => m.version > from);
  db.transaction(() => {
    for (const m of pending) {
      m.up(db, ctx);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return { from, to: latest, backup };
}

/** True when the file's schema is older than this app's. */
export function pendingMigrations(db: ReadableDB, migrations: readonly Migration[] = MIGRATIONS): boolean {
  const found = db.pragma('user_version', { simple: true }) as number;
  return found > 0 && found < latestVersion(migrations);
}

const latestVersion = (migrations: readonly Migration[]) => migrations.at(-1)?.version ?? 0;

/** Returns the file's schema version; throws DatabaseFromFutureError if this app is too old for it. */
export function assertNotFromFuture(db: ReadableDB, migrations: readonly Migration[] = MIGRATIONS): number {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > latestVersion(migrations)) throw new DatabaseFromFutureError(found, latestVersion(migrations));
  return found;
}

function backupBeforeMigration(db: WritableDB, version: number, now: Date): string | null {
  if (db.memory) return null;
  const dir = path.join(path.dirname(db.name), 'backups');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${path.basename(db.name)}.v${version}.${stamp}.pre-migration.sqlite`);
  db.prepare('VACUUM INTO ?').run(file);
  return file;
}
