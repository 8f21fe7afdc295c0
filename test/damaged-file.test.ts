import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../db/checks.js';
import { openDatabase } from '../db/connection.js';
import { addTestPerson, tempDir } from './helpers/db.js';

// A damaged page anywhere in the file is reported as damage, in words: a table's page made
// SQLite's own check stop with its error ("database disk image is malformed"), which the start-up
// checks passed on as a check that could not run.
function damaged(name: string) {
  const file = path.join(tempDir(), 'db.sqlite');
  const conn = openDatabase(file);
  addTestPerson(conn, 'CO', ['coordinator']);
  conn.read((db) => db.pragma('wal_checkpoint(TRUNCATE)'));
  const page = conn.read((db) => db.prepare('SELECT pageno FROM dbstat WHERE name = ?').pluck().get(name) as number) - 1;
  conn.close();
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  bytes.fill(0x5a, page * pageSize, page * pageSize + pageSize);
  fs.writeFileSync(file, bytes);
  return openDatabase(file, { migrate: false });
}

describe('a damaged file', () => {
  for (const name of ['visits', 'participants', 'audit_log', 'visits_by_day'])
    it(`a damaged page of ${name} is named as damage`, () => {
      const conn = damaged(name);
      const outcome = runChecks(conn);
      conn.close();
      expect(outcome.ok).toBe(false);
      expect(outcome.problems[0]).toMatch(/^The database file is damaged/);
      expect(outcome.problems.join(' ')).not.toMatch(/malformed|could not be checked/);
    });
});
