// The participant import's writer: a large site's file is thousands of participants and hundreds
// of thousands of visits. Written one audit row per visit (as the tables' triggers write every
// other change), the trail cost more than the visits themselves. So an imported participant is
// audited in one row, written and chained like any other: an insert of the participant whose new
// values are the participant's record (as its insert trigger writes it) with a "visits" key that
// lists every visit written with it: {"columns": [the visits' columns, the id first], "rows":
// [each visit's values in that order]}. The record-to-trail check (db/audit-verify.ts) and the
// trail's readers (db/audit-views.ts) read each of those visits as inserted by that row.
//
// For the import the insert triggers of both tables stand aside on this connection: their audit
// rows and the out-of-window count (the writer adds it at the end), and the file's insert guards
// (which only keep plain SQLite tools out, and cost a statement journal per row). They are
// dropped and created again inside the caller's transaction, so no other connection ever sees
// them gone: if anything fails, the rollback puts them back with everything else, and nothing
// of the import is left. An import large against the visits already there also sets the visits'
// indexes aside the same way, and builds them again before the write ends (REBUILD_SHARE), and
// one that writes many rows leaves its log's checkpoint to the connection's thread
// (DEFER_CHECKPOINT_FROM). A participant the planner's thread listed comes with its visits'
// listing and its escaped text (db/import-planner.ts): the writer puts the ids in front.
import { auditHash, auditHashEscaped, auditKeyOf, auditTrigger, type RowValues } from './audit.js';
import { deferCheckpoint } from './checkpointer.js';
import { asStoredText, PLANNED_COLUMNS, type Listing, type PlannedRows } from './import-planner.js';
import { guardTrigger } from './migrations/0010-keyed-trail.js';
import type { WritableDB } from './types.js';
import { DAY_COUNTS_INSERT, ImportedCounts, PLANNED_COUNTS_INSERT, VISIT_COUNTS_INSERT } from './visit-counts.js';

/**
 * The page cache while the bulk writer runs, as SQLite's cache_size (negative: KiB): 64 MiB. An
 * import adds visits all over the date indexes of a file of hundreds of megabytes; with SQLite's
 * default 2 MiB most index pages were written out and read back within the one transaction. The
 * connection's own size is put back after, so everyday reads keep a small cache.
 */
export const BULK_CACHE_SIZE = -65536;

/** The key under which an imported participant's audit row lists its visits. */
export const IMPORTED_VISITS = 'visits';

/** The connection's insert triggers whose work the writer does (the file's insert guards stand aside too). */
const STAND_ASIDE: Record<string, readonly string[]> = {
  participants: [auditTrigger('participants', 'INSERT')],
  visits: [auditTrigger('visits', 'INSERT'), VISIT_COUNTS_INSERT, PLANNED_COUNTS_INSERT, DAY_COUNTS_INSERT],
};

/**
 * Inserts one participant (its columns, without the id) and its visits (without id and
 * participant: each visit's columns, or its values in PLANNED_COLUMNS' order, as the planner
 * hands them over, with their audit listing where the planner's thread made it: listingOf);
 * returns the participant's id.
 */
export type ImportWriter = (participant: RowValues, visits: readonly RowValues[] | PlannedRows, listing?: Listing | null) => number;

/** Visits given by their columns, as their values in PLANNED_COLUMNS' order. */
function asPlanned(visits: readonly RowValues[] | PlannedRows): PlannedRows {
  if (visits.length === 0 || Array.isArray(visits[0])) return visits as PlannedRows;
  return (visits as readonly RowValues[]).map((v) => PLANNED_COLUMNS.map((c) => v[c] as string | number | null));
}

/**
 * Runs fn, in the caller's write, with a writer that inserts one participant and its visits per
 * call, and their one audit row. Other inserts into either table inside fn would be neither
 * audited nor guarded: fn writes them through the writer only.
 */
