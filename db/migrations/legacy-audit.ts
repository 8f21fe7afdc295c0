// Audit rows written by a migration, before the trail was keyed (migration 10 keys it): chained
// with plain SHA-256, as the app chained them then. Migration 10 checks this chain whole before it
// seals it again with the site's key.
import crypto from 'node:crypto';
import type { WritableDB } from '../types.js';

export const LEGACY_HASH_FIELDS = ['prev_hash', 'at', 'by_user', 'method', 'reason', 'entity', 'entity_id', 'action', 'participant_id', 'old_values', 'new_values'] as const;

export function legacyAuditHash(...fields: unknown[]): string {
  return crypto.hash('sha256', JSON.stringify(fields), 'hex');
}

export interface MigrationAuditRow {
  readonly entity: string;
  readonly entityId: string;
  readonly action: 'insert' | 'update';
  readonly participantId: number | null;
  readonly oldValues: string | null;
  readonly newValues: string;
}

/** Appends rows for what a migration changed in record tables, with who (the app) and why. */
export function appendMigrationAudit(db: WritableDB, migration: string, reason: string, rows: readonly MigrationAuditRow[]): void {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, by_user, method, reason, entity, entity_id, action, participant_id, old_values, new_values, prev_hash, hash)
     VALUES (?, 'system', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let prev = (db.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined) ?? '';
  const at = new Date().toISOString();
  for (const r of rows) {
    const hash = legacyAuditHash(prev, at, 'system', migration, reason, r.entity, r.entityId, r.action, r.participantId, r.oldValues, r.newValues);
    insert.run(at, migration, reason, r.entity, r.entityId, r.action, r.participantId, r.oldValues, r.newValues, prev, hash);
    prev = hash;
  }
}
