import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupNow, dailyBackup, pruneBackups } from '../db/backup.js';
import { checkBackup, restoreBackup } from '../db/restore.js';
import { openDatabase } from '../db/connection.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { dumpTables, freshDb, SEEDS_DIR, serviceFor, tempDir } from './helpers/db.js';

function populated() {
  const db = freshDb();
  importSeedsOnFirstStart(db.conn, SEEDS_DIR);
  const r = serviceFor(db.conn).call('importParticipants', { protocolId: 'ucmsc-cirrhosis', by: 'CO', csv: 'study_id,initials,arm,day1,weight_kg,actual:infusion-1\nH-1,AB,QX7R2M,2025-01-06,70,2025-01-06\n' });
  expect(r.ok).toBe(true);
  return db;
}

describe('backups', () => {
  it('backup then restore gives back identical data, table by table; the current file is kept aside', async () => {
    const { conn, file } = populated();
    const before = dumpTables(conn);
    const backup = await backupNow(conn, { now: new Date('2025-06-20T10:00:00Z') });
    expect(path.basename(backup)).toBe('trial-coordinator-2025-06-20T10-00-00-000Z.sqlite');
    // A change after the backup, then the restore takes it back.
    conn.write({ by: 'test', method: 'test', at: '2025-06-20T11:00:00Z' }, (db) => db.prepare("INSERT INTO app_meta (key, value) VALUES ('after', 'x')").run());
    conn.close();
    const { keptAside } = restoreBackup(backup, file, { now: new Date('2025-06-20T12:00:00Z') });
    expect(keptAside && fs.existsSync(keptAside)).toBe(true);
    const restored = openDatabase(file);
    expect(dumpTables(restored)).toEqual(before);
    restored.close();
  });

  it('refuses to restore what is not a healthy database of ours, and changes nothing', () => {
    const dir = tempDir();
    const target = path.join(dir, 'live.sqlite');
    openDatabase(target).close();
    const before = fs.readFileSync(target);
    const junk = path.join(dir, 'junk.sqlite');
    fs.writeFileSync(junk, 'this is not a database at all, just text that goes on for a while '.repeat(20));
    expect(() => restoreBackup(junk, target)).toThrow(/not a SQLite database|damaged/);
    expect(() => restoreBackup(path.join(dir, 'missing.sqlite'), target)).toThrow(/does not exist/);
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
  });

  it('refuses to restore while the database is open anywhere in the app, even only for reading', async () => {
    const { conn, file } = populated();
    const backup = await backupNow(conn);
    expect(() => restoreBackup(backup, file)).toThrow(/open in Trial Coordinator/);
    conn.close();
    expect(restoreBackup(backup, file).keptAside).not.toBeNull();
  });

  it('backs up at most once a day at start, and keeps the newest N', async () => {
    const { conn } = populated();
    expect(await dailyBackup(conn, new Date('2025-06-20T08:00:00Z'))).not.toBeNull();
    expect(await dailyBackup(conn, new Date('2025-06-20T18:00:00Z'))).toBeNull();
    expect(await dailyBackup(conn, new Date('2025-06-21T08:00:00Z'))).not.toBeNull();
    await backupNow(conn, { now: new Date('2025-06-22T08:00:00Z') });
    const last = await backupNow(conn, { now: new Date('2025-06-23T08:00:00Z') });
    expect(checkBackup(last).schemaVersion).toBeGreaterThan(0);
    const dir = path.dirname(last);
    expect(fs.readdirSync(dir), String(fs.readdirSync(dir))).toHaveLength(4);
    expect(pruneBackups(dir, 2)).toHaveLength(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['trial-coordinator-2025-06-22T08-00-00-000Z.sqlite', 'trial-coordinator-2025-06-23T08-00-00-000Z.sqlite']);
    conn.close();
  });
});
