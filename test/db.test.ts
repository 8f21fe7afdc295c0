import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { DatabaseFromFutureError } from '../db/errors.js';
import { migrate } from '../db/migrate.js';
import { MIGRATIONS, type Migration } from '../db/migrations/index.js';
import type { WritableDB } from '../db/types.js';
import { fileKeys } from '../db/keys.js';
import { addTestPerson, freshDb, serviceFor, tempDir } from './helpers/db.js';

describe('database and migrations', () => {
  it('opens in WAL mode with foreign keys on, STRICT tables and the latest schema version', () => {
    const { conn } = freshDb();
    conn.read((db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as { name: string; sql: string }[];
      expect(tables.length).toBeGreaterThan(0);
      for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*(?:WITHOUT ROWID,\s*)?STRICT$/);
    });
    conn.close();
  });

  it('refuses a database from a newer version and leaves the file untouched', () => {
    const dir = tempDir();
    const file = path.join(dir, 'future.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseFromFutureError);
    expect(() => openDatabase(file)).toThrow(/newer version of Trial Coordinator \(schema 999/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('backs the file up before migrating an existing database, and applies pending migrations', () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.sqlite');
    openDatabase(file).close();
    const extra: Migration = { version: MIGRATIONS.at(-1)!.version + 1, name: 'extra', up: (db) => db.exec('CREATE TABLE extra (x INTEGER) STRICT') };
    const db = new Database(file) as WritableDB;
    const result = migrate(db, { keys: fileKeys() }, [...MIGRATIONS, extra], new Date('2026-01-02T03:04:05Z'));
    expect(result.from).toBe(MIGRATIONS.at(-1)!.version);
    expect(result.to).toBe(extra.version);
    expect(result.backup).not.toBeNull();
    expect(fs.existsSync(result.backup!)).toBe(true);
    const backup = new Database(result.backup!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    backup.close();
    expect(db.pragma('user_version', { simple: true })).toBe(extra.version);
    db.close();
  });

  it('moves the visit count triggers out of the file (migration 7): each connection keeps the count with its own', () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.sqlite');
    const old = new Database(file) as WritableDB;
    migrate(old, { keys: fileKeys() }, MIGRATIONS.filter((m) => m.version <= 6));
    const triggers = (db: Database.Database, schema: string) =>
      (db.prepare(`SELECT name FROM ${schema} WHERE type = 'trigger' AND name LIKE 'visit_counts_%' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(triggers(old, 'sqlite_schema')).toEqual(['visit_counts_delete', 'visit_counts_insert', 'visit_counts_update']);
    old.close();
    const conn = openDatabase(file);
    conn.read((db) => {
      expect(triggers(db as unknown as Database.Database, 'sqlite_schema')).toEqual([]);
      expect(triggers(db as unknown as Database.Database, 'sqlite_temp_schema')).toEqual(['visit_counts_delete', 'visit_counts_insert', 'visit_counts_update']);
    });
    conn.close();
  });

  it('a failing migration changes nothing: no tables, no version', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'x.sqlite')) as WritableDB;
    const broken: Migration[] = [
      { version: 1, name: 'ok', up: (d) => d.exec('CREATE TABLE a (x INTEGER) STRICT') },
      { version: 2, name: 'broken', up: (d) => d.exec('CREATE TABLE b (x NOPE_TYPE) STRICT') },
    ];
    expect(() => migrate(db, { keys: fileKeys() }, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('write() is all or nothing', () => {
    const { conn } = freshDb();
    expect(() =>
      conn.write({ by: 'test', method: 'test', at: '2026-01-01T00:00:00Z' }, (db) => {
        db.prepare("INSERT INTO app_meta (key, value) VALUES ('a', '1')").run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(conn.read((db) => db.prepare("SELECT count(*) AS n FROM app_meta WHERE key = 'a'").get())).toEqual({ n: 0 });
    conn.close();
  });
});

describe('two writers on one file', () => {
  it('the second gets a clear busy message and changes nothing; the first is unharmed', async () => {
    const { file, conn } = freshDb();
    addTestPerson(conn, 'AD', ['admin']);
    const other = openDatabase(file, { busyTimeoutMs: 50 });
    const { call } = serviceFor(other);
    const add = { initials: 'AB', name: 'A B', roles: ['coordinator'], passphrase: 'a long enough passphrase' };
    conn.read((db) => db.exec('BEGIN IMMEDIATE'));
    const r = call('addUser', add, { kind: 'person', initials: 'AD' });
    expect(r).toEqual({ ok: false, error: { code: 'database', message: 'The database is busy: another Trial Coordinator process is writing. Try again.', details: [] } });
    conn.read((db) => db.exec('COMMIT'));
    expect(call('addUser', add, { kind: 'person', initials: 'AD' }).ok).toBe(true);
    expect(conn.read((db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
    other.close();
    conn.close();
  });
});
