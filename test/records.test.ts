// Records you can trust: what an attacker with the file, or an unlucky site, can do to the
// trail and the records, and that each is found or refused. Each case here was reproduced on the
// version before this one (see the issue), and written so that it failed there.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { auditAnchor, verifyAgainst, verifyAudit, verifyRecords } from '../db/audit-verify.js';
import { backupNowSync } from '../db/backup.js';
import { runChecks } from '../db/checks.js';
import { openDatabase } from '../db/connection.js';
import { restoreBackup } from '../db/restore.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { cli } from './helpers/cli.js';
import { addTestPerson, freshDb, SEEDS_DIR, serviceFor, tempDir, TEST_PASSPHRASE } from './helpers/db.js';

/** A small site: a blinded participant with a dose, unblinded once. */
function site() {
  const { conn, file, dir } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const { ok, enroll } = serviceFor(conn);
  const s = ok('screenParticipant', { protocolId: 'ucmsc-sepsis', studyId: 'S-1', initials: 'AB', ageYears: 40, sex: 'male', weightKg: 70, consentDate: '2025-06-01', by: 'JS' });
  ok('answerEligibility', { participantId: s.participant.id, by: 'JS', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
  const d = enroll({ participantId: s.participant.id, day1: '2025-06-10', by: 'JS' });
  ok('markVisitDone', { visitId: d.visits[0]!.id, actualDate: '2025-06-10', dose: { lotNumber: 'LOT-1', givenAt: '2025-06-10T09:00', weightKg: 70 }, by: 'JS' });
  ok('unblindParticipant', { participantId: s.participant.id, reason: 'SAE', passphrase: TEST_PASSPHRASE, by: 'UB' });
  return { conn, file, dir, participantId: s.participant.id };
}

/** What a plain SQLite tool can do with the file: the app's guards dropped first. */
function tamper(file: string, sql: string) {
  const evil = new Database(file);
  try {
    const guards = evil.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name LIKE 'guard_%' OR name LIKE 'audit_log_no_%')").pluck().all() as string[];
    for (const g of guards) evil.exec(`DROP TRIGGER "${g}"`);
    evil.exec(sql);
  } finally {
    evil.close();
  }
}

function checked(file: string) {
  const conn = openDatabase(file);
  try {
    return conn.read((db) => ({ chain: verifyAudit(db), records: verifyRecords(db) }));
  } finally {
    conn.close();
  }
}

const copyOf = (file: string, name: string) => {
  const to = path.join(path.dirname(file), name);
  const src = new Database(file);
  src.prepare('VACUUM INTO ?').run(to);
  src.close();
  return to;
};

describe('the trail proves itself', () => {
  it('cutting the last row, the last five, or all of them is found', () => {
    const { conn, file } = site();
    const rows = conn.read((db) => db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number);
    conn.close();
    for (const [name, cut] of [
      ['last', `DELETE FROM audit_log WHERE id = ${rows}`],
      ['five', `DELETE FROM audit_log WHERE id > ${rows - 5}`],
      ['all', 'DELETE FROM audit_log'],
    ] as const) {
      const copy = copyOf(file, `cut-${name}.sqlite`);
      tamper(copy, cut);
      const { chain } = checked(copy);
      expect(chain, name).toMatchObject({ ok: false });
      expect(chain.ok ? '' : chain.problem, name).toMatch(/removed from the end of the trail/);
      const r = cli(['--db', copy, 'audit', 'verify']);
      expect(r.code, name).toBe(3);
    }
  });

  it('a chain written again without the key (an edited lot and recorder, the unblinding removed, every hash recomputed) is found', () => {
    const { conn, file } = site();
    conn.close();
    // The attacker has the file, not the key: the hashes they can make are plain SHA-256, or HMACs with a key they guess.
    const evil = new Database(file);
    for (const g of evil.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name LIKE 'guard_%' OR name LIKE 'audit_log_no_%')").pluck().all() as string[]) evil.exec(`DROP TRIGGER "${g}"`);
    evil.exec("UPDATE doses SET lot_number = 'LOT-9', recorded_by = 'XX'");
    const unblindRow = evil.prepare("SELECT id FROM audit_log WHERE entity = 'unblindings'").pluck().get() as number;
    evil.exec('DELETE FROM unblindings');
    evil.prepare('DELETE FROM audit_log WHERE id = ?').run(unblindRow);
    evil.exec(
      `UPDATE audit_log SET new_values = json_set(new_values, '$.lot_number', 'LOT-9', '$.recorded_by', 'XX') WHERE entity = 'doses';
       UPDATE audit_log SET id = id - 1 WHERE id > ${unblindRow}`,
    );
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const fields = ['prev_hash', 'at', 'by_user', 'method', 'reason', 'entity', 'entity_id', 'action', 'participant_id', 'old_values', 'new_values'];
    let prev = '';
    for (const r of evil.prepare(`SELECT id, ${fields.join(', ')} FROM audit_log ORDER BY id`).all() as Record<string, unknown>[]) {
      const hash = crypto.createHmac('sha256', 'a guessed key').update(JSON.stringify([prev, ...fields.slice(1).map((f) => r[f])])).digest('hex');
      evil.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, r.id);
      prev = hash;
    }
    const last = evil.prepare('SELECT max(id) FROM audit_log').pluck().get() as number;
    evil.prepare('UPDATE audit_head SET last_id = ?, last_hash = ?').run(last, prev);
    evil.close();
    const { chain } = checked(file);
    expect(chain).toMatchObject({ ok: false, firstBadId: 1 });
    // And the app's start-up checks find it too: nothing more is written.
    const conn2 = openDatabase(file);
    expect(runChecks(conn2)).toMatchObject({ ok: false });
    conn2.close();
  });

  it('a plain SQLite tool cannot change a record: the file’s guards call a function only the app has', () => {
    const { conn, file } = site();
    conn.close();
    const plain = new Database(file);
    expect(() => plain.exec("UPDATE doses SET lot_number = 'X'")).toThrow(/no such function: tc_record_guard/);
    expect(() => plain.exec("INSERT INTO app_meta (key, value) VALUES ('x', 'y')")).toThrow(/no such function: tc_record_guard/);
    expect(() => plain.exec('DELETE FROM visits')).toThrow(/no such function: tc_record_guard/);
    expect(() => plain.exec('DELETE FROM audit_head')).toThrow(/no such function: tc_record_guard/);
    plain.close();
  });

  it('a record edited with another tool (guards dropped) is named by table, id and column; one added or removed too', () => {
    const { conn, file } = site();
    const doseId = conn.read((db) => db.prepare('SELECT id FROM doses').pluck().get() as number);
    conn.close();
    tamper(file, "UPDATE doses SET lot_number = 'LOT-9'; INSERT INTO app_meta (key, value) VALUES ('sneaky', '1'); DELETE FROM unblindings;");
    const { chain, records } = checked(file);
    expect(chain.ok).toBe(true);
    expect(records.map((r) => r.problem)).toEqual(
      expect.arrayContaining([
        `doses ${doseId}, column lot_number: the trail says "LOT-1", the table holds "LOT-9"`,
        'app_meta sneaky is not in the audit trail: it was written without the app',
        expect.stringMatching(/^unblindings \d+ was removed without the app: the trail says it exists$/),
      ]),
    );
    const r = cli(['--db', file, 'audit', 'verify']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`Record changed without the app: doses ${doseId}, column lot_number`);
  });

  it('a receipt anchors the head outside the file: a file put back to an earlier state no longer extends it', () => {
    const { conn, file, dir } = site();
    const before = copyOf(file, 'earlier.sqlite');
    const { ok } = serviceFor(conn);
    ok('setSetting', { key: 'site_name', value: 'Liver Unit', by: 'AD' });
    const receipt = path.join(dir, 'receipt.json');
    conn.close();
    const r = cli(['--db', file, 'audit', 'receipt', '--out', receipt]);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(receipt, 'utf8'))).toMatchObject({ kind: 'trial-coordinator-audit-receipt', rows: expect.any(Number), lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(cli(['--db', file, 'audit', 'verify', '--against', receipt])).toMatchObject({ code: 0 });
    // The same site's file as it was before: its chain is whole, but it does not reach the receipt.
    const rolledBack = cli(['--db', before, 'audit', 'verify', '--against', receipt]);
    expect(rolledBack.code).toBe(3);
    expect(rolledBack.stdout).toMatch(/The trail does not extend the anchor: the trail has \d+ rows; the anchor of .* saw \d+/);
    // A backup is an anchor too.
    expect(cli(['--db', file, 'audit', 'verify', '--against', before]).code).toBe(0);
    const live = openDatabase(before);
    expect(live.read((db) => verifyAgainst(db, JSON.parse(fs.readFileSync(receipt, 'utf8')) as ReturnType<typeof auditAnchor>))).toMatchObject({ ok: false });
    live.close();
  });
});

