// The API implementation: each method is one read or one transaction, written for the person the
// backend resolved from the session (db/dispatch.ts checked their roles before this runs).
import type { AppInfo, CallContext, Handlers } from '../core/api.js';
import { CtgovError, draftFromCtgov } from '../core/ctgov.js';
import { diffProtocols } from '../core/protocol-diff.js';
import { describeDifferences } from '../core/protocol-diff-words.js';
import { computeSchedule, ScheduleError } from '../core/schedule.js';
import { localToday } from '../core/vocabulary.js';
import { moveParticipants, previewMove } from './amendments.js';
import { auditEntries } from './audit-views.js';
import { auditAnchor, headMark } from './audit-verify.js';
import type { Connection } from './connection.js';
import { writer } from './dispatch.js';
import { AppError } from './errors.js';
import { csvChunk, visitsIcs } from './exports.js';
import { importParticipants } from './import-participants.js';
import { listParticipants, participantDetail } from './participant-views.js';
import {
  answerEligibility,
  confirmEligibility,
  correctParticipant,
  enrollParticipant,
  recordScreenFailure,
  reverseWithdrawal,
  screenParticipant,
  unblindParticipant,
  withdrawParticipant,
} from './participants.js';
import { checkPassphrase, setupState } from './people.js';
import { getProtocol, getProtocolVersion, importProtocol, listProtocols } from './protocols.js';
import { participantByStudyId, type Clock } from './rows.js';
import { peopleHandlers } from './service-people.js';
import { siteHandlers } from './service-site.js';
import { siteClosures } from './site-days.js';
import type { Writes } from './writes.js';
import { readSetting } from './settings.js';
import type { ReadableDB } from './types.js';
import { cancelVisit, correctVisit, markVisitDone, markVisitMissed, rescheduleVisit, setVisitNotes, undoVisit } from './visit-records.js';
import { siteCalendar, trialCounts, worklists } from './worklists.js';

export interface ServiceContext {
  readonly conn: Connection;
  readonly mode: AppInfo['mode'];
  readonly appVersion: string;
  readonly now?: () => Date;
  /** How a long method (an import) reports how far it is; the backend host shows it. */
  readonly progress?: (label: string, done: number, total: number) => void;
}

export const DEFAULT_IDLE_LOCK_MINUTES = 15;
/** A calendar file's reminder: the day before each visit. */
export const DEFAULT_REMINDER_DAYS = 1;

