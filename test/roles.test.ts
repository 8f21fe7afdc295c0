// Who may call what, checked in the backend: every API method against every role, from a table
// written out here (not read from the contract), so that a change to either shows.
import { describe, expect, it } from 'vitest';
import { contract, type Method } from '../core/api.js';
import { ROLES, type Role } from '../core/vocabulary.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { dispatch } from '../db/dispatch.js';
import { createHandlers } from '../db/service.js';
import { addTestPerson, freshDb, SEEDS_DIR, serviceFor } from './helpers/db.js';

type Who = 'public' | 'self' | 'read' | readonly Role[];
const CLINICAL = ['coordinator', 'investigator'] as const;

const WHO_MAY: Record<Method, Who> = {
  appInfo: 'public',
  signIn: 'public',
  setUpFirstAdmin: 'public',
  currentSession: 'public',
  reportError: 'public',
  unlock: 'self',
  signOut: 'self',
  changePassphrase: 'self',
  listUsers: 'read',
  addUser: ['admin'],
  setUserRoles: ['admin'],
  disableUser: ['admin'],
  resetPassphrase: ['admin'],
  setSetting: ['admin'],
  backupNow: ['admin'],
  listBackups: ['admin'],
  restoreBackup: ['admin'],
  siteDays: 'read',
  trialsAtAGlance: 'read',
  setWorkingDays: ['admin'],
  addHolidays: ['admin'],
  removeHoliday: ['admin'],
  recordEvent: CLINICAL,
  listProtocols: 'read',
  getProtocol: 'read',
  importProtocol: ['admin', 'coordinator', 'investigator'],
  protocolVersion: 'read',
  diffProtocolVersions: 'read',
  draftFromCtgov: 'read',
  previewMove: 'read',
  moveParticipants: CLINICAL,
  previewSchedule: 'read',
  listParticipants: 'read',
  getParticipant: 'read',
  findParticipant: 'read',
  participantAudit: 'read',
  auditHead: 'read',
  screenParticipant: CLINICAL,
  answerEligibility: CLINICAL,
  confirmEligibility: ['investigator'],
  recordScreenFailure: CLINICAL,
  enrollParticipant: CLINICAL,
  correctParticipant: CLINICAL,
  withdrawParticipant: CLINICAL,
  reverseWithdrawal: ['investigator'],
  unblindParticipant: ['unblinded'],
  markVisitDone: CLINICAL,
  markVisitMissed: CLINICAL,
  cancelVisit: CLINICAL,
  rescheduleVisit: CLINICAL,
  setVisitNotes: CLINICAL,
  correctVisit: CLINICAL,
  undoVisit: CLINICAL,
  importParticipants: CLINICAL,
  worklists: 'read',
  siteCalendar: 'read',
  exportCsvChunk: 'read',
  exportIcs: 'read',
};

const ROLE_WORDS: Record<Role, string> = { admin: 'administrator', coordinator: 'coordinator', investigator: 'investigator', unblinded: 'unblinded', monitor: 'monitor' };

describe('roles, checked in the backend for every method', () => {
  it('the table names every method of the contract, and no other', () => {
    expect(Object.keys(WHO_MAY).sort()).toEqual(Object.keys(contract).sort());
  });

  it('each role may call exactly what the table says; a refusal names the role it needs; nobody signed in reaches only the public methods', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    for (const role of ROLES) addTestPerson(conn, role.slice(0, 4).toUpperCase(), [role]);
    const { call } = serviceFor(conn);
    const rows: string[] = [];
    for (const [method, who] of Object.entries(WHO_MAY) as [Method, Who][]) {
      for (const role of [...ROLES, null]) {
        // An empty input: the role check comes before the input is read, so an allowed caller gets
        // past it (to an input error, or an answer) and a refused one gets "forbidden".
        const r = call(method, {}, role ? { kind: 'person', initials: role.slice(0, 4).toUpperCase() } : { kind: 'nobody' });
        const refused = !r.ok && (r.error.code === 'forbidden' || r.error.code === 'unauthorized');
        const allowed = who === 'public' || (role !== null && (who === 'read' || who === 'self' || who.includes(role)));
        rows.push(`${method} ${role ?? 'nobody'}: ${refused ? 'refused' : 'allowed'}`);
        expect(refused, `${method} as ${role ?? 'nobody'}`).toBe(!allowed);
        if (refused && role !== null && Array.isArray(who)) expect(r.ok ? '' : r.error.message).toBe(`This needs the ${wordsFor(who)} role.`);
        if (refused && role === null) expect(r.ok ? '' : r.error.code).toBe('unauthorized');
      }
    }
    expect(rows).toHaveLength(Object.keys(WHO_MAY).length * (ROLES.length + 1));
    conn.close();
  });

  it('an amendment is recorded as the person signed in, never "system"; a "by" in the input cannot name someone else', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    addTestPerson(conn, 'IN', ['investigator']);
    const handlers = createHandlers({ conn, mode: 'cli', appVersion: 'test', now: () => new Date('2025-06-20T09:00:00') });
    const doc = conn.read((db) => JSON.parse(db.prepare("SELECT document FROM protocol_versions WHERE protocol_id = 'ucmsc-sepsis' ORDER BY version DESC LIMIT 1").pluck().get() as string) as Record<string, unknown>);
    const lastId = () => conn.read((db) => db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number);
    const actorsSince = (id: number) => conn.read((db) => db.prepare('SELECT DISTINCT by_user FROM audit_log WHERE id > ?').pluck().all(id));
    const fail = (e: unknown) => {
      throw e;
    };
    let before = lastId();
    const named = dispatch(conn, handlers, 'importProtocol', { document: { ...doc, title: 'Sepsis, amended' }, asNewVersion: true, note: 'Amendment 1', by: 'system' }, { kind: 'person', initials: 'IN' }, fail);
    // Refused as an unknown field, or accepted as the person signed in: never as "system".
    if (named.ok) expect(actorsSince(before)).toEqual(['IN']);
    else expect(named.error.code).toBe('invalid_input');
    before = lastId();
    const amended = dispatch(conn, handlers, 'importProtocol', { document: { ...doc, title: 'Sepsis, amended twice' }, asNewVersion: true, note: 'Amendment 2' }, { kind: 'person', initials: 'IN' }, fail);
    expect(amended.ok).toBe(true);
    expect(actorsSince(before)).toEqual(['IN']);
    conn.close();
  });

  it('the command line reads as a blinded reader without sign-in, and writes nothing as one', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { call } = serviceFor(conn);
    expect(call('listProtocols', {}, { kind: 'local-reader' }).ok).toBe(true);
    const write = call('importProtocol', { document: {} }, { kind: 'local-reader' });
    expect(write.ok ? null : write.error).toMatchObject({ code: 'unauthorized', message: 'Sign in to make changes.' });
    conn.close();
  });
});

function wordsFor(roles: readonly Role[]): string {
  const w = roles.map((r) => ROLE_WORDS[r]);
  return w.length === 1 ? w[0]! : `${w.slice(0, -1).join(', ')} or ${w.at(-1)}`;
}
