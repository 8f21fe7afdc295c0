import { ZodError } from 'zod';
import { contract, isMethod, type ApiErrorBody, type ApiResult, type AppInfo, type Handlers, type User } from '../core/api.js';
import { describeIssues } from '../core/protocol.js';
import { computeSchedule, ScheduleError } from '../core/schedule.js';
import type { Connection } from './connection.js';
import type { ReadableDB, WritableDB } from './types.js';
import { AppError } from './errors.js';
import { getProtocol, getProtocolVersion, importProtocol, listProtocols } from './protocols.js';
import { moveParticipants, previewMove } from './amendments.js';
import { CtgovError, draftFromCtgov } from '../core/ctgov.js';
import { diffProtocols } from '../core/protocol-diff.js';
import { importParticipants } from './import-participants.js';
import {
  answerEligibility,
  enrollParticipant,
  listParticipants,
  auditEntries,
  participantDetail,
  recordScreenFailure,
  screenParticipant,
  unblindParticipant,
  withdrawParticipant,
  type Clock,
} from './participants.js';
import { cancelVisit, markVisitDone, markVisitMissed, rescheduleVisit, setVisitNotes } from './visits.js';
import { siteCalendar, worklists } from './worklists.js';
import { csvChunk } from './exports.js';

export interface ServiceContext {
  readonly conn: Connection;
  readonly mode: AppInfo['mode'];
  readonly appVersion: string;
  readonly now?: () => Date;
}

/** The API implementation: each method is one read or one transaction. */
export function createHandlers(ctx: ServiceContext): Handlers {
  const now = ctx.now ?? (() => new Date());
  const clock = () => clockAt(now());
  const appInfo = (db: ReadableDB): AppInfo => ({
    appVersion: ctx.appVersion,
    siteName: (db.prepare("SELECT value FROM app_meta WHERE key = 'site_name'").get() as { value: string } | undefined)?.value ?? null,
    databaseFile: ctx.conn.file,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    mode: ctx.mode,
  });
  const { conn } = ctx;
  /** One transaction, audited as this method, by whoever the input names, with its reason. */
  const write = <T>(method: string, input: { by?: string | undefined; reason?: string | undefined }, fn: (db: WritableDB) => T): T =>
    conn.write({ by: input.by ?? 'system', method, reason: input.reason ?? null, at: now().toISOString() }, fn);
  return {
    appInfo: () => conn.read(appInfo),
    setSetting: (input) =>
      write('setSetting', input, (db) => {
        db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(input.key, input.value);
        return appInfo(db);
      }),
    listProtocols: () => conn.read(listProtocols),
    getProtocol: ({ id }) => conn.read((db) => getProtocol(db, id)),
    previewSchedule: ({ protocolId, armKey, start, actual, missed }) => {
      const { protocol } = conn.read((db) => getProtocol(db, protocolId));
      return scheduleOrExplain(() => computeSchedule({ protocol, armKey, start, actual, missed }));
    },
    importProtocol: (input) =>
      write('importProtocol', { by: input.by, reason: input.note }, (db) =>
        importProtocol(db, input.document, { asNewVersion: input.asNewVersion, note: input.note, effectiveDate: input.effectiveDate, now: now().toISOString() }),
      ),
    protocolVersion: ({ id, version }) => conn.read((db) => getProtocolVersion(db, id, version)),
    diffProtocolVersions: ({ id, from, to }) =>
      conn.read((db) => ({ from, to, changes: diffProtocols(getProtocolVersion(db, id, from).protocol, getProtocolVersion(db, id, to).protocol) })),
    draftFromCtgov: ({ record, fileName }) =>
      conn.read((db) => {
        // A record for a trial already stored becomes a new version of that protocol.
        const nct = (record as { protocolSection?: { identificationModule?: { nctId?: unknown } } } | null)?.protocolSection?.identificationModule?.nctId;
        const existing = typeof nct === 'string' ? (db.prepare('SELECT id FROM protocols WHERE nct_id = ?').get(nct) as { id: string } | undefined) : undefined;
        try {
          return draftFromCtgov(record, { sourceDocument: fileName, id: existing?.id });
        } catch (e) {
          if (e instanceof CtgovError) throw new AppError('invalid_input', e.message, e.details);
          throw e;
        }
      }),
    previewMove: (input) => conn.read((db) => previewMove(db, input)),
    moveParticipants: (input) => write('moveParticipants', input, (db) => moveParticipants(db, input, clock())),

    listParticipants: ({ protocolId }) => conn.read((db) => listParticipants(db, protocolId)),
    getParticipant: ({ participantId }) => conn.read((db) => participantDetail(db, participantId)),
    screenParticipant: (input) => write('screenParticipant', input, (db) => participantDetail(db, screenParticipant(db, input, clock()))),
    answerEligibility: (input) => write('answerEligibility', input, (db) => (answerEligibility(db, input, clock()), participantDetail(db, input.participantId))),
    recordScreenFailure: (input) => write('recordScreenFailure', input, (db) => (recordScreenFailure(db, input, clock()), participantDetail(db, input.participantId))),
    enrollParticipant: (input) => write('enrollParticipant', input, (db) => (enrollParticipant(db, input, clock()), participantDetail(db, input.participantId))),
    withdrawParticipant: (input) => write('withdrawParticipant', input, (db) => (withdrawParticipant(db, input, clock()), participantDetail(db, input.participantId))),
    unblindParticipant: (input) => write('unblindParticipant', input, (db) => (unblindParticipant(db, input, clock()), participantDetail(db, input.participantId))),
    markVisitDone: (input) => write('markVisitDone', input, (db) => participantDetail(db, markVisitDone(db, input, clock()))),
    markVisitMissed: (input) => write('markVisitMissed', input, (db) => participantDetail(db, markVisitMissed(db, input, clock()))),
    cancelVisit: (input) => write('cancelVisit', input, (db) => participantDetail(db, cancelVisit(db, input, clock()))),
    rescheduleVisit: (input) => write('rescheduleVisit', input, (db) => participantDetail(db, rescheduleVisit(db, input, clock()))),
    setVisitNotes: (input) => write('setVisitNotes', input, (db) => participantDetail(db, setVisitNotes(db, input, clock()))),
    worklists: ({ today, limit }) => conn.read((db) => worklists(db, today, limit)),
    siteCalendar: ({ from, to, protocolId, statuses, perDay }) => conn.read((db) => siteCalendar(db, { from, to, protocolId: protocolId ?? null, statuses, perDay })),
    exportCsvChunk: (i) => conn.read((db) => csvChunk(db, i.kind, { protocolId: i.protocolId, from: i.from, to: i.to }, i.after, i.limit, i.bom)),
    participantAudit: ({ participantId }) => conn.read((db) => auditEntries(db, participantId)),
    listUsers: () => conn.read(listUsers),
    addUser: (input) =>
      write('addUser', { by: input.initials }, (db) => {
        if (db.prepare('SELECT 1 FROM users WHERE initials = ?').get(input.initials)) throw new AppError('conflict', `Initials ${input.initials} are already in use.`);
        db.prepare('INSERT INTO users (initials, name, created_at) VALUES (?, ?, ?)').run(input.initials, input.name, now().toISOString());
        return listUsers(db);
      }),
    importParticipants: (input) => write('importParticipants', input, (db) => importParticipants(db, input.protocolId, input.csv, input.by, clock())),
  };
}

