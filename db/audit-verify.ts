// Proving the trail: the keyed chain walked from its first row to its sealed head (so a row edited,
// removed, or cut from the end is named), every record compared with the latest values its trail
// holds (so an edit made with another tool is named: table, id, column), and the trail checked
// against an anchor kept outside the file (a receipt, or a backup) so that a file rolled back to
// an earlier state is found too.
import Database from 'better-sqlite3';
import { AUDITED, auditHash, auditKeyOf, HASH_FIELDS, headMac } from './audit.js';
import { IMPORTED_VISITS } from './bulk-import.js';
import { MissingKeyError } from './keys.js';
import type { ReadableDB } from './types.js';

export type AuditVerification = { ok: true; rows: number } | { ok: false; rows: number; firstBadId: number; problem: string };

/**
 * Walks the whole chain; reports the first row whose link, hash or place does not hold, or a head
 * it does not reach. The rows and the head are read in one snapshot: a write by another process
 * meanwhile is either wholly seen or not at all.
 */
export function verifyAudit(db: ReadableDB): AuditVerification {
  return db.inTransaction ? walkChain(db) : db.transaction(() => walkChain(db))();
}

function walkChain(db: ReadableDB): AuditVerification {
  let key: Buffer;
  try {
    key = auditKeyOf(db);
  } catch (e) {
    if (e instanceof MissingKeyError) return { ok: false, rows: 0, firstBadId: 0, problem: e.message };
    throw e;
  }
  let prev = '';
  let rows = 0;
  let expectedId = 1;
  for (const r of db.prepare(`SELECT id, hash, ${HASH_FIELDS.join(', ')} FROM audit_log ORDER BY id`).iterate() as IterableIterator<Record<string, unknown> & { id: number; hash: string; prev_hash: string }>) {
    rows++;
    if (r.id !== expectedId) return { ok: false, rows, firstBadId: expectedId, problem: `row ${expectedId} is missing (the next row is ${r.id})` };
    if (r.prev_hash !== prev) return { ok: false, rows, firstBadId: r.id, problem: `row ${r.id} does not link to the row before it` };
    if (auditHash(key, ...HASH_FIELDS.map((f) => r[f])) !== r.hash) return { ok: false, rows, firstBadId: r.id, problem: `row ${r.id} was changed after it was written (its hash does not match its content)` };
    prev = r.hash;
    expectedId = r.id + 1;
  }
  const head = db.prepare('SELECT last_id, last_hash, mac FROM audit_head WHERE id = 1').get() as { last_id: number; last_hash: string; mac: string } | undefined;
  if (!head) return rows === 0 ? { ok: true, rows } : { ok: false, rows, firstBadId: expectedId, problem: 'the head of the trail, which seals its last row, is missing' };
  if (headMac(key, head.last_id, head.last_hash) !== head.mac) return { ok: false, rows, firstBadId: head.last_id, problem: 'the head of the trail was changed (its seal does not match)' };
  if (head.last_id > rows) return { ok: false, rows, firstBadId: rows + 1, problem: `rows ${rows + 1} to ${head.last_id} were removed from the end of the trail` };
  if (head.last_id < rows) return { ok: false, rows, firstBadId: head.last_id + 1, problem: `rows after ${head.last_id} were written without the app (the head does not reach them)` };
  if (head.last_hash !== prev) return { ok: false, rows, firstBadId: head.last_id, problem: `row ${head.last_id} is not the row the head sealed` };
  return { ok: true, rows };
}

export interface RecordMismatch {
  readonly table: string;
  readonly id: string;
  /** The column whose value differs from the trail's; null when the whole record is unaccounted for. */
  readonly column: string | null;
  readonly problem: string;
}

/**
 * Every record's current values against the latest values its trail holds. A record changed,
 * added or removed without the app (another SQLite tool, with the guards dropped) is named.
 */
export function verifyRecords(db: ReadableDB, limit = 20): RecordMismatch[] {
  return db.inTransaction ? compareRecords(db, limit) : db.transaction(() => compareRecords(db, limit))();
}

