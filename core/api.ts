// The one API contract. Each method has its input schema, its output type and who may call it.
// The backend (db/ behind the Electron utility process or browser mode's worker), the CLI and
// the renderer's client are all typed from this object; the backend checks the caller's roles
// and parses every input with the schema here before anything reaches db/.
//
// Who the caller is never travels in the input: the backend knows the signed-in person from the
// session, so nobody can write as someone else.
import { z } from 'zod';
import type { Protocol } from './protocol.js';
import type { ProtocolChange } from './protocol-diff.js';
import type { CtgovDraft } from './ctgov.js';
import type { Schedule } from './schedule.js';
import type { AuditEntry, ParticipantDetail, ParticipantSummary, SiteCalendar, TrialCount, Worklists } from './participants.js';
import { WORKLIST_FIRST } from './participants.js';
import { siteInputs } from './api-site.js';
import type {
  Actor,
  AppInfo,
  AuditHead,
  BackupList,
  RestoreResult,
  BackendStatus,
  ExportChunk,
  ImportParticipantsResult,
  ImportResult,
  ClosureChange,
  MovePreview,
  SiteDays,
  Person,
  ProtocolDetail,
  ProtocolSummary,
  SessionView,
} from './api-types.js';
import {
  DateTimeSchema,
  EXPORT_KINDS,
  InitialsSchema,
  IsoDateSchema,
  NotesSchema,
  PlainTextSchema,
  ReasonSchema,
  ROLES,
  SEXES,
  StaffInitialsSchema,
  StudyIdSchema,
  VISIT_STATUSES,
  type Role,
} from './vocabulary.js';

export type * from './api-types.js';

const Key = z.string().trim().min(1).max(80);
const ProtocolId = z.string().trim().min(1, 'a protocol id is required').max(60);
const ParticipantId = z.number().int().positive();
const VisitId = z.number().int().positive();
const Weight = z.number().positive('must be more than 0').max(500, 'must be at most 500');
/** At least 10 characters; never stored, logged or audited as typed (db/people.ts keeps a memory-hard hash). */
export const PASSPHRASE_MIN = 10;
const Passphrase = z.string().min(PASSPHRASE_MIN, `must be at least ${PASSPHRASE_MIN} characters`).max(1000);
/** Re-entering the passphrase signs a record (an electronic signature): it must be the signer's own. */
const Signature = z.string().min(1, 'enter your passphrase to sign').max(1000);

const ParticipantRef = z.object({ participantId: ParticipantId }).strict();
const Empty = z.object({}).strict();