function listUsers(db: ReadableDB): User[] {
  return db.prepare('SELECT initials, name FROM users ORDER BY name COLLATE NOCASE, initials').all() as User[];
}

/** "When" as an instant, and "today" as the local calendar date of this machine. */
export function clockAt(at: Date): Clock {
  const today = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
  return { now: at.toISOString(), today };
}

/**
 * The single entry for every transport (IPC, loopback HTTP, CLI): checks the method name,
 * parses the input with the contract's schema, runs the handler, and turns every failure into
 * an error body a person can read. Unexpected errors are reported without internals.
 */
export function dispatch(handlers: Handlers, method: unknown, rawInput: unknown, log: (e: unknown) => void = console.error): ApiResult<unknown> {
  if (!isMethod(method)) return fail({ code: 'unknown_method', message: `Unknown API method ${JSON.stringify(method)}.`, details: [] });
  const parsed = contract[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const details = describeIssues(parsed.error);
    return fail({ code: 'invalid_input', message: `Invalid input for ${method}: ${details[0]}`, details });
  }
  try {
    const handler = handlers[method] as (input: unknown) => unknown;
    return { ok: true, value: handler(parsed.data) };
  } catch (error) {
    if (error instanceof AppError) return fail({ code: error.code, message: error.message, details: error.details });
    if (error instanceof ZodError) {
      const details = describeIssues(error);
      return fail({ code: 'invalid_input', message: details[0] ?? 'Invalid input.', details });
    }
    if (isBusy(error)) return fail({ code: 'database', message: 'The database is busy: another Trial Coordinator process is writing. Try again.', details: [] });
    log(error);
    return fail({ code: 'internal', message: 'An unexpected error occurred; nothing was changed. The details are in the log.', details: [] });
  }
}

/** Runs the engine, turning its refusals (unknown arm or visit, bad date) into input errors. */
export function scheduleOrExplain<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ScheduleError) throw new AppError(error.code === 'unknown_arm' || error.code === 'unknown_visit' ? 'not_found' : 'invalid_input', error.message);
    throw error;
  }
}

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED');
}

function fail(error: ApiErrorBody): ApiResult<never> {
  return { ok: false, error };
}
