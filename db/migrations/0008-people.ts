import type { WritableDB } from '../types.js';
import { appendMigrationAudit } from './legacy-audit.js';

// People sign in. Each person has roles (user_roles, one row per role) and a passphrase, kept
// only as a memory-hard hash in `credentials`, a table the audit trail never reads: who set a
// passphrase and when is on the audited users row (passphrase_set_at), the hash is not.
// sign_in_failures counts wrong passphrases for the lockout; like app_checks it is bookkeeping.
//
// People listed before sign-in existed keep their initials and have no passphrase yet: the
// first of them is the administrator, who sets one at the first start and then sets the others'.
export function up(db: WritableDB): void {
  db.exec(`
    ALTER TABLE users ADD COLUMN disabled_at TEXT;
    ALTER TABLE users ADD COLUMN disabled_reason TEXT;
    ALTER TABLE users ADD COLUMN passphrase_set_at TEXT;
    ALTER TABLE users ADD COLUMN must_change_passphrase INTEGER NOT NULL DEFAULT 0 CHECK (must_change_passphrase IN (0, 1));
    CREATE TABLE user_roles (
      initials TEXT NOT NULL REFERENCES users (initials),
      role     TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'investigator', 'unblinded', 'monitor')),
      PRIMARY KEY (initials, role)
    ) STRICT;
    CREATE TABLE credentials (
      initials TEXT PRIMARY KEY REFERENCES users (initials),
      hash     TEXT NOT NULL
    ) STRICT;
    CREATE TABLE sign_in_failures (
      initials     TEXT PRIMARY KEY,
      failures     INTEGER NOT NULL CHECK (failures >= 0),
      locked_until TEXT
    ) STRICT;
    INSERT INTO user_roles (initials, role)
      SELECT initials, 'admin' FROM users ORDER BY created_at, initials LIMIT 1;
    INSERT INTO user_roles (initials, role) SELECT initials, 'coordinator' FROM users;
  `);
  // The roles given here are records: they go in the trail like any other.
  const given = db.prepare("SELECT initials, role, json_object('initials', initials, 'role', role) AS v FROM user_roles ORDER BY initials, role").all() as { initials: string; role: string; v: string }[];
  appendMigrationAudit(
    db,
    'migration 8',
    'People listed before sign-in: the first is the administrator, everyone a coordinator',
    given.map((g) => ({ entity: 'user_roles', entityId: `${g.initials}:${g.role}`, action: 'insert', participantId: null, oldValues: null, newValues: g.v })),
  );
}
