import { describe, expect, it } from 'vitest';
import { runChecks } from '../db/checks.js';
import { openDatabase } from '../db/connection.js';
import { fileWithDamagedPage } from './helpers/db.js';

// A damaged page anywhere in the file is reported as damage, in words: a table's page made
// SQLite's own check stop with its error ("database disk image is malformed"), which the start-up
// checks passed on as a check that could not run.
const damaged = (name: string) => openDatabase(fileWithDamagedPage(name), { migrate: false });

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
