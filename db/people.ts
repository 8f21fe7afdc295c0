// People who work here: their roles, their passphrases (only as a memory-hard hash, in a table
// the audit trail never reads), sign-in with a lockout after five wrong passphrases, and the
// re-entered passphrase that signs a record (an electronic signature).
import crypto from 'node:crypto';
import type { Actor, Person, SetupState } from '../core/api.js';
import { ROLES, type Role } from '../core/vocabulary.js';
import { AppError } from './errors.js';
import type { Clock } from './rows.js';
import { statements } from './statements.js';
import type { ReadableDB, WritableDB } from './types.js';

/** Wrong passphrases in a row before a person is locked out, and for how long. */
export const MAX_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

// scrypt as OWASP recommends it (N = 2^17, r = 8, p = 1: 128 MiB and about a third of a second
// here): costly to try passphrases against a stolen file, quick enough for one sign-in. The
// parameters are stored with each hash, so a later change of cost still reads older hashes.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export function hashPassphrase(passphrase: string): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(passphrase.normalize('NFC'), salt, KEY_LENGTH, { ...SCRYPT, maxmem: 256 * 1024 * 1024 });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export function passphraseMatches(passphrase: string, stored: string): boolean {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = crypto.scryptSync(passphrase.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 });
  return crypto.timingSafeEqual(actual, expected);
}

interface UserRow {
  initials: string;
  name: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  passphrase_set_at: string | null;
  must_change_passphrase: number;
}

const stmts = statements((db) => ({
  user: db.prepare('SELECT initials, name, disabled_at, disabled_reason, passphrase_set_at, must_change_passphrase FROM users WHERE initials = ?'),
  roles: db.prepare('SELECT role FROM user_roles WHERE initials = ? ORDER BY role').pluck(),
  hash: db.prepare('SELECT hash FROM credentials WHERE initials = ?').pluck(),
  failures: db.prepare('SELECT failures, locked_until FROM sign_in_failures WHERE initials = ?'),
}));

function rolesOf(db: ReadableDB, initials: string): Role[] {
  const order = new Map(ROLES.map((r, i) => [r, i]));
  return (stmts(db).roles.all(initials) as Role[]).sort((a, b) => order.get(a)! - order.get(b)!);
}

/** The person as the backend acts for them; null when there is no such person or they are disabled. */
export function actorFor(db: ReadableDB, initials: string): Actor | null {
  const u = stmts(db).user.get(initials) as UserRow | undefined;
  if (!u || u.disabled_at !== null) return null;
  return { initials: u.initials, name: u.name, roles: rolesOf(db, u.initials), mustChangePassphrase: u.must_change_passphrase === 1 };
}

export function setupState(db: ReadableDB): SetupState {
  const anyone = db.prepare('SELECT count(*) FROM users').pluck().get() as number;
  if (anyone === 0) return { state: 'new' };
  const withPassphrase = db.prepare('SELECT count(*) FROM credentials').pluck().get() as number;
  if (withPassphrase > 0) return { state: 'ready' };
  const admin = db
    .prepare("SELECT u.initials, u.name FROM users u JOIN user_roles r ON r.initials = u.initials AND r.role = 'admin' WHERE u.disabled_at IS NULL ORDER BY u.created_at, u.initials LIMIT 1")
    .get() as { initials: string; name: string } | undefined;
  return admin ? { state: 'admin-passphrase', initials: admin.initials, name: admin.name } : { state: 'ready' };
}

export function listPeople(db: ReadableDB): Person[] {
  const rows = db.prepare('SELECT initials, name, disabled_at, disabled_reason, passphrase_set_at FROM users ORDER BY name COLLATE NOCASE, initials').all() as UserRow[];
  return rows.map((u) => ({
    initials: u.initials,
    name: u.name,
    roles: rolesOf(db, u.initials),
    hasPassphrase: u.passphrase_set_at !== null,
    disabled: u.disabled_at === null ? null : { at: u.disabled_at, reason: u.disabled_reason ?? '' },
  }));
}

