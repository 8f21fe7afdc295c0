// Which site a database file belongs to, read before it is opened for use: its audit key is
// found by this id (db/keys.ts).
import fs from 'node:fs';
import Database from 'better-sqlite3';

/** The file's site id, or null for a new file or one from before site ids (migration 10 gives one). */
export function probeSiteId(dbFile: string): string | null {
  if (!fs.existsSync(dbFile)) return null;
  let db: Database.Database | null = null;
  try {
    db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'app_meta'").get();
    return table ? ((db.prepare("SELECT value FROM app_meta WHERE key = 'site_id'").pluck().get() as string | undefined) ?? null) : null;
  } catch {
    // Not readable as a database: opening it for use says what is wrong.
    return null;
  } finally {
    db?.close();
  }
}
