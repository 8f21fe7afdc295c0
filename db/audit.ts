// The audit trail. Every change to a record table writes one audit row per row changed, with
// old and new values, who, when, which API method and the reason given. Temporary triggers on
// each connection do the writing, so no code path can change a record and forget the trail;
// a write without a stated context is refused. Rows are chained: each carries an HMAC-SHA-256,
// keyed with the site's audit key (db/keys.ts), over its content and the previous row's hash, so
// an edited or removed row breaks the chain, and the chain cannot be written again without the
// key. The head of the chain (its last row and hash, keyed too) is kept in audit_head, so that
// rows cut from the end are found (db/audit-verify.ts).
import crypto from 'node:crypto';
import type { AuditRecord } from '../core/participants.js';
import { MissingKeyError } from './keys.js';
import type { ReadableDB, WritableDB } from './types.js';

export interface AuditContext {
  readonly by: string;
  readonly method: string;
  readonly reason?: string | null | undefined;
  readonly at: string;
}

/** Record tables, how to name a row, and which participant it belongs to. */
export const AUDITED: readonly { table: string; id: (r: string) => string; participant: (r: string) => string; events: readonly ('INSERT' | 'UPDATE' | 'DELETE')[] }[] = [
  { table: 'protocols', id: (r) => `${r}.id`, participant: () => 'NULL', events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'protocol_versions', id: (r) => `${r}.protocol_id || ':' || ${r}.version`, participant: () => 'NULL', events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'participants', id: (r) => `${r}.id`, participant: (r) => `${r}.id`, events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'eligibility_answers', id: (r) => `${r}.participant_id || ':' || ${r}.criterion_key`, participant: (r) => `${r}.participant_id`, events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'randomization_lists', id: (r) => `${r}.protocol_id || ':' || ${r}.stratum`, participant: () => 'NULL', events: ['INSERT', 'UPDATE', 'DELETE'] },
  // Slots are generated in batches; what matters is who was given which slot, and any change.
  { table: 'randomization_slots', id: (r) => `${r}.protocol_id || ':' || ${r}.stratum || ':' || ${r}.seq`, participant: (r) => `${r}.participant_id`, events: ['UPDATE', 'DELETE'] },
  { table: 'unblindings', id: (r) => `${r}.id`, participant: (r) => `${r}.participant_id`, events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'visits', id: (r) => `${r}.id`, participant: (r) => `${r}.participant_id`, events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'doses', id: (r) => `${r}.id`, participant: (r) => `${r}.participant_id`, events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'app_meta', id: (r) => `${r}.key`, participant: () => 'NULL', events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'users', id: (r) => `${r}.initials`, participant: () => 'NULL', events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'user_roles', id: (r) => `${r}.initials || ':' || ${r}.role`, participant: () => 'NULL', events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'eligibility_signatures', id: (r) => `${r}.id`, participant: (r) => `${r}.participant_id`, events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'participant_events', id: (r) => `${r}.participant_id || ':' || ${r}.event_key`, participant: (r) => `${r}.participant_id`, events: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'holidays', id: (r) => `${r}.date`, participant: () => 'NULL', events: ['INSERT', 'UPDATE', 'DELETE'] },
];

export const HASH_FIELDS = ['prev_hash', 'at', 'by_user', 'method', 'reason', 'entity', 'entity_id', 'action', 'participant_id', 'old_values', 'new_values'] as const;

/** The record tables, for the guard triggers and the check that records match their trail. */
/** A connection's audit key, and where it came from (for the message when it is missing). */
const keys = new WeakMap<object, { key: Buffer | null; where: string }>();

/** The chain hash: HMAC-SHA-256 with the site's key over the row's content and the previous row's hash. */
export function auditHash(key: Buffer, ...fields: unknown[]): string {
  return crypto.createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
}

/**
 * auditHash(key, ...fields, last) for a last field given as JSON.stringify(last) without its
 * quotes: the same hash, without escaping a large text (an import's listing) on the caller's
 * thread when it was escaped elsewhere (db/import-planner.ts).
 */
export function auditHashEscaped(key: Buffer, fields: readonly unknown[], lastEscaped: string): string {
  const head = JSON.stringify(fields);
  return crypto.createHmac('sha256', key).update(`${fields.length ? `${head.slice(0, -1)},` : '['}"${lastEscaped}"]`).digest('hex');
}

/** The connection's audit key; refuses (MissingKeyError) when this computer does not hold it. */
export function auditKeyOf(db: ReadableDB): Buffer {
  const k = keys.get(db);
  if (!k?.key) throw new MissingKeyError(k?.where ?? 'the keys folder');
  return k.key;
}

/** The head of the chain as the key seals it: its last row and that row's hash. */
export function headMac(key: Buffer, lastId: number, lastHash: string): string {
  return crypto.createHmac('sha256', key).update(JSON.stringify(['head', lastId, lastHash])).digest('hex');
}

/**
 * Creates this connection's audit triggers and context table, and the functions the triggers
 * and the file's guard triggers call. Call once per connection, after migrating. Without the key
 * (a computer that does not hold it) reads work and every change to a record is refused.
 */
