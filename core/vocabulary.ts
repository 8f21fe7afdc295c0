// The app's vocabulary, defined once: visit and participant statuses, export kinds, roles, the
// identifier and date rules, the blinding rule, "today". Every other file imports them from here,
// the SQL CHECK constraints included (test/vocabulary.test.ts holds the schema's lists equal to
// these), so that adding a status is a change here, a migration, and the words it is shown in.
import { z } from 'zod';
import { isIsoDate } from './dates.js';

export const VISIT_STATUSES = ['planned', 'done', 'missed', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];
/** How a status reads on a screen, a print or in a sentence. */
export const VISIT_STATUS_WORDS: Readonly<Record<VisitStatus, string>> = { planned: 'Planned', done: 'Done', missed: 'Missed', cancelled: 'Cancelled' };
/** Statuses a visit never moves from once recorded (the engine keeps its date). */
export const SETTLED_VISIT_STATUSES: readonly VisitStatus[] = ['done', 'missed', 'cancelled'];

export const PARTICIPANT_STATUSES = ['screening', 'screen-failed', 'enrolled', 'withdrawn'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];
export const PARTICIPANT_STATUS_WORDS: Readonly<Record<ParticipantStatus, string>> = {
  screening: 'Screening',
  'screen-failed': 'Screen failed',
  enrolled: 'Enrolled',
  withdrawn: 'Withdrawn',
};

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];
export const SEX_WORDS: Readonly<Record<Sex, string>> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Unknown' };

export const EXPORT_KINDS = ['visits', 'participants', 'doses'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const ROLES = ['admin', 'coordinator', 'investigator', 'unblinded', 'monitor'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_WORDS: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  coordinator: 'Coordinator',
  investigator: 'Investigator',
  unblinded: 'Unblinded',
  monitor: 'Monitor',
};

/** Text a person typed: no NUL characters and no lone surrogates (they cannot be stored or printed faithfully). */
export function isPlainText(s: string): boolean {
  return s.isWellFormed() && !s.includes('\u0000');
}
const plain = (schema: z.ZodString) => schema.refine(isPlainText, 'contains characters that cannot be stored (a NUL or a broken character)');

/** A real calendar date, 0001-01-01 to 9999-12-31, read by the engine's own parser. */
export const IsoDateSchema = z.string().refine(isIsoDate, 'must be a real date (YYYY-MM-DD)');
/** A time of day on a 24-hour clock, 00:00 to 23:59. */
export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
export const TimeSchema = z.string().regex(TIME_PATTERN, 'must be a time from 00:00 to 23:59');
/** A date and a time of day, as a dose's time given is kept: YYYY-MM-DDTHH:MM. */
export const DateTimeSchema = z
  .string()
  .refine((s) => s.length === 16 && s[10] === 'T' && isIsoDate(s.slice(0, 10)) && TIME_PATTERN.test(s.slice(11)), 'must be a real date and a time from 00:00 to 23:59 (YYYY-MM-DDTHH:MM)');

export const STUDY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const StudyIdSchema = plain(z.string().trim().min(1, 'a study ID is required').max(40, 'at most 40 characters')).refine(
  (s) => STUDY_ID_PATTERN.test(s),
  'use letters, digits, dots, hyphens and underscores, starting with a letter or digit',
);
/** Participant initials: the app never stores a participant's name. */
export const INITIALS_PATTERN = /^[A-Z]{1,4}$/;
export const InitialsSchema = z.string().trim().regex(INITIALS_PATTERN, 'initials are 1 to 4 capital letters (no names)');
/** A person who works here: 1 to 8 capital letters, written beside every change they make. */
export const STAFF_INITIALS_PATTERN = /^[A-Z]{1,8}$/;
export const StaffInitialsSchema = z.string().trim().regex(STAFF_INITIALS_PATTERN, 'initials are 1 to 8 capital letters');
export const ReasonSchema = plain(z.string().trim().min(1, 'a reason is required').max(2000, 'at most 2,000 characters'));
export const NotesSchema = plain(z.string().trim().max(4000, 'at most 4,000 characters'));
export const PlainTextSchema = (max: number) => plain(z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`));

/** A decimal number as a person writes it: digits, an optional point and decimals. No 0x46, 7e1 or +1. */
export const DECIMAL_PATTERN = /^\d{1,6}(\.\d{1,6})?$/;
export function parseDecimal(s: string): number | null {
  return DECIMAL_PATTERN.test(s) ? Number(s) : null;
}

/** Blinded unless the protocol says open label: when masking is not stated, the safe reading is blinded. */
export function isBlindedMasking(masking: string | null | undefined): boolean {
  return masking !== 'NONE';
}
export function isBlinded(protocol: { readonly design: { readonly masking: string | null } }): boolean {
  return isBlindedMasking(protocol.design.masking);
}

/** The words for study treatment in a blinded trial: nothing that names the product or the arm. */
export const BLINDED_TREATMENT = 'Blinded study treatment';
/** A blinded dose's working: the same words for every arm, with the active arm's per-kg working where it depends on weight. */
export function blindedDoseText(activeWorking: string | null): string {
  return activeWorking === null ? BLINDED_TREATMENT : `${BLINDED_TREATMENT} (if active: ${activeWorking})`;
}
/** Label for a dose visit in a blinded trial. */
export function blindedDoseLabel(doseNumber: number, count: number | null): string {
  return count === null ? `Study treatment ${doseNumber}` : `Study treatment ${doseNumber} of ${count}`;
}

/** "Today": the calendar date on this computer's clock where it is. One rule, for the backend and the renderer. */
export function localToday(at: Date = new Date()): string {
  const y = at.getFullYear();
  const m = at.getMonth() + 1;
  const d = at.getDate();
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}
