import crypto from 'node:crypto';
import { AppError } from '../errors.js';
import { newSiteId } from '../keys.js';
import type { WritableDB } from '../types.js';
import type { MigrationContext } from './types.js';
import { appendMigrationAudit, LEGACY_HASH_FIELDS, legacyAuditHash } from './legacy-audit.js';

/** The file's application id: "TCDB". A restore refuses a SQLite file without it. */
export const APPLICATION_ID = 0x54434442;

/** The record tables the guard triggers stand on (db/audit.ts AUDITED, and the trail's head). */
export const GUARDED = [
  'protocols',
  'protocol_versions',
  'participants',
  'eligibility_answers',
  'eligibility_signatures',
  'randomization_lists',
  'randomization_slots',
  'unblindings',
  'visits',
  'doses',
  'app_meta',
  'users',
  'user_roles',
  'audit_head',
] as const;

export function guardTrigger(table: string, event: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  return `guard_${table}_${event.toLowerCase()}`;
}

export function guardSql(table: string, event: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  return `CREATE TRIGGER ${guardTrigger(table, event)} BEFORE ${event} ON ${table} BEGIN SELECT tc_record_guard(); END`;
}

// The trail keyed with the site's secret. Each database gets a site id, and the site a key kept
// outside the file (db/keys.ts). The chain so far (SHA-256) is checked whole, then sealed again
// row by row with HMAC-SHA-256 under the key, values unchanged; a broken chain is not sealed
// (that would launder whatever broke it). Its head, sealed too, goes in audit_head, so that rows
// cut from the end are found. Guard triggers stored in the file call a function only the app's
// connections have: a plain SQLite tool cannot change a record without dropping them first.
// The index finds each record's latest audit row, for the check that records match their trail.
export function up(db: WritableDB, ctx: MigrationContext): void {
  const existing = db.prepare("SELECT value FROM app_meta WHERE key = 'site_id'").pluck().get() as string | undefined;
  const siteId = existing ?? ctx.siteId ?? newSiteId();
  const key = ctx.keys.load(siteId) ?? ctx.keys.create(siteId);
  if (!existing) {
    db.prepare("INSERT INTO app_meta (key, value) VALUES ('site_id', ?)").run(siteId);
    appendMigrationAudit(db, 'migration 10', 'The site id, which names the site’s audit key', [
      { entity: 'app_meta', entityId: 'site_id', action: 'insert', participantId: null, oldValues: null, newValues: JSON.stringify({ key: 'site_id', value: siteId }) },
    ]);
  }

  const rows = db.prepare(`SELECT id, hash, ${LEGACY_HASH_FIELDS.join(', ')} FROM audit_log ORDER BY id`).all() as (Record<string, unknown> & { id: number; hash: string; prev_hash: string })[];
  let prev = '';
  rows.forEach((r, i) => {
    const at = i + 1;
    const ok = r.id === at && r.prev_hash === prev && legacyAuditHash(...LEGACY_HASH_FIELDS.map((f) => r[f])) === r.hash;
    if (!ok)
      throw new AppError(
        'database',
        `The audit trail is broken at row ${at}. This version seals the trail with the site's key only when it is whole; nothing was changed. Restore a backup made before the break, or keep this file for inspection.`,
      );
    prev = r.hash;
  });
  const hmac = (...fields: unknown[]) => crypto.createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
  db.exec('DROP TRIGGER audit_log_no_update');
  const reseal = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
  prev = '';
  for (const r of rows) {
    const hash = hmac(prev, ...LEGACY_HASH_FIELDS.slice(1).map((f) => r[f]));
    reseal.run(prev, hash, r.id);
    prev = hash;
  }
  db.exec(`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TABLE audit_head (
      id        INTEGER PRIMARY KEY CHECK (id = 1),
      last_id   INTEGER NOT NULL,
      last_hash TEXT NOT NULL,
      at        TEXT NOT NULL,
      mac       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_by_entity ON audit_log (entity, entity_id, id);
  `);
  if (rows.length) {
    const last = rows.length;
    db.prepare('INSERT INTO audit_head (id, last_id, last_hash, at, mac) VALUES (1, ?, ?, ?, ?)').run(
      last,
      prev,
      new Date().toISOString(),
      crypto.createHmac('sha256', key).update(JSON.stringify(['head', last, prev])).digest('hex'),
    );
  }
  for (const t of GUARDED) for (const e of ['INSERT', 'UPDATE', 'DELETE'] as const) db.exec(guardSql(t, e));
  db.pragma(`application_id = ${APPLICATION_ID}`);
}
