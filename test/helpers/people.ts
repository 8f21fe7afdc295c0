// Test people, written straight into a database (no test runner needed: the e2e fixtures use it too).
import crypto from 'node:crypto';
import { ROLES } from '../../core/vocabulary.js';
import type { Connection } from '../../db/connection.js';

/** Every test person's passphrase. */
export const TEST_PASSPHRASE = 'a test passphrase';

/**
 * A scrypt hash of the test passphrase at a low cost, so that tests sign in quickly. The app
 * hashes at OWASP's cost (db/people.ts); a hash records its own cost, and is read at that cost.
 */
export function cheapHash(passphrase = TEST_PASSPHRASE): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(passphrase, salt, 32, { N: 1024, r: 8, p: 1 });
  return ['scrypt', 1024, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * A person for tests, written straight into the tables (an administrator would add them through
 * the API): by default every role, so that a test exercises the method and not the role rules
 * (test/roles.test.ts does those). The passphrase is hashed at a low cost unless a hash is given.
 */
export function addTestPerson(conn: Connection, initials: string, roles: readonly string[] = ROLES, name = `Person ${initials}`, hash = cheapHash()): void {
  if (conn.read((db) => db.prepare('SELECT 1 FROM users WHERE initials = ?').get(initials))) return;
  // The users and user_roles rows are records: written, and audited, as the API writes them.
  conn.write({ by: initials, method: 'test', reason: 'test person', at: new Date().toISOString() }, (db) => {
    db.prepare('INSERT INTO users (initials, name, created_at, passphrase_set_at) VALUES (?, ?, ?, ?)').run(initials, name, new Date().toISOString(), new Date().toISOString());
    for (const r of roles) db.prepare('INSERT INTO user_roles (initials, role) VALUES (?, ?)').run(initials, r);
    db.prepare('INSERT INTO credentials (initials, hash) VALUES (?, ?)').run(initials, hash);
  });
}