export function installAudit(db: WritableDB, key: Buffer | null, where: string): void {
  keys.set(db, { key, where });
  db.function('tc_audit_hash', { deterministic: true, varargs: true }, (...args: unknown[]) => auditHash(auditKeyOf(db), ...args));
  // The guard triggers stored in the file call this: a plain SQLite tool does not have it, so it
  // cannot change a record (or the trail) without first dropping them, which the checks notice.
  db.function('tc_record_guard', { deterministic: true }, () => null);
  db.exec('CREATE TEMP TABLE IF NOT EXISTS audit_ctx (at TEXT NOT NULL, by_user TEXT NOT NULL, method TEXT NOT NULL, reason TEXT) STRICT');
  for (const t of AUDITED) {
    const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(t.table) as { name: string }[]).map((c) => c.name);
    const json = (r: string) => `json_object(${cols.map((c) => `'${c}', ${r}."${c}"`).join(', ')})`;
    for (const event of t.events) {
      const row = event === 'DELETE' ? 'OLD' : 'NEW';
      const oldJson = event === 'INSERT' ? 'NULL' : json('OLD');
      const newJson = event === 'DELETE' ? 'NULL' : json('NEW');
      const action = event.toLowerCase();
      // An UPDATE that changes nothing is not a change: no audit row.
      const when = event === 'UPDATE' ? `WHEN ${json('OLD')} IS NOT ${json('NEW')}` : '';
      db.exec(`
        CREATE TEMP TRIGGER IF NOT EXISTS ${auditTrigger(t.table, event)} AFTER ${event} ON main.${t.table} ${when}
        BEGIN
          SELECT RAISE(ABORT, 'refused: a change to ${t.table} without an audit context (who and why)')
            WHERE NOT EXISTS (SELECT 1 FROM temp.audit_ctx);
          INSERT INTO main.audit_log (at, by_user, method, reason, entity, entity_id, action, participant_id, old_values, new_values, prev_hash, hash)
          SELECT c.at, c.by_user, c.method, c.reason, '${t.table}', CAST(${t.id(row)} AS TEXT), '${action}', ${t.participant(row)}, o.v, n.v, p.h,
                 tc_audit_hash(p.h, c.at, c.by_user, c.method, c.reason, '${t.table}', CAST(${t.id(row)} AS TEXT), '${action}', ${t.participant(row)}, o.v, n.v)
          FROM temp.audit_ctx c,
               (SELECT ${oldJson} AS v) o,
               (SELECT ${newJson} AS v) n,
               (SELECT coalesce((SELECT hash FROM main.audit_log ORDER BY id DESC LIMIT 1), '') AS h) p;
        END`);
    }
  }
}

/** The name of a table's audit trigger for one kind of change. */
export function auditTrigger(table: string, event: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  return `audit_${table}_${event.toLowerCase()}`;
}

export type RowValues = Readonly<Record<string, string | number | null>>;

export function setAuditContext(db: WritableDB, ctx: AuditContext): void {
  db.prepare('DELETE FROM temp.audit_ctx').run();
  db.prepare('INSERT INTO temp.audit_ctx (at, by_user, method, reason) VALUES (?, ?, ?, ?)').run(ctx.at, ctx.by, ctx.method, ctx.reason ?? null);
}

export function clearAuditContext(db: WritableDB): void {
  db.prepare('DELETE FROM temp.audit_ctx').run();
}

/**
 * Seals the head of the chain after a write: its last row, hashed and keyed. Rows cut from the
 * end, or all of them, no longer reach the sealed head, and the seal cannot be made again
 * without the key. Called at the end of every write transaction (db/connection.ts).
 */
export function sealHead(db: WritableDB, at: string): void {
  const last = db.prepare('SELECT id, hash FROM main.audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
  if (!last) return;
  const head = db.prepare('SELECT last_id FROM main.audit_head WHERE id = 1').pluck().get() as number | undefined;
  if (head === last.id) return;
  db.prepare('INSERT INTO main.audit_head (id, last_id, last_hash, at, mac) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash, at = excluded.at, mac = excluded.mac').run(
    last.id,
    last.hash,
    at,
    headMac(auditKeyOf(db), last.id, last.hash),
  );
}

export interface AuditRow extends AuditRecord {
  readonly oldValues: string | null;
  readonly newValues: string | null;
}

export function auditRows(db: ReadableDB, participantId: number | null): AuditRow[] {
  const columns = `SELECT id, at, by_user AS by, method, reason, entity, entity_id AS entityId, action, participant_id AS participantId,
         old_values AS oldValues, new_values AS newValues FROM audit_log`;
  // Two statements, not "(? IS NULL OR participant_id = ?)": that form cannot use the index and
  // reads the whole trail for one participant.
  if (participantId === null) return db.prepare(`${columns} ORDER BY id`).all() as AuditRow[];
  return db.prepare(`${columns} WHERE participant_id = ? ORDER BY id`).all(participantId) as AuditRow[];
}