describe('restore loses nothing', () => {
  it('refused while any process of the app has the database open; the live file is untouched', () => {
    const { conn, file, dir } = site();
    const backup = backupNowSync(conn, { out: path.join(dir, 'b.sqlite') });
    // The CLI in another process, while this one (the app) has the file open.
    const r = cli(['--db', file, 'restore', backup], { TRIALCOORD_USER: 'JS', TRIALCOORD_PASSPHRASE: TEST_PASSPHRASE });
    expect([r.code, r.stderr]).toEqual([2, 'error: The database is open in Trial Coordinator (the desktop app, browser mode or another command). Close it, then restore; nothing was changed.\n']);
    expect(fs.readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
    conn.close();
  });

  it('a copy with its write-ahead log beside it is restored whole', () => {
    const { conn, file, dir } = site();
    // A WAL-mode copy of the file and its log, as someone would copy the two files by hand.
    const wal = path.join(dir, 'walcopy.sqlite');
    conn.read((db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    fs.copyFileSync(file, wal);
    const { ok } = serviceFor(conn);
    ok('setSetting', { key: 'site_name', value: 'Only in the log', by: 'AD' });
    fs.copyFileSync(`${file}-wal`, `${wal}-wal`);
    const expected = conn.read((db) => db.prepare('SELECT count(*) FROM audit_log').pluck().get());
    conn.close();
    restoreBackup(wal, path.join(dir, 'restored.sqlite'));
    const back = openDatabase(path.join(dir, 'restored.sqlite'));
    expect(back.read((db) => db.prepare("SELECT value FROM app_meta WHERE key = 'site_name'").pluck().get())).toBe('Only in the log');
    expect(back.read((db) => db.prepare('SELECT count(*) FROM audit_log').pluck().get())).toBe(expected);
    back.close();
  });

  it('refuses a backup with a broken chain, a foreign SQLite file, the file itself; the target is untouched', () => {
    const { conn, file, dir } = site();
    const good = backupNowSync(conn, { out: path.join(dir, 'good.sqlite') });
    conn.close();
    const before = fs.readFileSync(file);
    const broken = copyOf(good, 'broken.sqlite');
    tamper(broken, "UPDATE audit_log SET reason = 'x' WHERE id = 3");
    expect(() => restoreBackup(broken, file)).toThrow(/broken audit trail \(row 3/);
    const foreign = path.join(dir, 'foreign.sqlite');
    const f = new Database(foreign);
    f.exec('CREATE TABLE protocols (id TEXT PRIMARY KEY); INSERT INTO protocols VALUES (1)');
    f.pragma('user_version = 10');
    f.close();
    expect(() => restoreBackup(foreign, file)).toThrow(/is not a Trial Coordinator database/);
    expect(() => restoreBackup(file, file)).toThrow(/is the database itself/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.includes('before-restore') || n.includes('restoring'))).toEqual([]);
  });

  it('running out of disk while copying leaves the database as it was, and nothing half-written', () => {
    const { conn, file, dir } = site();
    const good = backupNowSync(conn, { out: path.join(dir, 'good.sqlite') });
    conn.close();
    const before = fs.readFileSync(file);
    const full = (from: string, to: string) => {
      fs.writeFileSync(to, fs.readFileSync(from).subarray(0, 4096));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    expect(() => restoreBackup(good, file, { copy: full })).toThrow('The backup could not be copied beside the database (the disk is full); nothing was changed.');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.includes('before-restore') || n.includes('restoring'))).toEqual([]);
    // And a good restore puts the backup in place, the current file kept aside.
    const { keptAside } = restoreBackup(good, file);
    expect(keptAside && fs.readFileSync(keptAside).equals(before)).toBe(true);
  });
});

describe('private to the user', () => {
  it('the database, its log, backups and the key are readable by this user only; the folders too', () => {
    const dir = tempDir();
    const file = path.join(dir, 'site', 'db.sqlite');
    const conn = openDatabase(file);
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const backup = backupNowSync(conn);
    const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);
    expect(mode(file)).toBe('600');
    expect(mode(`${file}-wal`)).toBe('600');
    expect(mode(backup)).toBe('600');
    expect(mode(path.dirname(backup))).toBe('700');
    expect(mode(path.dirname(file))).toBe('700');
    const keyDir = process.env.TRIALCOORD_KEY_DIR!;
    expect(mode(keyDir)).toBe('700');
    expect(mode(path.join(keyDir, `${conn.siteId}.key`))).toBe('600');
    conn.close();
  });
});

describe('a damaged file is never written', () => {
  it('a corrupt page: the command line refuses to write, and the start-up checks fail so nothing is written or backed up', () => {
    const { conn, file, dir } = site();
    conn.read((db) => db.pragma('wal_checkpoint(TRUNCATE)'));
    conn.close();
    // Scribble over a page in the middle of the file, as a failing disk would.
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const page = Math.floor(bytes.length / pageSize / 2);
    bytes.fill(0x5a, page * pageSize, page * pageSize + pageSize);
    fs.writeFileSync(file, bytes);
    const r = cli(['--db', file, 'settings', 'set', 'site_name', 'X'], { TRIALCOORD_USER: 'JS', TRIALCOORD_PASSPHRASE: TEST_PASSPHRASE });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: (Nothing was written: the database file is damaged|The database file is not a Trial Coordinator database, or it is damaged)/);
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });
});

