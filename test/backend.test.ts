// The backend host and its workers, as browser mode and the desktop app use them: sessions that
// lock after idling, reads answered while a long write runs, the start-up checks in the background.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStatus, SessionView } from '../core/api.js';
import type { BackendHost } from '../db/backend/host.js';
import { openDatabase } from '../db/connection.js';
import { backendForTests, openBackendForTests } from './helpers/backend.js';
import { addTestPerson, fileWithDamagedPage, tempDir, TEST_PASSPHRASE } from './helpers/db.js';

let host: BackendHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
});

async function started(options: { now?: () => number } = {}) {
  const file = path.join(tempDir(), 'db.sqlite');
  const conn = openDatabase(file);
  addTestPerson(conn, 'CO', ['coordinator']);
  conn.close();
  host = await backendForTests(file, options);
  const session = host.newSession();
  const signIn = await host.call(session, 'signIn', { initials: 'CO', passphrase: TEST_PASSPHRASE });
  expect(signIn.ok).toBe(true);
  return { host, session, file };
}

describe('backend host', () => {
  it('a session is nobody until someone signs in on it, and nobody again after signing out', async () => {
    const { host: h, session } = await started();
    expect((await h.call(session, 'listProtocols', {})).ok).toBe(true);
    const other = h.newSession();
    expect(await h.call(other, 'listProtocols', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await h.call(null, 'listProtocols', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await h.call(session, 'signOut', {})).ok).toBe(true);
    expect(await h.call(session, 'listProtocols', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('locks a session after the idle time: every call is refused until the passphrase is given again', async () => {
    let now = Date.parse('2026-12-01T09:00:00Z');
    const { host: h, session } = await started({ now: () => now });
    now += 14 * 60_000;
    expect((await h.call(session, 'listProtocols', {})).ok).toBe(true);
    now += 16 * 60_000;
    const locked = await h.call(session, 'listProtocols', {});
    expect(locked).toMatchObject({ ok: false, error: { code: 'locked', message: 'The app locked itself after 15 minutes without use: enter your passphrase to go on.' } });
    expect(await h.call(session, 'currentSession', {})).toMatchObject({ ok: true, value: { locked: true, person: { initials: 'CO' } } });
    expect((await h.call(session, 'unlock', { passphrase: 'not it' })).ok).toBe(false);
    expect((await h.call(session, 'listProtocols', {})).ok).toBe(false);
    expect((await h.call(session, 'unlock', { passphrase: TEST_PASSPHRASE })).ok).toBe(true);
    expect((await h.call(session, 'listProtocols', {})).ok).toBe(true);
    // Asking how the session stands is not use: it does not keep the session awake.
    now += 10 * 60_000;
    await h.call(session, 'currentSession', {});
    now += 6 * 60_000;
    expect(((await h.call(session, 'currentSession', {})) as { value: SessionView }).value.locked).toBe(true);
  });

  it('answers reads while a 5,000-participant import runs in the writer (speed is the bench’s to measure)', async () => {
    const { host: h, session } = await started();
    const rows = ['study_id,initials,arm,day1,weight_kg'];
    for (let i = 1; i <= 5000; i++) rows.push(`C-${i},AB,CODE${i},2026-0${1 + (i % 9)}-1${i % 10},70`);
    const importing = h.call(session, 'importParticipants', { protocolId: 'ucmsc-covid19', csv: `${rows.join('\n')}\n` });
    // Wait until the import is under way (it reports its progress), then read as the window would.
    let status: BackendStatus;
    do {
      await new Promise((r) => setTimeout(r, 20));
      status = h.status();
    } while (status.jobs.length === 0);
    for (let i = 0; i < 5; i++) {
      const r = await h.call(session, 'worklists', { today: '2026-06-15' });
      expect(r.ok).toBe(true);
      expect(h.status().jobs.length, 'the import was still running').toBe(1);
    }
    const done = await importing;
    expect(done).toMatchObject({ ok: true, value: { imported: 5000, visits: 50000 } });
    expect(h.status().jobs).toEqual([]);
  });

  it('gives a session, and takes calls, before its workers have opened the file: the window loads meanwhile, its calls are answered once the file is open', async () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const conn = openDatabase(file);
    addTestPerson(conn, 'CO', ['coordinator']);
    conn.close();
    const order: string[] = [];
    const opening = openBackendForTests(file);
    host = opening.host;
    void opening.ready.then(() => order.push('ready'));
    const session = opening.host.newSession();
    const signIn = opening.host.call(session, 'signIn', { initials: 'CO', passphrase: TEST_PASSPHRASE }).then((r) => (order.push('signed in'), r));
    expect(order).toEqual([]);
    expect(await signIn).toMatchObject({ ok: true });
    expect(order).toEqual(['ready', 'signed in']);
    expect(await opening.ready).toBe(opening.host);
    expect((await opening.host.call(session, 'listProtocols', {})).ok).toBe(true);
  });

  it('a file that cannot be opened: its calls and its readiness fail with the reason, and closing is quiet', async () => {
    const file = path.join(tempDir(), 'junk.sqlite');
    fs.writeFileSync(file, 'not a database');
    const opening = openBackendForTests(file);
    const session = opening.host.newSession();
    await expect(opening.host.call(session, 'appInfo', {})).rejects.toThrow(/not a database/);
    await expect(opening.ready).rejects.toThrow(/not a database/);
    await opening.host.close();
  });

  it('starts the checks at the first sign-in, behind the first worklist, or a while after the first screen without one', async () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const conn = openDatabase(file);
    addTestPerson(conn, 'CO', ['coordinator']);
    conn.close();
    // Nobody has signed in: the checks wait (on this small file they take a few milliseconds).
    host = await backendForTests(file, { checksAfterMs: 3_600_000 });
    await new Promise((r) => setTimeout(r, 600));
    expect(host.status().checks).toMatchObject({ state: 'running', step: 'starting' });
    // The sign-in starts them, long before the hour is up.
    const session = host.newSession();
    expect((await host.call(session, 'signIn', { initials: 'CO', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
    expect((await host.checked).ok).toBe(true);
    await host.close();
    // Without a sign-in they begin on their own.
    host = await backendForTests(file, { checksAfterMs: 200 });
    expect((await host.checked).ok).toBe(true);
  });

  it('runs the start-up checks in the background and says when they passed', async () => {
    const { host: h } = await started();
    const outcome = await h.checked;
    expect(outcome.ok).toBe(true);
    expect(h.status().checks).toMatchObject({ state: 'passed', summary: expect.stringContaining('audit trail intact') });
  });

  it('a read is answered at once while another process holds the write lock; the write waits for it', async () => {
    const { host: h, session, file } = await started();
    // Another process (a CLI command) in the middle of a write.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const write = h.call(session, 'screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-LOCK', initials: 'AB', sex: 'male', ageYears: 40, consentDate: '2025-06-01' });
    let written = false;
    void write.then(() => (written = true));
    expect((await h.call(session, 'worklists', { today: '2026-06-15' })).ok).toBe(true);
    expect(written, 'the write waits for the lock; the read did not').toBe(false);
    other.exec('ROLLBACK');
    other.close();
    // Once the lock is free, the write goes through.
    expect(await write).toMatchObject({ ok: true });
  });

  it('a damaged file: the checks fail, writes are refused with the problem named, and no backup is made of it', async () => {
    // A page of an index of the visits: opening the file does not read it, the full check does
    // (a page picked by its place in the file could be the schema's, and the file would not open).
    const file = fileWithDamagedPage('visits_by_day');
    host = await backendForTests(file);
    const session = host.newSession();
    await host.call(session, 'signIn', { initials: 'CO', passphrase: TEST_PASSPHRASE });
    const outcome = await host.checked;
    expect(outcome.ok).toBe(false);
    expect(host.status().checks).toMatchObject({ state: 'failed', problems: [expect.stringMatching(/^The database file is damaged/)] });
    const refused = await host.call(session, 'screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-1', initials: 'AB', sex: 'male', ageYears: 40, consentDate: '2025-06-01' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'database', message: expect.stringMatching(/^Nothing can be written, backed up or exported: the last check of the database found a problem/) } });
    expect(fs.existsSync(path.join(path.dirname(file), 'backups'))).toBe(false);
  });
});

describe('restore from the app', () => {
  async function site() {
    const file = path.join(tempDir(), 'db.sqlite');
    const conn = openDatabase(file);
    addTestPerson(conn, 'AD', ['admin', 'coordinator']);
    addTestPerson(conn, 'CO', ['coordinator']);
    conn.close();
    host = await backendForTests(file);
    const session = host.newSession();
    expect((await host.call(session, 'signIn', { initials: 'AD', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
    await host.checked;
    return { h: host, session, file };
  }
  const screen = (h: BackendHost, session: string, studyId: string) =>
    h.call(session, 'screenParticipant', { protocolId: 'ucmsc-covid19', studyId, initials: 'AB', sex: 'male', ageYears: 40, consentDate: '2025-06-01' });
  const studyIds = async (h: BackendHost, session: string) => ((await h.call(session, 'listParticipants', {})) as { value: { studyId: string }[] }).value.map((p) => p.studyId);

  it('an administrator restores a backup while the app runs: the file is swapped with every connection closed, the old one kept aside, and everyone signs in again', async () => {
    const { h, session, file } = await site();
    expect((await screen(h, session, 'C-1')).ok).toBe(true);
    const backup = (await h.call(session, 'backupNow', {})) as { ok: true; value: { file: string } };
    expect(backup.ok).toBe(true);
    const listed = (await h.call(session, 'listBackups', {})) as { ok: true; value: { backups: { file: string; madeAt: string | null }[] } };
    expect(listed.value.backups.map((b) => b.file)).toContain(backup.value.file);
    expect((await screen(h, session, 'C-2')).ok).toBe(true);
    expect(await studyIds(h, session)).toEqual(['C-1', 'C-2']);

    const restored = await h.call(session, 'restoreBackup', { file: backup.value.file });
    expect(restored).toMatchObject({ ok: true, value: { restoredFrom: backup.value.file, keptAside: expect.stringContaining('.before-restore-') } });
    expect(await h.call(session, 'listParticipants', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await h.call(session, 'signIn', { initials: 'AD', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
    expect(await studyIds(h, session)).toEqual(['C-1']);
    // Writes after the restore land in the restored file, at the path.
    expect((await screen(h, session, 'C-3')).ok).toBe(true);
    await h.close();
    host = null;
    const check = openDatabase(file);
    expect(check.read((db) => db.prepare('SELECT study_id FROM participants ORDER BY study_id').pluck().all())).toEqual(['C-1', 'C-3']);
    check.close();
    const aside = (restored as { value: { keptAside: string } }).value.keptAside;
    const old = new Database(aside, { readonly: true });
    expect(old.prepare('SELECT study_id FROM participants ORDER BY study_id').pluck().all()).toEqual(['C-1', 'C-2']);
    old.close();
  });

  it('a backup it would refuse is refused before anything closes, and the app goes on; only an administrator may restore', async () => {
    const { h, session, file } = await site();
    const junk = path.join(tempDir(), 'junk.sqlite');
    fs.writeFileSync(junk, 'not a database at all');
    expect(await h.call(session, 'restoreBackup', { file: junk })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/is not a SQLite database/) } });
    expect(await h.call(session, 'restoreBackup', { file })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/is the database itself/) } });
    expect(await h.call(session, 'restoreBackup', { file: path.join(tempDir(), 'nope.sqlite') })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await screen(h, session, 'C-1')).ok).toBe(true);
    const co = h.newSession();
    await h.call(co, 'signIn', { initials: 'CO', passphrase: TEST_PASSPHRASE });
    expect(await h.call(co, 'restoreBackup', { file: junk })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('after a failed check nothing is written, but a backup can still be restored in its place', async () => {
    const { h, session, file } = await site();
    const backup = ((await h.call(session, 'backupNow', {})) as { value: { file: string } }).value.file;
    await h.close();
    host = null;
    // The file is damaged after the backup was made.
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const page = Math.floor(bytes.length / pageSize / 2);
    bytes.fill(0x5a, page * pageSize, page * pageSize + pageSize);
    fs.writeFileSync(file, bytes);
    fs.rmSync(`${file}-wal`, { force: true });
    host = await backendForTests(file);
    const s = host.newSession();
    await host.call(s, 'signIn', { initials: 'AD', passphrase: TEST_PASSPHRASE });
    expect((await host.checked).ok).toBe(false);
    expect((await screen(host, s, 'C-1')).ok).toBe(false);
    expect(await host.call(s, 'restoreBackup', { file: backup })).toMatchObject({ ok: true });
    expect((await host.checked).ok).toBe(true);
    await host.call(s, 'signIn', { initials: 'AD', passphrase: TEST_PASSPHRASE });
    expect((await screen(host, s, 'C-1')).ok).toBe(true);
  });
});