export function createHandlers(ctx: ServiceContext): Handlers {
  const now = ctx.now ?? (() => new Date());
  const clock = (): Clock => clockAt(now());
  const { conn } = ctx;
  const appInfo = (db: ReadableDB): AppInfo => ({
    appVersion: ctx.appVersion,
    siteName: readSetting(db, 'site_name'),
    dateLocale: readSetting(db, 'date_locale'),
    databaseFile: conn.file,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    mode: ctx.mode,
    setup: setupState(db),
    idleLockMinutes: Number(readSetting(db, 'idle_lock_minutes') ?? DEFAULT_IDLE_LOCK_MINUTES),
    reminderDays: Number(readSetting(db, 'reminder_days') ?? DEFAULT_REMINDER_DAYS),
  });
  const writes: Writes = {
    clock,
    write: (method, c, reason, fn) => {
      const by = writer(c);
      return conn.write({ by: by.initials, method, reason: reason ?? null, at: now().toISOString() }, (db) => fn(db, by));
    },
    signature: (c, passphrase) => {
      const by = writer(c);
      const check = conn.bookkeep((db) => checkPassphrase(db, by.initials, passphrase, clock()));
      if (!check.ok) throw new AppError('forbidden', `Not signed: ${check.message}`);
      return check.actor;
    },
  };
  const { write } = writes;
  const detail = (db: ReadableDB, id: number, c: CallContext) => participantDetail(db, id, c.seesArms);
  return {
    appInfo: () => conn.read(appInfo),
    ...peopleHandlers(conn, writes, appInfo, ctx.mode),
    ...siteHandlers(conn, writes),
    listProtocols: () => conn.read(listProtocols),
    getProtocol: ({ id }) => conn.read((db) => getProtocol(db, id)),
    previewSchedule: ({ protocolId, armKey, start, actual, missed, events }) => {
      // The site's working days and holidays apply, as they will to a participant's schedule.
      const { protocol, closures } = conn.read((db) => ({ protocol: getProtocol(db, protocolId).protocol, closures: siteClosures(db) }));
      return scheduleOrExplain(() => computeSchedule({ protocol, armKey, start, actual, missed, events, closures }));
    },
    importProtocol: (input, c) =>
      write('importProtocol', c, input.note, (db) =>
        importProtocol(db, input.document, { asNewVersion: input.asNewVersion, note: input.note, effectiveDate: input.effectiveDate, now: now().toISOString() }),
      ),
    protocolVersion: ({ id, version }) => conn.read((db) => getProtocolVersion(db, id, version)),
    diffProtocolVersions: ({ id, from, to }) =>
      conn.read((db) => {
        const [a, b] = [getProtocolVersion(db, id, from).protocol, getProtocolVersion(db, id, to).protocol];
        return { from, to, changes: diffProtocols(a, b), lines: describeDifferences(a, b) };
      }),
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
    moveParticipants: (input, c) => write('moveParticipants', c, input.reason, (db, by) => moveParticipants(db, input, by.initials, clock())),

    listParticipants: ({ protocolId }, c) => conn.read((db) => listParticipants(db, protocolId, c.seesArms, clock().today)),
    getParticipant: ({ participantId }, c) => conn.read((db) => detail(db, participantId, c)),
    findParticipant: ({ protocolId, studyId }) => conn.read((db) => ({ participantId: participantByStudyId(db, studyId, protocolId) })),
    participantAudit: ({ participantId }, c) => conn.read((db) => auditEntries(db, participantId, c.seesArms)),
    auditHead: () => conn.read((db) => headMark(auditAnchor(db))),
    screenParticipant: (input, c) => write('screenParticipant', c, null, (db, by) => detail(db, screenParticipant(db, input, by.initials, clock()), c)),
    answerEligibility: (input, c) => write('answerEligibility', c, input.reason, (db, by) => (answerEligibility(db, input, by.initials, clock()), detail(db, input.participantId, c))),
    confirmEligibility: (input, c) => {
      const signer = writes.signature(c, input.passphrase);
      return write('confirmEligibility', c, 'Eligibility confirmed (signed)', (db) => (confirmEligibility(db, input.participantId, signer, clock()), detail(db, input.participantId, c)));
    },
    recordScreenFailure: (input, c) => write('recordScreenFailure', c, input.reason, (db) => (recordScreenFailure(db, input, clock()), detail(db, input.participantId, c))),
    enrollParticipant: (input, c) => write('enrollParticipant', c, null, (db) => (enrollParticipant(db, input, clock()), detail(db, input.participantId, c))),
    correctParticipant: (input, c) => write('correctParticipant', c, input.reason, (db) => (correctParticipant(db, input, clock()), detail(db, input.participantId, c))),
    withdrawParticipant: (input, c) => write('withdrawParticipant', c, input.reason, (db, by) => (withdrawParticipant(db, input, by.initials, clock()), detail(db, input.participantId, c))),
    reverseWithdrawal: (input, c) => write('reverseWithdrawal', c, input.reason, (db, by) => (reverseWithdrawal(db, input, by.initials, clock()), detail(db, input.participantId, c))),
    unblindParticipant: (input, c) => {
      const signer = writes.signature(c, input.passphrase);
      return write('unblindParticipant', c, input.reason, (db) => (unblindParticipant(db, input.participantId, input.reason, signer, clock()), detail(db, input.participantId, c)));
    },
    markVisitDone: (input, c) => write('markVisitDone', c, input.reason, (db, by) => detail(db, markVisitDone(db, input, by.initials, clock()), c)),
    markVisitMissed: (input, c) => write('markVisitMissed', c, input.reason, (db, by) => detail(db, markVisitMissed(db, input, by.initials, clock()), c)),
    cancelVisit: (input, c) => write('cancelVisit', c, input.reason, (db, by) => detail(db, cancelVisit(db, input, by.initials, clock()), c)),
    rescheduleVisit: (input, c) => write('rescheduleVisit', c, input.reason, (db, by) => detail(db, rescheduleVisit(db, input, by.initials, clock()), c)),
    setVisitNotes: (input, c) => write('setVisitNotes', c, null, (db, by) => detail(db, setVisitNotes(db, input, by.initials, clock()), c)),
    correctVisit: (input, c) => write('correctVisit', c, input.reason, (db, by) => detail(db, correctVisit(db, input, by.initials, clock()), c)),
    undoVisit: (input, c) => write('undoVisit', c, input.reason, (db, by) => detail(db, undoVisit(db, input, by.initials, clock()), c)),
    importParticipants: (input, c) => write('importParticipants', c, 'Imported from CSV', (db, by) => importParticipants(db, input.protocolId, input.csv, by.initials, clock(), ctx.progress)),

    worklists: ({ today, limit, protocolId }, c) => conn.read((db) => worklists(db, today, limit, protocolId ?? null, c.seesArms)),
    trialsAtAGlance: ({ today, protocolId }) => conn.read((db) => trialCounts(db, today, protocolId ?? null)),
    siteCalendar: ({ from, to, protocolId, statuses, perDay }) => conn.read((db) => siteCalendar(db, { from, to, protocolId: protocolId ?? null, statuses, perDay })),
    exportCsvChunk: (i) => conn.read((db) => csvChunk(db, i.kind, { protocolId: i.protocolId, studyId: i.studyId, from: i.from, to: i.to }, i.after, i.limit, i.bom)),
    exportIcs: (i) =>
      conn.read((db) => {
        const ics = visitsIcs(db, i, `Trial Coordinator${i.protocolId ? `: ${i.protocolId}` : ''}${i.studyId ? ` ${i.studyId}` : ''}`, { reminderDays: appInfo(db).reminderDays });
        return { ics, events: ics.split('BEGIN:VEVENT').length - 1 };
      }),
  };
}

/** "When" as an instant, and "today" as the local calendar date of this machine. */
export function clockAt(at: Date): Clock {
  return { now: at.toISOString(), today: localToday(at) };
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