describe('a damaged file can be replaced', () => {
  const scribble = (file: string, where: 'middle' | 'header') => {
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    if (where === 'header') bytes.fill(0x5a, 0, 100);
    else {
      const page = Math.floor(bytes.length / pageSize / 2);
      bytes.fill(0x5a, page * pageSize, page * pageSize + pageSize);
    }
    fs.writeFileSync(file, bytes);
  };

  for (const where of ['middle', 'header'] as const)
    it(`a corrupt ${where === 'middle' ? 'page' : 'file header'}: the command line restores a good backup over it, keeping the damaged file aside`, () => {
      const { conn, file, dir } = site();
      const backup = backupNowSync(conn, { out: path.join(dir, 'good.sqlite') });
      conn.read((db) => db.pragma('wal_checkpoint(TRUNCATE)'));
      conn.close();
      scribble(file, where);
      // The checks have found it (the app ran them at its last start).
      const checks = cli(['--db', file, 'settings', 'set', 'site_name', 'X'], { TRIALCOORD_USER: 'JS', TRIALCOORD_PASSPHRASE: TEST_PASSPHRASE });
      expect(checks.code).toBe(2);
      const r = cli(['--db', file, 'restore', backup], { TRIALCOORD_USER: 'JS', TRIALCOORD_PASSPHRASE: TEST_PASSPHRASE });
      expect([r.code, r.stderr]).toEqual([0, where === 'middle' ? '' : 'The database could not be read, so you were signed in with the backup’s record of you.\n']);
      expect(r.stdout).toMatch(/^Restored .* from .*good\.sqlite\. The previous database was kept as .*before-restore-/);
      const back = openDatabase(file);
      expect(back.read((db) => db.prepare('SELECT study_id FROM participants').pluck().all())).toEqual(['S-1']);
      back.close();
      expect(cli(['--db', file, 'audit', 'verify']).code).toBe(0);
    });

  it('only an administrator restores: a wrong passphrase or another role is refused, and nothing changes', () => {
    const { conn, file, dir } = site();
    const backup = backupNowSync(conn, { out: path.join(dir, 'good.sqlite') });
    addTestPerson(conn, 'CO', ['coordinator']);
    conn.close();
    const before = fs.readFileSync(file);
    const wrong = cli(['--db', file, 'restore', backup], { TRIALCOORD_USER: 'JS', TRIALCOORD_PASSPHRASE: 'not the passphrase' });
    expect([wrong.code, wrong.stderr]).toEqual([2, 'error: Those initials and that passphrase do not match.\n']);
    const co = cli(['--db', file, 'restore', backup], { TRIALCOORD_USER: 'CO', TRIALCOORD_PASSPHRASE: TEST_PASSPHRASE });
    expect([co.code, co.stderr]).toEqual([2, 'error: This needs the administrator role.\n']);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
  });
});
