import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';

// A large import's commit leaves its log to be copied into the file by a thread of the
// connection's own (db/checkpointer.ts), instead of copying it itself.

const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);

/** A cirrhosis file large enough that its log passes SQLite's automatic checkpoint (1,000 pages). */
function cirrhosisCsv(n: number): string {
  const lines = ['study_id,initials,arm,day1,weight_kg'];
  for (let i = 1; i <= n; i++) lines.push(`L-${i},AB,${i % 2 ? 'low' : 'high'},2025-0${1 + (i % 6)}-1${i % 10},60`);
  return lines.join('\n');
}

describe('the log after a large import', () => {
  it('is copied into the file by the connection’s own thread once the import has committed, and nothing is left of it after the close', () => {
    const { conn, file } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok } = serviceFor(conn, new Date('2025-08-01T09:00:00'));
    // The seeds' log folded in first, so that what follows is the import's alone.
    conn.read((db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    const before = size(file);

    const result = ok<{ imported: number; visits: number }>('importParticipants', { protocolId: 'hucmsc-decompensated-cirrhosis', csv: cirrhosisCsv(2000), by: 'CO' });
    expect(result.imported).toBe(2000);
    // The commit returned with the import in the log only: the file itself has not grown. (The
    // thread is started by the commit and only begins once it has loaded, long after this.)
    const log = size(`${file}-wal`);
    expect(log).toBeGreaterThan(1000 * 4096);
    expect(size(file)).toBe(before);

    // The thread's checkpoint copies it all: the file then holds the import, and the log's
    // every frame is in it.
    expect(conn.settleLog()).toBe(1);
    expect(size(file)).toBeGreaterThan(before + 1000 * 4096);
    const other = new Database(file, { readonly: true });
    try {
      const [frames] = other.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      expect(frames!.log).toBe(frames!.checkpointed);
      expect(other.prepare("SELECT count(*) FROM participants WHERE study_id LIKE 'L-%'").pluck().get()).toBe(2000);
    } finally {
      other.close();
    }

    // Everyday writes after it keep SQLite's own automatic checkpoint.
    expect(conn.read((db) => db.pragma('wal_autocheckpoint', { simple: true }))).toBe(1000);
    conn.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const again = openDatabase(file);
    try {
      expect(again.read((db) => db.prepare("SELECT count(*) FROM visits v JOIN participants p ON p.id = v.participant_id WHERE p.study_id LIKE 'L-%'").pluck().get())).toBe(result.visits);
    } finally {
      again.close();
    }
  });

  it('closes at once while a checkpoint is under way, and the close folds in the rest', () => {
    const { conn, file } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok } = serviceFor(conn, new Date('2025-08-01T09:00:00'));
    ok('importParticipants', { protocolId: 'hucmsc-decompensated-cirrhosis', csv: cirrhosisCsv(2000), by: 'CO' });
    // Closed right after the commit: the thread has had no time to load.
    conn.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const again = new Database(file, { readonly: true });
    try {
      expect(again.prepare("SELECT count(*) FROM participants WHERE study_id LIKE 'L-%'").pluck().get()).toBe(2000);
    } finally {
      again.close();
    }
  });
});
