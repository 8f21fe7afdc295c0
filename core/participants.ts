// Types and rules for participants shared by the API, the service and the renderer.
import type { ScheduledVisit } from './schedule.js';
import type { ParticipantStatus, VisitStatus } from './vocabulary.js';

export interface AssignmentView {
  readonly blinded: boolean;
  /** Blinded code for blinded trials; null otherwise. */
  readonly code: string | null;
  /** The arm, only for open-label trials or after an explicit unblinding. */
  readonly armKey: string | null;
  readonly armLabel: string | null;
  /** False when only a blinded code is known here (the sponsor holds the arm): there is nothing to unblind. */
  readonly armOnRecord: boolean;
  /** The signed unblinding: who (name as they signed), when, and what the signature means. */
  readonly unblinded: { readonly by: string; readonly name: string; readonly at: string; readonly reason: string; readonly meaning: string } | null;
  readonly stratum: string | null;
}

/** A stored visit: the engine's fields, plus what happened and who recorded it. */
export interface VisitView
  extends Pick<
    ScheduledVisit,
    | 'key'
    | 'label'
    | 'kind'
    | 'doseNumber'
    | 'plannedDate'
    | 'projectedDate'
    | 'windowStart'
    | 'windowEnd'
    | 'windowText'
    | 'windowStated'
    | 'studyDay'
    | 'anchor'
    | 'procedures'
    | 'status'
    | 'actualDate'
    | 'outOfWindow'
    | 'rescheduled'
    | 'movedFrom'
    | 'movedBecause'
    | 'closedDay'
  > {
  readonly id: number;
  readonly reason: string | null;
  readonly notes: string | null;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  /** Who marked it done; null when not done, or done before this was kept. */
  readonly doneBy: string | null;
  /** The procedures ticked as done at Done; null: not recorded. */
  readonly proceduresDone: readonly string[] | null;
  readonly dose: DoseRecordView | null;
}

/**
 * Overdue: still planned after its window closed (the worklists' overdue list, the badges on the
 * participant page, the participants list and the calendar; db/worklists.ts asks the same in SQL).
 */
export function isOverdue(v: { readonly status: string; readonly windowEnd: string }, today: string): boolean {
  return v.status === 'planned' && v.windowEnd < today;
}

export interface ParticipantEventView {
  readonly key: string;
  readonly label: string;
  readonly description: string | null;
  readonly date: string | null;
  readonly recordedBy: string | null;
  readonly recordedAt: string | null;
  /** Why it was corrected, where it was. */
  readonly reason: string | null;
}

export interface DoseRecordView {
  readonly id: number;
  readonly givenAt: string;
  readonly lotNumber: string;
  readonly doseText: string;
  readonly weightKg: number | null;
  readonly totalAmount: number | null;
  readonly totalUnit: string | null;
  readonly recordedBy: string;
}

export interface ParticipantSummary {
  readonly id: number;
  readonly protocolId: string;
  readonly protocolTitle: string;
  readonly studyId: string;
  readonly initials: string;
  readonly status: ParticipantStatus;
  /** What to show for the arm: the arm label, or the blinded code. */
  readonly assignment: string | null;
  readonly nextVisit: { readonly label: string; readonly date: string } | null;
  /** Planned visits whose window has closed (see isOverdue). */
  readonly overdue: number;
}

export interface CriterionAnswer {
  readonly key: string;
  readonly kind: 'inclusion' | 'exclusion';
  readonly text: string;
  readonly group: string | null;
  readonly met: boolean | null;
  readonly answeredBy: string | null;
  readonly answeredAt: string | null;
}

export interface ParticipantDetail {
  readonly participant: {
    readonly id: number;
    readonly protocolId: string;
    readonly protocolTitle: string;
    readonly protocolVersion: number;
    readonly studyId: string;
    readonly initials: string;
    readonly birthDate: string | null;
    readonly ageYears: number | null;
    readonly sex: string;
    readonly weightKg: number | null;
    readonly consentDate: string | null;
    readonly status: ParticipantStatus;
    readonly screenFailReason: string | null;
    readonly day1: string | null;
    readonly enrolledAt: string | null;
    readonly withdrawnOn: string | null;
    readonly withdrawalReason: string | null;
  };
  readonly assignment: AssignmentView;
  readonly eligibility: {
    readonly eligible: boolean;
    readonly ageOk: boolean | null;
    readonly ageYears: number | null;
    readonly ageRange: string;
    readonly reasons: readonly string[];
    readonly criteria: readonly CriterionAnswer[];
    /** An investigator's signed confirmation; `current` is false once an answer changed after it. */
    readonly signature: { readonly by: string; readonly name: string; readonly at: string; readonly meaning: string; readonly current: boolean } | null;
  };
  readonly visits: readonly VisitView[];
  /** Visits the arm leaves without a date: after the last visit, or waiting for an event ("waiting for: Surgery date"). */
  readonly open: readonly { key: string; label: string; reason: string }[];
  /** The protocol's events, with the date recorded for this participant (null: not yet). */
  readonly events: readonly ParticipantEventView[];
  /** Arms that may be chosen by hand at enrollment: open-label trials with more than one arm; empty otherwise. */
  readonly manualArms: readonly { readonly key: string; readonly label: string }[];
  /** How a dose at a dose visit is computed, for showing before confirming. */
  readonly doseRule: { readonly text: string; readonly perKg: boolean; readonly amount: number | null; readonly unit: string | null; readonly blinded: boolean };
}

