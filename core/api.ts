// The one API contract. The Electron IPC handler, the browser-mode server and the renderer's
// client are all typed from this object, and the main/server process parses every input with
// the schema here before it reaches db/.
import { z } from 'zod';
import type { Protocol } from './protocol.js';
import type { ProtocolChange } from './protocol-diff.js';
import type { CtgovDraft } from './ctgov.js';
import type { Schedule } from './schedule.js';
import {
  ByUserSchema,
  InitialsSchema,
  IsoDateSchema,
  ReasonSchema,
  SEXES,
  StudyIdSchema,
  type ParticipantDetail,
  type ParticipantSummary,
  type AuditEntry,
  WORKLIST_FIRST,
  type SiteCalendar,
  type Worklists,
} from './participants.js';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the form YYYY-MM-DD');
const Key = z.string().trim().min(1).max(80);

const ProtocolId = z.string().trim().min(1, 'a protocol id is required').max(60);

export interface ProtocolSummary {
  readonly id: string;
  readonly title: string;
  readonly nctId: string | null;
  readonly sponsor: string | null;
  readonly phases: readonly string[];
  readonly status: string | null;
  readonly allocation: string | null;
  readonly masking: string | null;
  readonly enrollmentTarget: number | null;
  readonly conditions: readonly string[];
  readonly armCount: number;
  readonly version: number;
}

export interface ProtocolDetail {
  readonly summary: ProtocolSummary;
  readonly protocol: Protocol;
  readonly importedAt: string;
  readonly versions: readonly {
    version: number;
    createdAt: string;
    note: string | null;
    /** The day new screenings start using this version; null: from the start. */
    effectiveDate: string | null;
    /** Participants on this version. */
    participants: number;
  }[];
}

export interface ImportResult {
  readonly id: string;
  readonly version: number;
  readonly outcome: 'created' | 'new-version' | 'unchanged';
}

export interface AppInfo {
  readonly appVersion: string;
  /** The site's name for printed calendars; null until set. */
  readonly siteName: string | null;
  readonly databaseFile: string;
  readonly schemaVersion: number;
  readonly mode: 'electron' | 'browser' | 'cli';
}

const ParticipantId = z.number().int().positive();
const ParticipantRef = z.object({ participantId: ParticipantId }).strict();
const ListParticipantsInput = z.object({ protocolId: ProtocolId.optional() }).strict();
const ScreenInput = z
  .object({
    protocolId: ProtocolId,
    studyId: StudyIdSchema,
    initials: InitialsSchema,
    birthDate: IsoDateSchema.nullable().default(null),
    ageYears: z.number().int().min(0).max(130).nullable().default(null),
    sex: z.enum(SEXES),
    weightKg: z.number().positive().max(500).nullable().default(null),
    consentDate: IsoDateSchema,
    by: ByUserSchema,
  })
  .strict();
const AnswerInput = z
  .object({
    participantId: ParticipantId,
    answers: z.array(z.object({ key: z.string().min(1), met: z.boolean() }).strict()).min(1),
    by: ByUserSchema,
  })
  .strict();
const ScreenFailInput = z.object({ participantId: ParticipantId, reason: ReasonSchema, by: ByUserSchema }).strict();
const EnrollInput = z
  .object({
    participantId: ParticipantId,
    day1: IsoDateSchema,
    stratum: z.string().trim().min(1).max(60).optional(),
    /** Open-label trials only: assign this arm by hand instead of drawing from the list. */
    armKey: z.string().min(1).optional(),
    by: ByUserSchema,
  })
  .strict();
const DoseInput = z
  .object({
    lotNumber: z.string().trim().min(1, 'the lot number is required').max(80),
    givenAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a date and time in the form YYYY-MM-DDTHH:MM'),
    weightKg: z.number().positive().max(500).nullable().default(null),
  })
  .strict();
const VisitDoneInput = z
  .object({
    visitId: z.number().int().positive(),
    actualDate: IsoDateSchema,
    reason: z.string().trim().max(2000).optional(),
    notes: z.string().trim().max(4000).optional(),
    dose: DoseInput.optional(),
    by: ByUserSchema,
  })
  .strict();