export const SETTINGS = ['site_name', 'backup_keep', 'backup_folder', 'date_locale', 'idle_lock_minutes', 'reminder_days'] as const;
export type SettingKey = (typeof SETTINGS)[number];
/** The participant details a correction may change, as the CLI and the API name them. */
export const CORRECTABLE_FIELDS = ['initials', 'sex', 'birth_date', 'age', 'weight_kg', 'consent_date'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

const inputs = {
  screen: z
    .object({
      protocolId: ProtocolId,
      studyId: StudyIdSchema,
      initials: InitialsSchema,
      birthDate: IsoDateSchema.nullable().default(null),
      ageYears: z.number().int().min(0).max(130, 'must be at most 130').nullable().default(null),
      sex: z.enum(SEXES),
      weightKg: Weight.nullable().default(null),
      consentDate: IsoDateSchema,
    })
    .strict(),
  answers: z
    .object({
      participantId: ParticipantId,
      answers: z.array(z.object({ key: z.string().min(1).max(80), met: z.boolean() }).strict()).min(1).max(500),
      /** Needed when an answer already given is changed: a correction. */
      reason: ReasonSchema.optional(),
    })
    .strict(),
  confirmEligibility: z.object({ participantId: ParticipantId, passphrase: Signature }).strict(),
  /** A participant by study ID, in one trial, or (no trial) wherever the study ID is used once. */
  findParticipant: z.object({ protocolId: ProtocolId.optional(), studyId: z.string().trim().min(1).max(40) }).strict(),
  screenFail: z.object({ participantId: ParticipantId, reason: ReasonSchema }).strict(),
  enroll: z
    .object({
      participantId: ParticipantId,
      day1: IsoDateSchema,
      stratum: PlainTextSchema(60).optional(),
      /** Open-label trials only: assign this arm by hand instead of drawing from the list. */
      armKey: z.string().min(1).max(80).optional(),
    })
    .strict(),
  visitDone: z
    .object({
      visitId: VisitId,
      actualDate: IsoDateSchema,
      reason: ReasonSchema.optional(),
      notes: NotesSchema.optional(),
      /** The visit's procedures ticked as done (its own names); none given: not recorded. */
      proceduresDone: z.array(PlainTextSchema(300)).max(100).optional(),
      dose: z
        .object({
          lotNumber: PlainTextSchema(80),
          givenAt: DateTimeSchema,
          weightKg: Weight.nullable().default(null),
        })
        .strict()
        .optional(),
    })
    .strict(),
  visitReason: z.object({ visitId: VisitId, reason: ReasonSchema }).strict(),
  reschedule: z.object({ visitId: VisitId, newDate: IsoDateSchema, reason: ReasonSchema }).strict(),
  notes: z.object({ visitId: VisitId, notes: NotesSchema }).strict(),
  withdraw: z.object({ participantId: ParticipantId, date: IsoDateSchema, reason: ReasonSchema }).strict(),
  unblind: z.object({ participantId: ParticipantId, reason: ReasonSchema, passphrase: Signature }).strict(),
  reverseWithdrawal: z.object({ participantId: ParticipantId, reason: ReasonSchema }).strict(),
  correctParticipant: z
    .object({
      participantId: ParticipantId,
      field: z.enum(CORRECTABLE_FIELDS),
      /** The corrected value as text (a date, a number, initials, a sex); empty clears a date of birth, age or weight. */
      value: z.string().trim().max(40),
      reason: ReasonSchema,
    })
    .strict(),
  correctVisit: z
    .object({
      visitId: VisitId,
      actualDate: IsoDateSchema.optional(),
      lotNumber: PlainTextSchema(80).optional(),
      /** The time the dose was given, HH:MM, on the visit's (corrected) date. */
      givenTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time from 00:00 to 23:59').optional(),
      weightKg: Weight.optional(),
      proceduresDone: z.array(PlainTextSchema(300)).max(100).optional(),
      reason: ReasonSchema,
    })
    .strict()
    .refine((i) => i.actualDate !== undefined || i.lotNumber !== undefined || i.givenTime !== undefined || i.weightKg !== undefined || i.proceduresDone !== undefined, {
      message: 'say what to correct: the date, the lot, the time, the weight or the procedures done',
      path: ['actualDate'],
    }),
  worklists: z
    .object({ today: IsoDateSchema, limit: z.number().int().min(1).max(1_000_000).default(WORKLIST_FIRST), protocolId: ProtocolId.optional() })
    .strict(),
  siteCalendar: z
    .object({
      from: IsoDateSchema,
      to: IsoDateSchema,
      protocolId: ProtocolId.optional(),
      statuses: z.array(z.enum(VISIT_STATUSES)).max(VISIT_STATUSES.length).optional(),
      perDay: z.number().int().min(1).max(1000).optional(),
    })
    .strict()
    .refine((i) => i.from <= i.to, { message: 'the end date is before the start date', path: ['to'] }),
  importParticipants: z.object({ protocolId: ProtocolId, csv: z.string().max(20_000_000) }).strict(),
  setSetting: z
    .object({ key: z.enum(SETTINGS), value: PlainTextSchema(1000) })
    .strict()
    .refine((s) => s.key === 'backup_folder' || s.value.length <= 200, { message: 'at most 200 characters', path: ['value'] })
    .refine((s) => s.key !== 'backup_folder' || /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(s.value), { message: 'the backup folder is a full path (for example /home/me/backups or D:\\Backups)', path: ['value'] })
    .refine((s) => s.key !== 'reminder_days' || /^([0-9]|1[0-4])$/.test(s.value), { message: 'the reminder is a whole number of days before the visit, from 0 (none) to 14', path: ['value'] })
    .refine((s) => s.key !== 'backup_keep' || /^[1-9]\d{0,3}$/.test(s.value), { message: 'the number of backups to keep is a whole number from 1 to 9999', path: ['value'] })
    .refine((s) => s.key !== 'idle_lock_minutes' || /^([1-9]|[1-9]\d|1[0-1]\d|120)$/.test(s.value), { message: 'the idle lock is a whole number of minutes from 1 to 120', path: ['value'] })
    .refine((s) => s.key !== 'date_locale' || isLocale(s.value), { message: 'not a locale this computer knows (for example en-GB, en-US, fr-FR)', path: ['value'] }),
  reportError: z.object({ message: z.string().max(2000), stack: z.string().max(20_000), page: z.string().max(300) }).strict(),
  /** A backup now; `out` (another file) only from the command line. */
  backup: z.object({ out: z.string().min(1).max(4096).optional() }).strict(),
  /** A backup to restore: a file on this computer (one of the backups folder's, or another). */
  restore: z.object({ file: z.string().trim().min(1, 'choose a backup file').max(4096) }).strict(),
  signIn: z.object({ initials: StaffInitialsSchema, passphrase: z.string().min(1, 'enter your passphrase').max(1000) }).strict(),
  firstAdmin: z.object({ name: PlainTextSchema(120), initials: StaffInitialsSchema, passphrase: Passphrase }).strict(),
  unlock: z.object({ passphrase: z.string().min(1, 'enter your passphrase').max(1000) }).strict(),
  changePassphrase: z.object({ current: z.string().min(1).max(1000), next: Passphrase }).strict(),
  addUser: z
    .object({ name: PlainTextSchema(120), initials: StaffInitialsSchema, roles: z.array(z.enum(ROLES)).min(1, 'choose at least one role'), passphrase: Passphrase })
    .strict(),
  setRoles: z.object({ initials: StaffInitialsSchema, roles: z.array(z.enum(ROLES)).min(1, 'choose at least one role'), reason: ReasonSchema }).strict(),
  disableUser: z.object({ initials: StaffInitialsSchema, reason: ReasonSchema }).strict(),
  resetPassphrase: z.object({ initials: StaffInitialsSchema, passphrase: Passphrase, reason: ReasonSchema }).strict(),
  exportChunk: z
    .object({
      kind: z.enum(EXPORT_KINDS),
      protocolId: ProtocolId.optional(),
      from: IsoDateSchema.optional(),
      to: IsoDateSchema.optional(),
      /** Where the slice before ended (its `next`); none for the first slice. */
      after: z.tuple([z.string().max(200), z.string().max(200)]).optional(),
      studyId: z.string().trim().min(1).max(40).optional(),
      limit: z.number().int().min(1).max(20_000),
      bom: z.boolean().default(false),
    })
    .strict(),
  exportIcs: z
    .object({ protocolId: ProtocolId.optional(), studyId: z.string().trim().min(1).max(40).optional(), from: IsoDateSchema.optional(), to: IsoDateSchema.optional() })
    .strict(),
  protocolVersion: z.object({ id: ProtocolId, version: z.number().int().positive().optional() }).strict(),
  diff: z.object({ id: ProtocolId, from: z.number().int().positive(), to: z.number().int().positive() }).strict(),
  ctgov: z.object({ record: z.unknown(), fileName: PlainTextSchema(255) }).strict(),
  move: z
    .object({
      protocolId: ProtocolId,
      toVersion: z.number().int().positive(),
      /** Omitted: everyone screening or enrolled on an earlier version. */
      participantIds: z.array(ParticipantId).min(1).optional(),
    })
    .strict(),
  importProtocol: z
    .object({
      document: z.unknown(),
      asNewVersion: z.boolean().default(false),
      note: PlainTextSchema(2000).optional(),
      effectiveDate: IsoDateSchema.optional(),
    })
    .strict(),
  previewSchedule: z
    .object({
      protocolId: ProtocolId,
      armKey: Key,
      start: IsoDateSchema,
      actual: z.record(z.string().max(80), IsoDateSchema).default({}),
      missed: z.array(Key).default([]),
      /** Dates of the protocol's events (surgery), by event key. */
      events: z.record(z.string().max(80), IsoDateSchema).default({}),
    })
    .strict(),
};
const MoveWriteInput = inputs.move.extend({ reason: ReasonSchema.optional() }).strict();

function isLocale(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length === 1;
  } catch {
    return false;
  }
}

