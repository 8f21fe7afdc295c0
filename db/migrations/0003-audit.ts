import type { WritableDB } from '../types.js';

// The audit trail: one row per entity changed, chained by hashes, append-only. Rows are written
// by the connection's audit triggers (db/audit.ts), never by hand.
export function up(db: WritableDB): void {
  db.exec(`
    CREATE TABLE audit_log (
      id             INTEGER PRIMARY KEY,
      at             TEXT NOT NULL,
      by_user        TEXT NOT NULL,
      method         TEXT NOT NULL,
      reason         TEXT,
      entity         TEXT NOT NULL,
      entity_id      TEXT NOT NULL,
      action         TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
      participant_id INTEGER,
      old_values     TEXT,
      new_values     TEXT,
      prev_hash      TEXT NOT NULL,
      hash           TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_by_participant ON audit_log (participant_id, id) WHERE participant_id IS NOT NULL;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    -- Who works here: chosen at start, written beside every change.
    CREATE TABLE users (
      initials   TEXT PRIMARY KEY CHECK (initials GLOB '[A-Z]*' AND length(initials) BETWEEN 1 AND 8),
      name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `);
}
