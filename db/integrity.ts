// SQLite's own checks of a database file, used before a migration, by the CLI before a write, and
// by the start-up checks (db/checks.ts).
import type { ReadableDB } from './types.js';

/** SQLite's own checks of the file: every page and index, and every foreign key. */
export function fileProblems(db: ReadableDB, quick = false): string[] {
  const problems = (db.pragma(quick ? 'quick_check' : 'integrity_check') as Record<string, string>[]).map((r) => Object.values(r)[0]!).filter((m) => m !== 'ok');
  if (problems.length) return problems.slice(0, 10);
  const fk = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  return fk.slice(0, 10).map((f) => `row ${f.rowid} of ${f.table} points to a missing ${f.parent} row`);
}