/**
 * Who may call a method. `read` methods change nothing and are open to every signed-in person
 * (what they see still depends on their roles: arms only with `unblinded`). `write` methods name
 * the roles that may call them. `public` methods need no sign-in (the sign-in itself).
 */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'read' }
  | { readonly kind: 'self' }
  | { readonly kind: 'write'; readonly roles: readonly Role[] };

const PUBLIC: Access = { kind: 'public' };
const READ: Access = { kind: 'read' };
/** A signed-in person acting on their own session or passphrase, whatever their roles. */
const SELF: Access = { kind: 'self' };
const write = (...roles: Role[]): Access => ({ kind: 'write', roles });
/** Screening, enrollment, visits, doses and their corrections. */
const CLINICAL = write('coordinator', 'investigator');

const method = <I extends z.ZodType, O>(input: I, access: Access) => ({ input, access, output: undefined as unknown as O });

export const contract = {
  appInfo: method<typeof Empty, AppInfo>(Empty, PUBLIC),
  signIn: method<typeof inputs.signIn, Actor>(inputs.signIn, PUBLIC),
  setUpFirstAdmin: method<typeof inputs.firstAdmin, Actor>(inputs.firstAdmin, PUBLIC),
  currentSession: method<typeof Empty, SessionView>(Empty, PUBLIC),
  /** A render error in the app, written to the log file in the data folder. */
  reportError: method<typeof inputs.reportError, null>(inputs.reportError, PUBLIC),
  unlock: method<typeof inputs.unlock, Actor>(inputs.unlock, SELF),
  signOut: method<typeof Empty, null>(Empty, SELF),
  changePassphrase: method<typeof inputs.changePassphrase, Actor>(inputs.changePassphrase, SELF),

  listUsers: method<typeof Empty, Person[]>(Empty, READ),
  addUser: method<typeof inputs.addUser, Person[]>(inputs.addUser, write('admin')),
  setUserRoles: method<typeof inputs.setRoles, Person[]>(inputs.setRoles, write('admin')),
  disableUser: method<typeof inputs.disableUser, Person[]>(inputs.disableUser, write('admin')),
  resetPassphrase: method<typeof inputs.resetPassphrase, Person[]>(inputs.resetPassphrase, write('admin')),
  setSetting: method<typeof inputs.setSetting, AppInfo>(inputs.setSetting, write('admin')),
  backupNow: method<typeof inputs.backup, { file: string }>(inputs.backup, write('admin')),
  siteDays: method<typeof Empty, SiteDays>(Empty, READ),
  /** `apply: false` previews what would move; `apply: true` writes the change and re-plans every schedule. */
  setWorkingDays: method<typeof siteInputs.setWorkingDays, ClosureChange>(siteInputs.setWorkingDays, write('admin')),
  addHolidays: method<typeof siteInputs.addHolidays, ClosureChange>(siteInputs.addHolidays, write('admin')),
  removeHoliday: method<typeof siteInputs.removeHoliday, ClosureChange>(siteInputs.removeHoliday, write('admin')),
  listBackups: method<typeof Empty, BackupList>(Empty, write('admin')),
  /** Checked by the writer, then swapped in by the backend host with every connection closed (the app and browser mode). */
  restoreBackup: method<typeof inputs.restore, RestoreResult>(inputs.restore, write('admin')),

  listProtocols: method<typeof Empty, ProtocolSummary[]>(Empty, READ),
  getProtocol: method<z.ZodObject<{ id: typeof ProtocolId }>, ProtocolDetail>(z.object({ id: ProtocolId }).strict(), READ),
  importProtocol: method<typeof inputs.importProtocol, ImportResult>(inputs.importProtocol, write('admin', 'coordinator', 'investigator')),
  protocolVersion: method<typeof inputs.protocolVersion, { protocol: Protocol; version: number }>(inputs.protocolVersion, READ),
  diffProtocolVersions: method<typeof inputs.diff, { from: number; to: number; changes: ProtocolChange[]; lines: string[] }>(inputs.diff, READ),
  draftFromCtgov: method<typeof inputs.ctgov, CtgovDraft>(inputs.ctgov, READ),
  previewMove: method<typeof inputs.move, MovePreview[]>(inputs.move, READ),
  moveParticipants: method<typeof MoveWriteInput, MovePreview[]>(MoveWriteInput, CLINICAL),
  previewSchedule: method<typeof inputs.previewSchedule, Schedule>(inputs.previewSchedule, READ),

  listParticipants: method<z.ZodObject<{ protocolId: z.ZodOptional<typeof ProtocolId> }>, ParticipantSummary[]>(
    z.object({ protocolId: ProtocolId.optional() }).strict(),
    READ,
  ),
  getParticipant: method<typeof ParticipantRef, ParticipantDetail>(ParticipantRef, READ),
  findParticipant: method<typeof inputs.findParticipant, { participantId: number }>(inputs.findParticipant, READ),
  participantAudit: method<typeof ParticipantRef, AuditEntry[]>(ParticipantRef, READ),
  auditHead: method<typeof Empty, AuditHead>(Empty, READ),
  screenParticipant: method<typeof inputs.screen, ParticipantDetail>(inputs.screen, CLINICAL),
  answerEligibility: method<typeof inputs.answers, ParticipantDetail>(inputs.answers, CLINICAL),
  confirmEligibility: method<typeof inputs.confirmEligibility, ParticipantDetail>(inputs.confirmEligibility, write('investigator')),
  recordScreenFailure: method<typeof inputs.screenFail, ParticipantDetail>(inputs.screenFail, CLINICAL),
  enrollParticipant: method<typeof inputs.enroll, ParticipantDetail>(inputs.enroll, CLINICAL),
  correctParticipant: method<typeof inputs.correctParticipant, ParticipantDetail>(inputs.correctParticipant, CLINICAL),
  withdrawParticipant: method<typeof inputs.withdraw, ParticipantDetail>(inputs.withdraw, CLINICAL),
  reverseWithdrawal: method<typeof inputs.reverseWithdrawal, ParticipantDetail>(inputs.reverseWithdrawal, write('investigator')),
  unblindParticipant: method<typeof inputs.unblind, ParticipantDetail>(inputs.unblind, write('unblinded')),
  markVisitDone: method<typeof inputs.visitDone, ParticipantDetail>(inputs.visitDone, CLINICAL),
  markVisitMissed: method<typeof inputs.visitReason, ParticipantDetail>(inputs.visitReason, CLINICAL),
  cancelVisit: method<typeof inputs.visitReason, ParticipantDetail>(inputs.visitReason, CLINICAL),
  rescheduleVisit: method<typeof inputs.reschedule, ParticipantDetail>(inputs.reschedule, CLINICAL),
  setVisitNotes: method<typeof inputs.notes, ParticipantDetail>(inputs.notes, CLINICAL),
  correctVisit: method<typeof inputs.correctVisit, ParticipantDetail>(inputs.correctVisit, CLINICAL),
  undoVisit: method<typeof inputs.visitReason, ParticipantDetail>(inputs.visitReason, CLINICAL),
  recordEvent: method<typeof siteInputs.recordEvent, ParticipantDetail>(siteInputs.recordEvent, CLINICAL),
  importParticipants: method<typeof inputs.importParticipants, ImportParticipantsResult>(inputs.importParticipants, CLINICAL),

  worklists: method<typeof inputs.worklists, Worklists>(inputs.worklists, READ),
  /** Each trial at a glance (the worklists' dashboard), asked apart so the lists come first. */
  trialsAtAGlance: method<z.ZodObject<{ today: typeof IsoDateSchema; protocolId: z.ZodOptional<typeof ProtocolId> }>, TrialCount[]>(z.object({ today: IsoDateSchema, protocolId: ProtocolId.optional() }).strict(), READ),
  siteCalendar: method<typeof inputs.siteCalendar, SiteCalendar>(inputs.siteCalendar, READ),
  exportCsvChunk: method<typeof inputs.exportChunk, ExportChunk>(inputs.exportChunk, READ),
  exportIcs: method<typeof inputs.exportIcs, { ics: string; events: number }>(inputs.exportIcs, READ),
} as const;