const VisitReasonInput = z.object({ visitId: z.number().int().positive(), reason: ReasonSchema, by: ByUserSchema }).strict();
const RescheduleInput = z.object({ visitId: z.number().int().positive(), newDate: IsoDateSchema, reason: ReasonSchema, by: ByUserSchema }).strict();
const NotesInput = z.object({ visitId: z.number().int().positive(), notes: z.string().trim().max(4000), by: ByUserSchema }).strict();
const WithdrawInput = z.object({ participantId: ParticipantId, date: IsoDateSchema, reason: ReasonSchema, by: ByUserSchema }).strict();
const UnblindInput = z.object({ participantId: ParticipantId, reason: ReasonSchema, by: ByUserSchema }).strict();
const WorklistsInput = z.object({ today: IsoDateSchema, limit: z.number().int().min(1).max(1_000_000).default(WORKLIST_FIRST) }).strict();
const SiteCalendarInput = z
  .object({
    from: IsoDateSchema,
    to: IsoDateSchema,
    protocolId: ProtocolId.optional(),
    statuses: z.array(z.enum(['planned', 'done', 'missed', 'cancelled'])).max(4).optional(),
    perDay: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .refine((i) => i.from <= i.to, { message: '"from" is after "to"', path: ['to'] });
const ImportParticipantsInput = z.object({ protocolId: ProtocolId, csv: z.string().max(20_000_000), by: ByUserSchema }).strict();

export const SETTINGS = ['site_name', 'backup_keep'] as const;
const SetSettingInput = z
  .object({
    key: z.enum(SETTINGS),
    value: z.string().trim().min(1, 'a value is required').max(200),
    by: ByUserSchema,
  })
  .strict()
  .refine((s) => s.key !== 'backup_keep' || /^[1-9]\d{0,3}$/.test(s.value), { message: 'backup_keep is a whole number of backups, 1 to 9999', path: ['value'] });

const AddUserInput = z
  .object({
    initials: z.string().trim().regex(/^[A-Z]{1,8}$/, 'initials are 1 to 8 capital letters'),
    name: z.string().trim().min(1, 'a name is required').max(120),
  })
  .strict();

export interface User {
  readonly initials: string;
  readonly name: string;
}

const ExportChunkInput = z
  .object({
    kind: z.enum(['visits', 'participants', 'doses']),
    protocolId: ProtocolId.optional(),
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    /** Where the slice before ended (its `next`); none for the first slice. */
    after: z.tuple([z.string().max(200), z.string().max(200)]).optional(),
    limit: z.number().int().min(1).max(20_000),
    bom: z.boolean().default(false),
  })
  .strict();

/**
 * One slice of a CSV export, whole participants at a time: the first slice (no `after`) brings
 * the header and `total`, the number of rows in all; `next` goes in the next slice's `after`,
 * and is null after the last slice.
 */
export interface ExportChunk {
  readonly csv: string;
  readonly rows: number;
  readonly total: number | null;
  readonly next: readonly [protocolId: string, studyId: string] | null;
}

export interface ImportParticipantsResult {
  readonly imported: number;
  readonly visits: number;
}

const ProtocolVersionInput = z.object({ id: ProtocolId, version: z.number().int().positive().optional() }).strict();
const DiffInput = z.object({ id: ProtocolId, from: z.number().int().positive(), to: z.number().int().positive() }).strict();
const CtgovInput = z.object({ record: z.unknown(), fileName: z.string().trim().min(1).max(255) }).strict();
const MoveInput = z
  .object({
    protocolId: ProtocolId,
    toVersion: z.number().int().positive(),
    /** Omitted: everyone screening or enrolled on an earlier version. */
    participantIds: z.array(ParticipantId).min(1).optional(),
  })
  .strict();
const MoveWriteInput = MoveInput.extend({ by: ByUserSchema, reason: ReasonSchema.optional() }).strict();

/** What moving one participant to another protocol version does to their visits. */
export interface VisitMove {
  readonly key: string;
  readonly label: string;
  /** added: new in the version; removed: planned and not in the version (it is cancelled); moved: a new planned date; changed: new label, procedures or window. */
  readonly change: 'added' | 'removed' | 'moved' | 'changed';
  readonly before: string | null;
  readonly after: string | null;
  readonly detail: string | null;
}
export interface MovePreview {
  readonly participantId: number;
  readonly studyId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Why this participant cannot be moved; null when they can. */
  readonly blocked: string | null;
  readonly changes: readonly VisitMove[];
  /** Visits already done (or missed, or cancelled): they stay exactly as recorded. */
  readonly kept: number;
}

const method = <I extends z.ZodType, O>(input: I) => ({ input, output: undefined as unknown as O });

export const contract = {
  appInfo: method<z.ZodObject<{}>, AppInfo>(z.object({}).strict()),
  listProtocols: method<z.ZodObject<{}>, ProtocolSummary[]>(z.object({}).strict()),
  getProtocol: method<z.ZodObject<{ id: typeof ProtocolId }>, ProtocolDetail>(z.object({ id: ProtocolId }).strict()),
  importProtocol: method<
    z.ZodObject<{
      document: z.ZodUnknown;
      asNewVersion: z.ZodDefault<z.ZodBoolean>;
      note: z.ZodOptional<z.ZodString>;
      effectiveDate: z.ZodOptional<typeof IsoDate>;
      by: z.ZodOptional<typeof ByUserSchema>;
    }>,
    ImportResult
  >(
    z
      .object({
        document: z.unknown(),
        asNewVersion: z.boolean().default(false),
        note: z.string().trim().min(1).max(2000).optional(),
        effectiveDate: IsoDate.optional(),
        by: ByUserSchema.optional(),
      })
      .strict(),
  ),
  protocolVersion: method<typeof ProtocolVersionInput, { protocol: Protocol; version: number }>(ProtocolVersionInput),
  diffProtocolVersions: method<typeof DiffInput, { from: number; to: number; changes: ProtocolChange[] }>(DiffInput),
  draftFromCtgov: method<typeof CtgovInput, CtgovDraft>(CtgovInput),
  previewMove: method<typeof MoveInput, MovePreview[]>(MoveInput),
  moveParticipants: method<typeof MoveWriteInput, MovePreview[]>(MoveWriteInput),
  previewSchedule: method<
    z.ZodObject<{
      protocolId: typeof ProtocolId;
      armKey: typeof Key;
      start: typeof IsoDate;
      actual: z.ZodDefault<z.ZodRecord<z.ZodString, typeof IsoDate>>;
      missed: z.ZodDefault<z.ZodArray<typeof Key>>;
    }>,
    Schedule
  >(
    z
      .object({
        protocolId: ProtocolId,
        armKey: Key,
        start: IsoDate,
        actual: z.record(z.string(), IsoDate).default({}),
        missed: z.array(Key).default([]),
      })
      .strict(),
  ),
  listParticipants: method<typeof ListParticipantsInput, ParticipantSummary[]>(ListParticipantsInput),
  getParticipant: method<typeof ParticipantRef, ParticipantDetail>(ParticipantRef),
  screenParticipant: method<typeof ScreenInput, ParticipantDetail>(ScreenInput),
  answerEligibility: method<typeof AnswerInput, ParticipantDetail>(AnswerInput),
  recordScreenFailure: method<typeof ScreenFailInput, ParticipantDetail>(ScreenFailInput),
  enrollParticipant: method<typeof EnrollInput, ParticipantDetail>(EnrollInput),
  markVisitDone: method<typeof VisitDoneInput, ParticipantDetail>(VisitDoneInput),
  markVisitMissed: method<typeof VisitReasonInput, ParticipantDetail>(VisitReasonInput),
  cancelVisit: method<typeof VisitReasonInput, ParticipantDetail>(VisitReasonInput),
  rescheduleVisit: method<typeof RescheduleInput, ParticipantDetail>(RescheduleInput),
  setVisitNotes: method<typeof NotesInput, ParticipantDetail>(NotesInput),
  withdrawParticipant: method<typeof WithdrawInput, ParticipantDetail>(WithdrawInput),
  unblindParticipant: method<typeof UnblindInput, ParticipantDetail>(UnblindInput),
  worklists: method<typeof WorklistsInput, Worklists>(WorklistsInput),
  siteCalendar: method<typeof SiteCalendarInput, SiteCalendar>(SiteCalendarInput),
  exportCsvChunk: method<typeof ExportChunkInput, ExportChunk>(ExportChunkInput),
  importParticipants: method<typeof ImportParticipantsInput, ImportParticipantsResult>(ImportParticipantsInput),
  participantAudit: method<typeof ParticipantRef, AuditEntry[]>(ParticipantRef),
  listUsers: method<z.ZodObject<{}>, User[]>(z.object({}).strict()),
  setSetting: method<typeof SetSettingInput, AppInfo>(SetSettingInput),
  addUser: method<typeof AddUserInput, User[]>(AddUserInput),
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type Input<M extends Method> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type Output<M extends Method> = Contract[M]['output'];
export type Handlers = { [M in Method]: (input: ParsedInput<M>) => Output<M> };

export type ApiErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'database' | 'unknown_method' | 'internal';
export interface ApiErrorBody {
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly details: readonly string[];
}
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