/**
 * Checks a person's passphrase, counting wrong ones: the fifth in a row locks the person out for
 * a while. The count is written whatever the outcome (bookkeeping, outside the audit trail), so
 * the caller runs this in its own transaction and throws after it commits.
 */
export function checkPassphrase(db: WritableDB, initials: string, passphrase: string, clock: Clock): { ok: true; actor: Actor } | { ok: false; message: string } {
  const refused = { ok: false as const, message: 'Those initials and that passphrase do not match.' };
  const u = stmts(db).user.get(initials) as UserRow | undefined;
  if (!u) {
    // The same cost as a real check, so that timing does not say which initials exist.
    passphraseMatches(passphrase, hashPassphrase('not a passphrase of anyone'));
    return refused;
  }
  const f = stmts(db).failures.get(initials) as { failures: number; locked_until: string | null } | undefined;
  if (f?.locked_until && f.locked_until > clock.now)
    return { ok: false, message: `Too many wrong passphrases: ${initials} is locked until ${lockedUntilWords(f.locked_until)}. Try again then, or ask an administrator.` };
  if (u.disabled_at !== null) return { ok: false, message: `${u.name} (${initials}) can no longer sign in: ${u.disabled_reason ?? 'disabled by an administrator'}.` };
  const stored = stmts(db).hash.get(initials) as string | undefined;
  if (stored === undefined) return { ok: false, message: `${u.name} (${initials}) has no passphrase yet: an administrator sets one.` };
  if (!passphraseMatches(passphrase, stored)) {
    const failures = (f?.locked_until ? 0 : (f?.failures ?? 0)) + 1;
    const lockedUntil = failures >= MAX_FAILURES ? new Date(Date.parse(clock.now) + LOCKOUT_MINUTES * 60_000).toISOString() : null;
    db.prepare(
      'INSERT INTO sign_in_failures (initials, failures, locked_until) VALUES (?, ?, ?) ON CONFLICT (initials) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until',
    ).run(initials, lockedUntil ? 0 : failures, lockedUntil);
    if (lockedUntil) return { ok: false, message: `Too many wrong passphrases: ${initials} is locked for ${LOCKOUT_MINUTES} minutes.` };
    return refused;
  }
  if (f) db.prepare('DELETE FROM sign_in_failures WHERE initials = ?').run(initials);
  return { ok: true, actor: actorFor(db, initials)! };
}

/**
 * The same check without writing anything (no failure count): for a file that must not be
 * written, a damaged one a restore replaces, or a backup's copy. Plain words, or the person.
 */
export function passphraseHolds(db: ReadableDB, initials: string, passphrase: string): { ok: true; actor: Actor } | { ok: false; message: string } {
  const u = stmts(db).user.get(initials) as UserRow | undefined;
  const stored = u ? (stmts(db).hash.get(initials) as string | undefined) : undefined;
  if (!u || stored === undefined || !passphraseMatches(passphrase, stored)) return { ok: false, message: 'Those initials and that passphrase do not match.' };
  if (u.disabled_at !== null) return { ok: false, message: `${u.name} (${initials}) can no longer sign in: ${u.disabled_reason ?? 'disabled by an administrator'}.` };
  return { ok: true, actor: actorFor(db, initials)! };
}