/** Methods the backend host answers itself, without the database (browser mode and Electron). */
export const hostContract = {
  backendStatus: method<typeof Empty, BackendStatus>(Empty, READ),
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type HostMethod = keyof typeof hostContract;
export type AnyMethod = Method | HostMethod;
type Def<M extends AnyMethod> = M extends Method ? Contract[M] : M extends HostMethod ? (typeof hostContract)[M] : never;
export type Input<M extends AnyMethod> = z.input<Def<M>['input']>;
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type Output<M extends AnyMethod> = Def<M>['output'];

/** Who is calling, as the backend resolved it from the session: a person, or the command line reading (no sign-in). */
export type Caller = { readonly kind: 'person'; readonly initials: string } | { readonly kind: 'local-reader' } | { readonly kind: 'nobody' };

export interface CallContext {
  /** The signed-in person; null for a public method called before sign-in, or a command-line read. */
  readonly actor: Actor | null;
  /** True when the caller may see the arms of unblinded participants (role `unblinded`). */
  readonly seesArms: boolean;
  /** True for the command line's reads (and the page it prints from): no sign-in, nothing written. */
  readonly reader: boolean;
}
export type Handlers = { [M in Method]: (input: ParsedInput<M>, ctx: CallContext) => Output<M> };

export type ApiErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'database' | 'unknown_method' | 'unauthorized' | 'forbidden' | 'locked' | 'internal';
export interface ApiErrorBody {
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly details: readonly string[];
}
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
export function isHostMethod(name: unknown): name is HostMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(hostContract, name);
}
export function accessOf(name: AnyMethod): Access {
  return isHostMethod(name) ? hostContract[name].access : contract[name].access;
}
