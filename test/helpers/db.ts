import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type Connection } from '../../db/connection.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-test-'));
  dirs.push(d);
  return d;
}

/** A fresh database file through the same migrations as production. */
export function freshDb(): { conn: Connection; file: string; dir: string } {
  const dir = tempDir();
  const file = path.join(dir, 'test.sqlite');
  return { conn: openDatabase(file), file, dir };
}

/** Every user table's rows, for comparing a database before and after an operation. */
export function dumpTables(conn: Connection): Record<string, unknown[]> {
  return conn.read((db) => {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
  });
}

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SEEDS_DIR = path.join(ROOT, 'seeds');
