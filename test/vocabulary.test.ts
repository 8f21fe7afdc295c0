// One vocabulary: the schema's CHECK lists are the constants of core/vocabulary.ts, and no other
// file writes a status list out again, so that adding a visit status touches core/vocabulary.ts,
// a new migration (the CHECK), db/migrations/index.ts, and styles.css (how it looks): four files.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARTICIPANT_STATUSES, ROLES, SEXES, VISIT_STATUSES } from '../core/vocabulary.js';
import { freshDb } from './helpers/db.js';

/** The values a column's CHECK (col IN (...)) allows, read from the schema SQLite holds. */
function checkList(sql: string, column: string): string[] {
  const m = new RegExp(`CHECK \\(${column} IN \\(([^)]*)\\)\\)`).exec(sql);
  if (!m) throw new Error(`no CHECK list for ${column}`);
  return m[1]!.split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
}

const ROOT = path.resolve(import.meta.dirname, '..');
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|tsx)$/.test(e.name) ? [rel] : [];
  });
}

describe('one vocabulary', () => {
  it('the database’s CHECK lists are the constants of core/vocabulary.ts', () => {
    const { conn } = freshDb();
    const sqlOf = (table: string) => conn.read((db) => db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as string);
    expect(checkList(sqlOf('visits'), 'status')).toEqual([...VISIT_STATUSES]);
    expect(checkList(sqlOf('participants'), 'status')).toEqual([...PARTICIPANT_STATUSES]);
    expect(checkList(sqlOf('participants'), 'sex')).toEqual([...SEXES]);
    expect(checkList(sqlOf('user_roles'), 'role')).toEqual([...ROLES]);
    conn.close();
  });

  it('no file outside core/vocabulary.ts and the migrations writes a status, role or sex list out again', () => {
    const lists = [VISIT_STATUSES, PARTICIPANT_STATUSES, ROLES, SEXES].map((l) => l.map((v) => `'${v}'`).join(', '));
    const offenders: string[] = [];
    for (const file of ['core', 'db', 'cli', 'electron', 'renderer/src'].flatMap(sources)) {
      if (file === path.join('core', 'vocabulary.ts') || file.startsWith(path.join('db', 'migrations'))) continue;
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\s+/g, ' ');
      for (const list of lists) if (text.includes(list)) offenders.push(`${file}: ${list}`);
    }
    expect(offenders).toEqual([]);
  });
});
