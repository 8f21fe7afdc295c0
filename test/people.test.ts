// People and sign-in: the first administrator, passphrases kept only as a memory-hard hash (never
// in the trail or an export), the lockout, disabling, and databases from before sign-in existed.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Actor, AppInfo, Person } from '../core/api.js';
import { openDatabase } from '../db/connection.js';
import { fileKeys } from '../db/keys.js';
import { migrate } from '../db/migrate.js';
import { MIGRATIONS } from '../db/migrations/index.js';
import type { WritableDB } from '../db/types.js';
import { hashPassphrase, passphraseMatches } from '../db/people.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { cli, siteWithPerson } from './helpers/cli.js';
import { addTestPerson, dumpTables, freshDb, SEEDS_DIR, serviceFor, tempDir, TEST_PASSPHRASE } from './helpers/db.js';

const RECORD_TABLES = (t: Record<string, unknown[]>) => Object.fromEntries(Object.entries(t).filter(([name]) => name !== 'sign_in_failures'));

describe('people and sign-in', () => {
  it('a new site has nobody; the first person is an administrator (and a coordinator), signed in at once', () => {
    const { conn } = freshDb();
    const { call, ok } = serviceFor(conn);
    expect(ok<AppInfo>('appInfo', {}, { kind: 'nobody' }).setup).toEqual({ state: 'new' });
    const short = call('setUpFirstAdmin', { name: 'Mary Lee', initials: 'ML', passphrase: 'too short' }, { kind: 'nobody' });
    expect(short.ok ? null : short.error.message).toBe('Passphrase: must be at least 10 characters.');
    const me = ok<Actor>('setUpFirstAdmin', { name: 'Mary Lee', initials: 'ML', passphrase: 'correct horse battery' }, { kind: 'nobody' });
    expect(me).toEqual({ initials: 'ML', name: 'Mary Lee', roles: ['admin', 'coordinator'], mustChangePassphrase: false });
    expect(ok<AppInfo>('appInfo', {}, { kind: 'nobody' }).setup).toEqual({ state: 'ready' });
    // Only once: after that, people are added by an administrator.
    const again = call('setUpFirstAdmin', { name: 'Eve', initials: 'EV', passphrase: 'correct horse battery' }, { kind: 'nobody' });
    expect(again.ok ? null : again.error.message).toBe('This site is already set up: sign in instead.');
    conn.close();
  });

  it('passphrases are kept as scrypt hashes only, never in the audit trail or an export', () => {
    const { conn, file } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok } = serviceFor(conn);
    ok('setUpFirstAdmin', { name: 'Mary Lee', initials: 'ML', passphrase: 'correct horse battery' }, { kind: 'nobody' });
    ok<Person[]>('addUser', { name: 'Casey Ortiz', initials: 'CO', roles: ['coordinator'], passphrase: 'first one, change me' }, { kind: 'person', initials: 'ML' });
    ok('resetPassphrase', { initials: 'CO', passphrase: 'second one, change me', reason: 'Forgotten' }, { kind: 'person', initials: 'ML' });
    const hash = conn.read((db) => db.prepare("SELECT hash FROM credentials WHERE initials = 'CO'").pluck().get() as string);
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(passphraseMatches('second one, change me', hash)).toBe(true);
    expect(passphraseMatches('first one, change me', hash)).toBe(false);
    const trail = conn.read((db) => JSON.stringify(db.prepare('SELECT * FROM audit_log').all()));
    expect(trail).not.toContain('scrypt$');
    expect(trail).not.toContain('change me');
    expect(trail).toContain('passphrase_set_at');
    conn.close();
    for (const args of [['audit', 'export'], ['export', 'participants'], ['user', 'list', '--json']]) {
      const out = cli(['--db', file, ...args]).stdout;
      expect(out, args.join(' ')).not.toContain('scrypt$');
    }
  });

  it('five wrong passphrases lock the person for a while; a wrong passphrase writes nothing to the record', () => {
    const { conn } = freshDb();
    addTestPerson(conn, 'CO', ['coordinator']);
    let now = new Date('2025-06-20T09:00:00Z');
    const { call } = serviceFor(conn, now);
    const before = RECORD_TABLES(dumpTables(conn));
    const attempt = (passphrase: string) => call('signIn', { initials: 'CO', passphrase }, { kind: 'nobody' });
    for (let i = 0; i < 4; i++) expect(attempt('wrong')).toMatchObject({ ok: false, error: { message: 'Those initials and that passphrase do not match.' } });
    const fifth = attempt('wrong');
    expect(fifth.ok ? null : fifth.error.message).toBe('Too many wrong passphrases: CO is locked for 15 minutes.');
    // Even the right passphrase is refused while locked.
    const locked = attempt(TEST_PASSPHRASE);
    expect(locked.ok ? null : locked.error.message).toMatch(/^Too many wrong passphrases: CO is locked until \d\d:\d\d/);
    expect(RECORD_TABLES(dumpTables(conn))).toEqual(before);
    // Later, the right one works again.
    now = new Date('2025-06-20T09:16:00Z');
    expect(serviceFor(conn, now).call('signIn', { initials: 'CO', passphrase: TEST_PASSPHRASE }, { kind: 'nobody' }).ok).toBe(true);
    conn.close();
  });

  it('an administrator chooses a first passphrase; the person must choose their own before anything else', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    addTestPerson(conn, 'ML', ['admin']);
    const { call, ok } = serviceFor(conn);
    ok('addUser', { name: 'Casey Ortiz', initials: 'CO', roles: ['coordinator'], passphrase: 'given by the admin' }, { kind: 'person', initials: 'ML' });
    const co = { kind: 'person', initials: 'CO' } as const;
    expect(ok<Actor>('signIn', { initials: 'CO', passphrase: 'given by the admin' }, { kind: 'nobody' }).mustChangePassphrase).toBe(true);
    const blocked = call('listProtocols', {}, co);
    expect(blocked.ok ? null : blocked.error.message).toBe('Choose your own passphrase first: the one you have was set by an administrator.');
    const same = call('changePassphrase', { current: 'given by the admin', next: 'given by the admin' }, co);
    expect(same.ok ? null : same.error.message).toBe('New passphrase: choose one different from the current one.');
    expect(ok<Actor>('changePassphrase', { current: 'given by the admin', next: 'my very own passphrase' }, co).mustChangePassphrase).toBe(false);
    expect(call('listProtocols', {}, co).ok).toBe(true);
    conn.close();
  });

  it('a disabled person cannot sign in or act; the last administrator cannot be removed', () => {
    const { conn } = freshDb();
    addTestPerson(conn, 'ML', ['admin']);
    addTestPerson(conn, 'CO', ['coordinator']);
    const { call, ok } = serviceFor(conn);
    const ml = { kind: 'person', initials: 'ML' } as const;
    const self = call('disableUser', { initials: 'ML', reason: 'x' }, ml);
    expect(self.ok ? null : self.error.message).toBe('You cannot disable yourself: ask another administrator.');
    const lastAdmin = call('setUserRoles', { initials: 'ML', roles: ['coordinator'], reason: 'x' }, ml);
    expect(lastAdmin.ok ? null : lastAdmin.error.message).toBe('ML is the only administrator: make someone else an administrator first.');
    ok('disableUser', { initials: 'CO', reason: 'Left the site' }, ml);
    const signIn = call('signIn', { initials: 'CO', passphrase: TEST_PASSPHRASE }, { kind: 'nobody' });
    expect(signIn.ok ? null : signIn.error.message).toBe('Person CO (CO) can no longer sign in: Left the site.');
    const act = call('listProtocols', {}, { kind: 'person', initials: 'CO' });
    expect(act.ok ? null : act.error.code).toBe('unauthorized');
    conn.close();
  });

  it('a database from before sign-in: its people stay, the first is the administrator and sets a passphrase first', () => {
    const dir = tempDir();
    const file = path.join(dir, 'v7.sqlite');
    // Schema version 7 with two people, as the app wrote it before this version.
    const raw = new Database(file);
    migrate(raw as WritableDB, { keys: fileKeys() }, MIGRATIONS.filter((m) => m.version <= 7));
    raw.exec("INSERT INTO users (initials, name, created_at) VALUES ('JS', 'Jana Svoboda', '2025-01-01T00:00:00Z'), ('CO', 'Casey Ortiz', '2025-02-01T00:00:00Z')");
    raw.close();
    const upgraded = openDatabase(file);
    expect(fs.readdirSync(path.join(dir, 'backups')).some((f) => f.includes('.v7.'))).toBe(true);
    const { call, ok } = serviceFor(upgraded);
    expect(ok<AppInfo>('appInfo', {}, { kind: 'nobody' }).setup).toEqual({ state: 'admin-passphrase', initials: 'JS', name: 'Jana Svoboda' });
    const people = ok<Person[]>('listUsers', {}, { kind: 'local-reader' });
    expect(people.map((p) => [p.initials, p.roles, p.hasPassphrase])).toEqual([
      ['CO', ['coordinator'], false],
      ['JS', ['admin', 'coordinator'], false],
    ]);
    const notYet = call('signIn', { initials: 'CO', passphrase: 'anything at all' }, { kind: 'nobody' });
    expect(notYet.ok ? null : notYet.error.message).toBe('Casey Ortiz (CO) has no passphrase yet: an administrator sets one.');
    const wrongPerson = call('setUpFirstAdmin', { name: 'Casey Ortiz', initials: 'CO', passphrase: 'correct horse battery' }, { kind: 'nobody' });
    expect(wrongPerson.ok ? null : wrongPerson.error.message).toBe('The administrator here is Jana Svoboda (JS): set their passphrase first.');
    expect(ok<Actor>('setUpFirstAdmin', { name: 'Jana Svoboda', initials: 'JS', passphrase: 'correct horse battery' }, { kind: 'nobody' }).roles).toEqual(['admin', 'coordinator']);
    upgraded.close();
  });

  it('the command line: user add makes the first administrator without --by, then only an administrator adds people', () => {
    const db = path.join(tempDir(), 'db.sqlite');
    const first = cli(['--db', db, 'user', 'add', '--name', 'Mary Lee', '--initials', 'ML'], { TRIALCOORD_NEW_PASSPHRASE: 'correct horse battery' });
    expect([first.code, first.stdout]).toEqual([0, 'Mary Lee (ML) added as the first administrator.\n']);
    const as = { TRIALCOORD_USER: 'ML', TRIALCOORD_PASSPHRASE: 'correct horse battery' };
    const added = cli(['--db', db, 'user', 'add', '--name', 'Casey Ortiz', '--initials', 'CO', '--role', 'coordinator,investigator'], { ...as, TRIALCOORD_NEW_PASSPHRASE: 'given by the admin' });
    expect([added.code, added.stdout]).toEqual([0, 'Casey Ortiz (CO) added: coordinator, investigator.\n']);
    const byCoordinator = cli(['--db', db, 'user', 'add', '--name', 'Eve', '--initials', 'EV', '--role', 'admin'], { TRIALCOORD_USER: 'CO', TRIALCOORD_PASSPHRASE: 'given by the admin', TRIALCOORD_NEW_PASSPHRASE: 'x'.repeat(12) });
    expect([byCoordinator.code, byCoordinator.stderr]).toEqual([2, 'error: Choose your own passphrase first: the one you have was set by an administrator.\n']);
    const badRole = cli(['--db', db, 'user', 'roles', '--initials', 'CO', '--role', 'boss'], as);
    expect([badRole.code, badRole.stderr]).toEqual([2, 'error: "boss" is not a role; roles: admin, coordinator, investigator, unblinded, monitor\n']);
    expect(cli(['--db', db, 'user', 'roles', '--initials', 'CO', '--role', 'monitor', '--reason', 'Now monitors'], as).stdout).toBe('CO: monitor.\n');
    expect(cli(['--db', db, 'user', 'disable', '--initials', 'CO', '--reason', 'Left'], as).stdout).toBe('CO can no longer sign in.\n');
    const list = cli(['--db', db, 'user', 'list']);
    expect(list.stdout).toMatch(/^INITIALS\s+NAME\s+ROLES\s+STATE\n/);
    expect(list.stdout).toMatch(/CO\s+Casey Ortiz\s+monitor\s+disabled \d{4}-\d\d-\d\d/);
  });
});

describe('the passphrase hash', () => {
  it('is scrypt at OWASP’s cost, salted, and checks what it should', () => {
    const a = hashPassphrase('correct horse battery');
    const b = hashPassphrase('correct horse battery');
    expect(a).not.toBe(b);
    expect(passphraseMatches('correct horse battery', a)).toBe(true);
    expect(passphraseMatches('correct horse batterY', a)).toBe(false);
    expect(passphraseMatches('correct horse battery', 'not a hash')).toBe(false);
  });

  it('the site’s people can be set up from the command line at every role', () => {
    const db = path.join(tempDir(), 'db.sqlite');
    const as = siteWithPerson(db, ['monitor']);
    const r = cli(['--db', db, 'settings', 'set', 'site_name', 'X'], as);
    expect([r.code, r.stderr]).toEqual([2, 'error: This needs the administrator role.\n']);
  });
});