/**
 * One pass per table, two streams in the same order (the record's id as text): the table's rows,
 * and its trail read from the (entity, entity id, id) index, whose last row for each record is the
 * latest. Merged like two sorted files, so the check costs a scan of each, not a lookup per row.
 */
function compareRecords(db: ReadableDB, limit: number): RecordMismatch[] {
  const out: RecordMismatch[] = [];
  const full = () => out.length >= limit;
  for (const t of AUDITED) {
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').all(t.table) as { name: string }[]).map((c) => c.name);
    const json = `json_object(${cols.map((c) => `'${c}', r."${c}"`).join(', ')})`;
    // Randomization slots are made in batches without a trail; a slot is a record once it is given.
    const only = t.table === 'randomization_slots' ? 'WHERE r.participant_id IS NOT NULL' : '';
    const records = db.prepare(`SELECT CAST(${t.id('r')} AS TEXT) AS id, ${json} AS now FROM ${t.table} r ${only} ORDER BY 1`).raw().iterate() as IterableIterator<[string, string]>;
    const trail = db.prepare(trailSql(t.table)).raw().iterate(t.table) as IterableIterator<[string, string, string | null, number, string | null]>;
    const valuesOf = trailValues();
    // The latest trail row of each record, one record at a time.
    let pending = trail.next();
    const nextLatest = (): { id: string; action: string; values: string | null } | null => {
      if (pending.done) return null;
      let [id, action, values, , columns] = pending.value;
      for (pending = trail.next(); !pending.done && pending.value[0] === id; pending = trail.next()) [, action, values, , columns] = pending.value;
      return { id, action, values: valuesOf(values, columns) };
    };
    let latest = nextLatest();
    const gone = (l: { id: string; action: string }) => {
      if (l.action !== 'delete') out.push({ table: t.table, id: l.id, column: null, problem: `${t.table} ${l.id} was removed without the app: the trail says it exists` });
    };
    try {
      for (const [id, now] of records) {
        if (full()) return out;
        // Trail entries before this record's id belong to records no longer in the table.
        while (latest && latest.id < id) {
          gone(latest);
          if (full()) return out;
          latest = nextLatest();
        }
        if (!latest || latest.id !== id || latest.action === 'delete' || latest.values === null) {
          out.push({ table: t.table, id, column: null, problem: `${t.table} ${id} is not in the audit trail: it was written without the app` });
          continue;
        }
        const was = latest.values;
        latest = nextLatest();
        if (was === now) continue;
        const a = JSON.parse(now) as Record<string, unknown>;
        const b = JSON.parse(was) as Record<string, unknown>;
        for (const c of cols) {
          if (JSON.stringify(a[c] ?? null) === JSON.stringify(b[c] ?? null)) continue;
          out.push({ table: t.table, id, column: c, problem: `${t.table} ${id}, column ${c}: the trail says ${JSON.stringify(b[c] ?? null)}, the table holds ${JSON.stringify(a[c] ?? null)}` });
          if (full()) return out;
        }
      }
      for (; latest && !full(); latest = nextLatest()) gone(latest);
    } finally {
      // Stop both statements if the check ended early.
      records.return?.();
      trail.return?.();
    }
  }
  return out;
}

/**
 * A table's trail in record order (the record's id as text, then the trail's order). An imported
 * participant's row holds its visits (db/bulk-import.ts): for the participant its values without
 * them, and each visit as inserted by that row.
 */
function trailSql(table: string): string {
  const plain = 'SELECT entity_id, action, new_values, id, NULL FROM audit_log INDEXED BY audit_by_entity WHERE entity = ?';
  const imported = `a.entity = 'participants' AND a.action = 'insert' AND json_type(a.new_values, '$.${IMPORTED_VISITS}.rows') = 'array'`;
  if (table === 'participants')
    return `SELECT a.entity_id, a.action, CASE WHEN ${imported} THEN json_remove(a.new_values, '$.${IMPORTED_VISITS}') ELSE a.new_values END, a.id, NULL
      FROM audit_log a INDEXED BY audit_by_entity WHERE a.entity = ? ORDER BY a.entity_id, a.id`;
  // Each listed visit: its id, its values (a list, in the order of the row's columns) and those columns.
  if (table === 'visits')
    return `${plain} UNION ALL
      SELECT CAST(json_extract(v.value, '$[0]') AS TEXT), 'insert', v.value, a.id, json_extract(a.new_values, '$.${IMPORTED_VISITS}.columns')
      FROM audit_log a INDEXED BY audit_by_entity, json_each(a.new_values, '$.${IMPORTED_VISITS}.rows') v WHERE ${imported}
      ORDER BY 1, 4`;
  return `${plain} ORDER BY entity_id, id`;
}