function lockedUntilWords(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function setPassphrase(db: WritableDB, initials: string, passphrase: string, mustChange: boolean, clock: Clock): void {
  db.prepare('INSERT INTO credentials (initials, hash) VALUES (?, ?) ON CONFLICT (initials) DO UPDATE SET hash = excluded.hash').run(initials, hashPassphrase(passphrase));
  db.prepare('UPDATE users SET passphrase_set_at = ?, must_change_passphrase = ? WHERE initials = ?').run(clock.now, mustChange ? 1 : 0, initials);
  db.prepare('DELETE FROM sign_in_failures WHERE initials = ?').run(initials);
}

function setRoles(db: WritableDB, initials: string, roles: readonly Role[]): void {
  const wanted = new Set(roles);
  const had = new Set(rolesOf(db, initials));
  for (const r of had) if (!wanted.has(r)) db.prepare('DELETE FROM user_roles WHERE initials = ? AND role = ?').run(initials, r);
  for (const r of wanted) if (!had.has(r)) db.prepare('INSERT INTO user_roles (initials, role) VALUES (?, ?)').run(initials, r);
}

/** The first start: the first person, an administrator (and a coordinator, so a small site can start work). */
export function setUpFirstAdmin(db: WritableDB, input: { name: string; initials: string; passphrase: string }, clock: Clock): Actor {
  const setup = setupState(db);
  if (setup.state === 'ready') throw new AppError('conflict', 'This site is already set up: sign in instead.');
  if (setup.state === 'new') {
    db.prepare('INSERT INTO users (initials, name, created_at) VALUES (?, ?, ?)').run(input.initials, input.name, clock.now);
    setRoles(db, input.initials, ['admin', 'coordinator']);
  } else if (setup.initials !== input.initials) {
    throw new AppError('invalid_input', `The administrator here is ${setup.name} (${setup.initials}): set their passphrase first.`);
  }
  setPassphrase(db, input.initials, input.passphrase, false, clock);
  return actorFor(db, input.initials)!;
}

export function addPerson(db: WritableDB, input: { name: string; initials: string; roles: readonly Role[]; passphrase: string }, clock: Clock): void {
  if (stmts(db).user.get(input.initials)) throw new AppError('conflict', `Initials ${input.initials} are already in use.`);
  db.prepare('INSERT INTO users (initials, name, created_at) VALUES (?, ?, ?)').run(input.initials, input.name, clock.now);
  setRoles(db, input.initials, input.roles);
  // Chosen by an administrator: the person sets their own at their first sign-in.
  setPassphrase(db, input.initials, input.passphrase, true, clock);
}

function existing(db: ReadableDB, initials: string): UserRow {
  const u = stmts(db).user.get(initials) as UserRow | undefined;
  if (!u) throw new AppError('not_found', `Nobody here has the initials ${initials}.`);
  return u;
}

/** An administrator must remain: the last one cannot lose the role or be disabled. */
function keepAnAdmin(db: ReadableDB, initials: string): void {
  const others = db
    .prepare("SELECT count(*) FROM user_roles r JOIN users u ON u.initials = r.initials WHERE r.role = 'admin' AND u.disabled_at IS NULL AND u.initials <> ?")
    .pluck()
    .get(initials) as number;
  if (others === 0) throw new AppError('conflict', `${initials} is the only administrator: make someone else an administrator first.`);
}

export function changeRoles(db: WritableDB, initials: string, roles: readonly Role[]): void {
  existing(db, initials);
  if (!roles.includes('admin') && rolesOf(db, initials).includes('admin')) keepAnAdmin(db, initials);
  setRoles(db, initials, roles);
}

export function disablePerson(db: WritableDB, initials: string, reason: string, by: string, clock: Clock): void {
  const u = existing(db, initials);
  if (u.disabled_at !== null) throw new AppError('conflict', `${u.name} (${initials}) is already disabled.`);
  if (initials === by) throw new AppError('conflict', 'You cannot disable yourself: ask another administrator.');
  if (rolesOf(db, initials).includes('admin')) keepAnAdmin(db, initials);
  db.prepare('UPDATE users SET disabled_at = ?, disabled_reason = ? WHERE initials = ?').run(clock.now, reason, initials);
}

export function resetPassphraseOf(db: WritableDB, initials: string, passphrase: string, clock: Clock): void {
  existing(db, initials);
  setPassphrase(db, initials, passphrase, true, clock);
}

export function changeOwnPassphrase(db: WritableDB, initials: string, next: string, clock: Clock): Actor {
  setPassphrase(db, initials, next, false, clock);
  return actorFor(db, initials)!;
}
