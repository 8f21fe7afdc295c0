// Bulk insert of visits, for the participant import: a large site's file is thousands of
// participants and hundreds of thousands of visits. The visits' insert triggers (each visit's
// audit row, the out-of-window total) cost more than the insert itself: their own work, and a
// statement journal, a copy of every page touched, that SQLite keeps for every statement on a
// table with triggers. So for the one import the insert triggers stand aside on this connection
// and the writer does their work: it writes each visit's audit row exactly as the trigger would
// (db/audit.ts, auditedInserter) and adds the out-of-window visits to their total at the end.
// The triggers are dropped and created again inside the caller's transaction: if anything fails,
// the rollback puts them back with everything else.
import { auditedInserter, auditTrigger, type RowValues } from './audit.js';
import { guardTrigger } from './migrations/0010-keyed-trail.js';
import type { WritableDB } from './types.js';
import { addOutOfWindow, VISIT_COUNTS_INSERT } from './worklists.js';

/**
 * The page cache while the bulk writer runs, as SQLite's cache_size (negative: KiB): 64 MiB. An
 * import adds visits all over the date indexes of a file of hundreds of megabytes; with SQLite's
 * default 2 MiB most index pages were written out and read back within the one transaction. The
 * connection's own size is put back after, so everyday reads keep a small cache.
 */
export const BULK_CACHE_SIZE = -65536;

/**
 * The visits' insert triggers whose work the bulk writer does (its connection's audit and count
 * triggers), and the file's guard (which only keeps plain SQLite tools out); nothing else may be on them.
 */
const STAND_ASIDE = [auditTrigger('visits', 'INSERT'), VISIT_COUNTS_INSERT];
const GUARD = guardTrigger('visits', 'INSERT');

/**
 * Runs fn, in the caller's write, with a writer that inserts one participant's visits per call
 * (their audit rows and counts included) and returns their ids. Other writes to the visits table
 * inside fn would not be audited: fn writes visits through the writer only.
 */
export function withBulkVisits<T>(db: WritableDB, fn: (insert: (visits: readonly RowValues[]) => number[]) => T): T {
  if (!db.inTransaction) throw new Error('a bulk insert of visits runs inside a write');
  const triggers = db
    .prepare(
      `SELECT 'temp' AS schema, name, sql FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name = 'visits'
       UNION ALL SELECT 'main', name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'visits'`,
    )
    .all() as { schema: string; name: string; sql: string }[];
  const onInsert = triggers.filter((t) => /\b(?:BEFORE|AFTER|INSTEAD\s+OF)\s+INSERT\s+ON\b/i.test(t.sql));
  const unknown = onInsert.filter((t) => !(t.schema === 'temp' && STAND_ASIDE.includes(t.name)) && !(t.schema === 'main' && t.name === GUARD));
  if (unknown.length) throw new Error(`visits has insert triggers the bulk writer does not stand in for: ${unknown.map((t) => t.name).join(', ')}`);
  const missing = STAND_ASIDE.filter((name) => !onInsert.some((t) => t.name === name));
  if (missing.length) throw new Error(`visits lacks its insert triggers ${missing.join(', ')}: the connection was not set up by openDatabase`);

  for (const t of onInsert) db.exec(`DROP TRIGGER ${t.schema}."${t.name}"`);
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${BULK_CACHE_SIZE}`);
  try {
    const insert = auditedInserter(db, 'visits');
    let outOfWindow = 0;
    const result = fn((visits) => {
      const ids = insert(visits);
      for (const v of visits) if (v.out_of_window === 1) outOfWindow++;
      return ids;
    });
    addOutOfWindow(db, outOfWindow);
    return result;
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
    // sqlite_temp_schema keeps a temporary trigger's statement without its TEMP.
    for (const t of onInsert) db.exec(t.schema === 'temp' ? t.sql.replace(/^CREATE\s+TRIGGER\b/i, 'CREATE TEMP TRIGGER') : t.sql);
  }
}