/** A trail row's values as JSON: as written, or (a visit listed by an imported participant's row) as its insert row would hold them. */
function trailValues(): (values: string | null, columns: string | null) => string | null {
  let lastColumns: string | null = null;
  let names: string[] = [];
  return (values, columns) => {
    if (columns === null || values === null) return values;
    if (columns !== lastColumns) [lastColumns, names] = [columns, JSON.parse(columns) as string[]];
    const row = JSON.parse(values) as unknown[];
    return `{${names.map((c, i) => `${JSON.stringify(c)}:${JSON.stringify(row[i] ?? null)}`).join(',')}}`;
  };
}

/** The head of the chain, to keep outside the file: a receipt, a backup's footer, a printed calendar's. */
export interface AuditAnchor {
  readonly siteId: string;
  readonly rows: number;
  readonly lastHash: string;
  readonly at: string;
}

export function auditAnchor(db: ReadableDB): AuditAnchor {
  const siteId = (db.prepare("SELECT value FROM app_meta WHERE key = 'site_id'").pluck().get() as string | undefined) ?? '';
  const head = db.prepare('SELECT last_id, last_hash, at FROM audit_head WHERE id = 1').get() as { last_id: number; last_hash: string; at: string } | undefined;
  return { siteId, rows: head?.last_id ?? 0, lastHash: head?.last_hash ?? '', at: head?.at ?? '' };
}

/** The anchor as it is printed: "rows:first 16 hex digits of the last hash". */
export function headMark(anchor: AuditAnchor): { rows: number; mark: string; at: string } {
  return { rows: anchor.rows, mark: `${anchor.rows}:${anchor.lastHash.slice(0, 16)}`, at: anchor.at };
}

/** A printed mark read back as an anchor (its hash a prefix), or null when it is not one. */
export function anchorOfMark(text: string): AuditAnchor | null {
  const m = /^(\d{1,12}):([0-9a-f]{12,64})$/.exec(text.trim());
  return m ? { siteId: '', rows: Number(m[1]), lastHash: m[2]!, at: `the mark ${text.trim()}` } : null;
}

/** Does the trail still extend an anchor taken earlier? The anchor's last row must be there, with the same hash, and the chain whole. */
export function verifyAgainst(db: ReadableDB, anchor: AuditAnchor): { ok: true } | { ok: false; problem: string } {
  const here = auditAnchor(db);
  if (anchor.siteId && here.siteId && anchor.siteId !== here.siteId) return { ok: false, problem: 'the anchor is from another site’s trail' };
  if (anchor.rows === 0) return { ok: true };
  if (here.rows < anchor.rows) return { ok: false, problem: `the trail has ${here.rows} rows; the anchor of ${anchor.at} saw ${anchor.rows}: rows were removed, or the file was put back to an earlier state` };
  const hash = db.prepare('SELECT hash FROM audit_log WHERE id = ?').pluck().get(anchor.rows) as string | undefined;
  // A printed mark holds the first digits of the hash; a receipt or a backup, all of them.
  if (hash === undefined || (anchor.lastHash.length === 64 ? hash !== anchor.lastHash : !hash.startsWith(anchor.lastHash))) return { ok: false, problem: `row ${anchor.rows} is not the row the anchor of ${anchor.at} saw: the trail was written again since` };
  return { ok: true };
}

/** The anchor a backup file holds (its sealed head), read without changing the file. */
export function anchorOfBackup(file: string): AuditAnchor {
  const backup = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return auditAnchor(backup as unknown as ReadableDB);
  } finally {
    backup.close();
  }
}