export function withBulkImport<T>(db: WritableDB, fn: (insert: ImportWriter) => T, options: BulkImportOptions = {}): T {
  if (!db.inTransaction) throw new Error('a bulk import runs inside a write');
  const ctx = db.prepare('SELECT at, by_user, method, reason FROM temp.audit_ctx').get() as AuditCtx | undefined;
  if (!ctx) throw new Error('refused: an import without an audit context (who and why)');
  const triggers = db
    .prepare(
      `SELECT 'temp' AS schema, name, tbl_name AS tbl, sql FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name IN ('participants', 'visits')
       UNION ALL SELECT 'main', name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ('participants', 'visits')`,
    )
    .all() as { schema: string; name: string; tbl: string; sql: string }[];
  const onInsert = triggers.filter((t) => /\b(?:BEFORE|AFTER|INSTEAD\s+OF)\s+INSERT\s+ON\b/i.test(t.sql));
  const asides = onInsert.filter((t) => (t.schema === 'temp' && STAND_ASIDE[t.tbl]!.includes(t.name)) || (t.schema === 'main' && t.name === guardTrigger(t.tbl, 'INSERT')));
  const unknown = onInsert.filter((t) => !asides.includes(t));
  if (unknown.length) throw new Error(`insert triggers the bulk writer does not stand in for: ${unknown.map((t) => t.name).join(', ')}`);
  const missing = Object.values(STAND_ASIDE).flat().filter((name) => !asides.some((t) => t.name === name));
  if (missing.length) throw new Error(`the insert triggers ${missing.join(', ')} are missing: the connection was not set up by openDatabase`);

  for (const t of asides) db.exec(`DROP TRIGGER ${t.schema}."${t.name}"`);
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${BULK_CACHE_SIZE}`);
  let rebuildIndexes: (() => void) | null = null;
  let done = false;
  try {
    const counts = new ImportedCounts();
    let first = true;
    const writer = importWriter(db, ctx);
    const result = fn((participant, given, listing) => {
      const visits = asPlanned(given);
      if (first) {
        first = false;
        // The first participant's visits, times the participants, as the import's size.
        if (options.participants !== undefined) {
          rebuildIndexes = setIndexesAside(db, visits.length * options.participants);
          // The log of up to hundreds of megabytes a large import's commit leaves is copied into the file on another thread.
          // Each participant writes a row, its visits' and its audit row.
          if ((visits.length + 2) * options.participants >= DEFER_CHECKPOINT_FROM) deferCheckpoint(db);
        }
      }
      // What the count triggers would add: the out-of-window visits, an enrolled participant's planned ones, every visit by its day.
      counts.add(participant, visits);
      return writer(participant, visits, listing ?? null);
    });
    counts.write(db);
    done = true;
    return result;
  } finally {
    // Built again inside the write: if that fails (or the import did), the rollback puts back the
    // indexes as they were. After a failure they are built only while the write is still open.
    const rebuild = rebuildIndexes as (() => void) | null;
    if (rebuild !== null && (done || db.inTransaction)) {
      try {
        rebuild();
      } catch (e) {
        if (done) throw e;
      }
    }
    db.pragma(`cache_size = ${cacheSize}`);
    // sqlite_temp_schema keeps a temporary trigger's statement without its TEMP.
    for (const t of asides) db.exec(t.schema === 'temp' ? t.sql.replace(/^CREATE\s+TRIGGER\b/i, 'CREATE TEMP TRIGGER') : t.sql);
  }
}

/**
 * An import that writes at least this many rows (each participant's, its visits' by the first
 * participant's, and its audit row) leaves its checkpoint to the connection's thread
 * (db/checkpointer.ts): about the 1,000 pages of log at which SQLite checkpoints on its own
 * (2,000 one-visit participants, 6,000 rows, left 1,440). A smaller one keeps SQLite's own, at
 * its commit, when due: starting the thread costs more than its checkpoint would.
 */
export const DEFER_CHECKPOINT_FROM = 4000;

export interface BulkImportOptions {
  /** How many participants the import writes: with the first one's visits, whether it sets the visits' indexes aside (see REBUILD_SHARE). */
  readonly participants?: number;
}

/**
 * An import at least this share of the visits already in the file sets the visits' own indexes
 * aside and builds them once at its end. SQLite builds an index by sorting, several times faster
 * per row than adding row by row to each of six indexes; but a build reads every visit, old and
 * new. Measured on npm run bench's site: its first file, 3,000 participants and 243,000 visits,
 * took 8.6 s so against 11.6 s adding to the indexes (the six built in 1.3 s at 282,000 visits);
 * its second, 36,000 visits into those 243,000, took 2.7 s so against 2.3 s, and the smaller
 * files after it 1.6-1.8 s against 0.3-0.6 s. The index of a participant's visits by key (the
 * table's UNIQUE constraint) always stays, and keeps checking.
 */
export const REBUILD_SHARE = 0.5;

/** Drops the visits' indexes (those that are not the table's own constraints) when `adding` visits warrant it; returns what builds them again, or null when they stay. */
function setIndexesAside(db: WritableDB, adding: number): (() => void) | null {
  const existing = db.prepare('SELECT count(*) FROM main.visits').pluck().get() as number;
  if (adding < existing * REBUILD_SHARE || adding === 0) return null;
  const indexes = db.prepare("SELECT name, sql FROM main.sqlite_schema WHERE type = 'index' AND tbl_name = 'visits' AND sql IS NOT NULL ORDER BY name").all() as { name: string; sql: string }[];
  for (const i of indexes) db.exec(`DROP INDEX main."${i.name}"`);
  return () => {
    for (const i of indexes) db.exec(i.sql);
  };
}

function columnsOf(db: WritableDB, table: string) {
  return db.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all(table) as { name: string; type: string; pk: number }[];
}

/** The write's audit context as the triggers read it: who, when, which action and why. */
interface AuditCtx {
  readonly at: string;
  readonly by_user: string;
  readonly method: string;
  readonly reason: string | null;
}

const PARTICIPANT_AT = PLANNED_COLUMNS.indexOf('participant_id');

function importWriter(db: WritableDB, ctx: AuditCtx): (participant: RowValues, visits: PlannedRows, listing: Listing | null) => number {
  const visitInfo = columnsOf(db, 'visits');
  const visitId = visitInfo.find((c) => c.pk === 1)!.name;
  const visitColumns = visitInfo.filter((c) => c.name !== visitId).map((c) => c.name);
  // Values are listed as JSON as SQLite reads them back: integers and text only (a REAL 70 would read back as 70.0).
  if (visitInfo.some((c) => c.type !== 'INTEGER' && c.type !== 'TEXT')) throw new Error('visits has a column the bulk writer cannot list as SQLite reads it');
  const insertVisit = db.prepare(`INSERT INTO main.visits (${visitColumns.map((c) => `"${c}"`).join(', ')}) VALUES (${visitColumns.map(() => '?').join(', ')})`);
  const visitsHead = `"${IMPORTED_VISITS}":{"columns":${JSON.stringify([visitId, ...visitColumns])},"rows":[`;

  const participantColumns = columnsOf(db, 'participants').map((c) => c.name);
  // The participant's values as its insert trigger writes them (db/audit.ts): SQLite's json_object of the row.
  const participantJson = db.prepare(`SELECT json_object(${participantColumns.map((c) => `'${c}', r."${c}"`).join(', ')}) FROM main.participants r WHERE r.id = ?`).pluck();
  const lastHash = db.prepare('SELECT hash FROM main.audit_log ORDER BY id DESC LIMIT 1').pluck();
  const key = auditKeyOf(db);
  const audit = db.prepare(
    `INSERT INTO main.audit_log (at, by_user, method, reason, entity, entity_id, action, participant_id, old_values, new_values, prev_hash, hash)
     VALUES (?, ?, ?, ?, 'participants', ?, 'insert', ?, NULL, ?, ?, ?)`,
  );
  const participantInserts = new Map<string, ReturnType<WritableDB['prepare']>>();

  // Where each of the table's columns is in a planned visit's values.
  const at = visitColumns.map((c) => (PLANNED_COLUMNS as readonly string[]).indexOf(c));
  // The planner's listing is of PLANNED_COLUMNS' order, the participant's id first: used where it is the table's.
  const listsAsTable = visitColumns.length === PLANNED_COLUMNS.length && at.every((a, i) => a === i) && PARTICIPANT_AT === 0;

  const visitsHeadEscaped = JSON.stringify(visitsHead).slice(1, -1);

  return (participant: RowValues, visits: PlannedRows, listing: Listing | null) => {
    const cols = Object.keys(participant);
    const shape = cols.join(',');
    let insert = participantInserts.get(shape);
    if (!insert) {
      for (const c of cols) if (c === 'id' || !participantColumns.includes(c)) throw new Error(`participants has no column ${c} the import may write`);
      insert = db.prepare(`INSERT INTO main.participants (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      participantInserts.set(shape, insert);
    }
    const id = Number(insert.run(cols.map((c) => participant[c]!)).lastInsertRowid);
    const listed: string[] = [];
    // The listing as it stands escaped in the text the row's hash is taken over, where the thread escaped it.
    let listedEscaped: string[] | null = null;
    const row: (string | number | null)[] = new Array(visitColumns.length);
    if (listing && listsAsTable && listing.visits.length === visits.length && listing.escaped.length === visits.length) {
      listedEscaped = [];
      // Listed on the planner's thread: the values go in as they are, text as SQLite reads it back.
      for (let k = 0; k < visits.length; k++) {
        const values = visits[k]!;
        if (values.length !== row.length) throw new Error('a planned visit without a value for every column');
        row[0] = id;
        for (let i = 1; i < row.length; i++) {
          const v = values[i]!;
          row[i] = typeof v === 'string' && !v.isWellFormed() ? asStoredText(v) : v;
        }
        const head = `[${Number(insertVisit.run(row).lastInsertRowid)},${id}`;
        listed.push(`${head}${listing.visits[k]}]`);
        listedEscaped.push(`${head}${listing.escaped[k]}]`);
      }
    } else {
      for (const values of visits) {
        let tail = '';
        for (let i = 0; i < visitColumns.length; i++) {
          let v = at[i] === PARTICIPANT_AT ? id : values[at[i]!];
          if (v === undefined) throw new Error(`visits.${visitColumns[i]}: no value given`);
          if (typeof v === 'string') {
            v = asStoredText(v);
            tail += `,${JSON.stringify(v)}`;
          } else tail += v === null ? ',null' : `,${v}`;
          row[i] = v;
        }
        listed.push(`[${Number(insertVisit.run(row).lastInsertRowid)}${tail}]`);
      }
    }
    // One row for the participant and its visits, chained as the triggers chain theirs.
    const prev = (lastHash.get() as string | undefined) ?? '';
    const participantPart = (participantJson.get(id) as string).slice(0, -1);
    const json = `${participantPart},${visitsHead}${listed.join(',')}]}}`;
    const fields = [prev, ctx.at, ctx.by_user, ctx.method, ctx.reason, 'participants', String(id), 'insert', id, null] as const;
    const hash = listedEscaped
      ? auditHashEscaped(key, fields, `${JSON.stringify(participantPart).slice(1, -1)},${visitsHeadEscaped}${listedEscaped.join(',')}]}}`)
      : auditHash(key, ...fields, json);
    audit.run(ctx.at, ctx.by_user, ctx.method, ctx.reason, String(id), id, json, prev, hash);
    return id;
  };
}

/** An imported participant's visits as its audit row lists them: each visit's columns and values, the id first. */
export function importedVisits(values: Record<string, unknown>): Record<string, unknown>[] | null {
  const listed = values[IMPORTED_VISITS] as { columns?: unknown; rows?: unknown } | undefined;
  if (!listed || !Array.isArray(listed.columns) || !Array.isArray(listed.rows)) return null;
  const columns = listed.columns as string[];
  return (listed.rows as unknown[][]).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])));
}