export interface WorklistRow {
  readonly visitId: number;
  readonly participantId: number;
  readonly studyId: string;
  readonly initials: string;
  readonly protocolId: string;
  readonly protocolTitle: string;
  readonly assignment: string | null;
  readonly visitLabel: string;
  readonly kind: string;
  readonly plannedDate: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly status: string;
  readonly actualDate: string | null;
  readonly reason: string | null;
  /** What the visit involves, for the printed day's list. */
  readonly procedures: readonly string[];
  /** Where the site's closed day moved it from, and why; or the closed day it stays on (no open day in its window). */
  readonly movedFrom: string | null;
  readonly movedBecause: string | null;
  readonly closedDay: string | null;
}

/** One trial at a glance, for the worklists' dashboard. */
export interface TrialCount {
  readonly protocolId: string;
  readonly title: string;
  /** The protocol's enrollment target; null where it does not state one. */
  readonly target: number | null;
  /** Every participant screened, whatever came of it. */
  readonly screened: number;
  /** Enrolled at some point (still enrolled, or withdrawn since): what counts against the target. */
  readonly everEnrolled: number;
  readonly enrolled: number;
  readonly withdrawn: number;
  readonly screenFailed: number;
  readonly overdue: number;
}

/** One day of the site calendar: its visits by status, and how many of them the filter shows. */
export interface CalendarDay {
  readonly date: string;
  readonly byStatus: Readonly<Record<VisitStatus, number>>;
  readonly shown: number;
}

/**
 * The site calendar from one day to another: every day that has visits, and the visits (all of
 * them, or at most `perDay` of each day), in day, trial and study ID order.
 */
export interface SiteCalendar {
  readonly from: string;
  readonly to: string;
  readonly days: readonly CalendarDay[];
  readonly visits: readonly WorklistRow[];
  readonly perDay: number | null;
}

/** How many rows of each worklist come first (more than a screen shows, and a small answer: the page opens at once); "Show all" asks for the rest. */
export const WORKLIST_FIRST = 25;

export interface Worklists {
  readonly today: string;
  readonly weekStart: string;
  readonly weekEnd: string;
  readonly dueToday: readonly WorklistRow[];
  readonly thisWeek: readonly WorklistRow[];
  readonly overdue: readonly WorklistRow[];
  readonly outOfWindow: readonly WorklistRow[];
  /** How many rows each list has in all; a list holds at most `limit` of them. */
  readonly totals: { readonly dueToday: number; readonly thisWeek: number; readonly overdue: number; readonly outOfWindow: number };
  readonly limit: number;
  /** Each trial (the one chosen, or all) at a glance. */
}

/** One row of the audit trail: who changed which record, when, through which action, and why. */
export interface AuditRecord {
  readonly id: number;
  readonly at: string;
  readonly by: string;
  readonly method: string;
  readonly reason: string | null;
  readonly entity: string;
  readonly entityId: string;
  readonly action: string;
  readonly participantId: number | null;
}

export interface AuditEntry extends AuditRecord {
  /** What the row is about, as a person names it: the visit's label, the participant's study ID, the criterion's text; null for others. */
  readonly subject: string | null;
  /** Fields that changed: name → [old, new] (for an insert, old is null). Blinded values are shown as "(blinded)". */
  readonly changes: Readonly<Record<string, readonly [unknown, unknown]>>;
  /** Other records the row wrote with its own (an imported participant's visits), each with its fields; absent for most rows. */
  readonly records?: readonly { readonly entity: string; readonly entityId: string; readonly subject: string | null; readonly changes: Readonly<Record<string, readonly [unknown, unknown]>> }[];
}
