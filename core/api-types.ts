// What the API's methods return: the output half of the contract (core/api.ts).
import type { Protocol } from './protocol.js';
import type { Role } from './vocabulary.js';

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

/** How far the app is set up: a new database asks for its first administrator. */
export type SetupState =
  | { readonly state: 'new' }
  /** People were listed before sign-in existed: the first of them, an administrator, sets a passphrase. */
  | { readonly state: 'admin-passphrase'; readonly initials: string; readonly name: string }
  | { readonly state: 'ready' };

export interface AppInfo {
  readonly appVersion: string;
  /** The site's name for printed calendars; null until set. */
  readonly siteName: string | null;
  /** The locale dates are written in (a BCP 47 tag); null: the computer's own. */
  readonly dateLocale: string | null;
  readonly databaseFile: string;
  readonly schemaVersion: number;
  readonly mode: 'electron' | 'browser' | 'cli';
  readonly setup: SetupState;
  /** Minutes without use after which the app locks and asks for the passphrase again. */
  readonly idleLockMinutes: number;
  /** Days before a visit that a calendar file's reminder goes off (0: none). */
  readonly reminderDays: number;
}

/** The person signed in, as the backend knows them. */
export interface Actor {
  readonly initials: string;
  readonly name: string;
  readonly roles: readonly Role[];
  /** Their passphrase was set by an administrator: they choose their own before doing anything else. */
  readonly mustChangePassphrase: boolean;
}

export interface SessionView {
  readonly person: Actor | null;
  readonly locked: boolean;
  readonly idleLockMinutes: number;
  /** The page is the command line's (a print): it reads without anyone signed in. */
  readonly reader: boolean;
}

export interface Person {
  readonly initials: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly hasPassphrase: boolean;
  readonly disabled: { readonly at: string; readonly reason: string } | null;
}

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

/** The state of the backend's own work: the start-up checks, and long jobs under way. */
/** The head of the audit trail, as printed and kept outside the file: rows and the last row's keyed hash. */
export interface AuditHead {
  readonly rows: number;
  /** "rows:first 16 hex digits of the last hash": what `trialcoord audit verify --against` accepts. */
  readonly mark: string;
  readonly at: string;
}

/** The backups folder and what it holds, newest first. */
export interface BackupList {
  readonly folder: string;
  readonly keep: number;
  readonly backups: readonly { readonly file: string; readonly name: string; readonly madeAt: string | null; readonly bytes: number }[];
}

export interface RestoreResult {
  readonly restoredFrom: string;
  /** Where the database that was replaced is kept (null: there was none). */
  readonly keptAside: string | null;
}

export interface BackendStatus {
  readonly checks:
    | { readonly state: 'running'; readonly step: string; readonly startedAt: string }
    | { readonly state: 'passed'; readonly at: string; readonly summary: string }
    | { readonly state: 'failed'; readonly at: string; readonly problems: readonly string[] };
  readonly jobs: readonly { readonly id: number; readonly label: string; readonly done: number; readonly total: number }[];
}

/** A planned visit a change of the site's closed days moves (or flags, where its window has no open day). */
export interface ClosureMove {
  readonly participantId: number;
  readonly studyId: string;
  readonly protocolId: string;
  readonly visit: string;
  readonly from: string;
  readonly to: string;
  /** Why it moved ("Saturday", "Christmas Day"); null when it goes back to the date the protocol gives. */
  readonly because: string | null;
  /** The closed day it stays on, where no open day is in its window. */
  readonly closedDay: string | null;
}

export interface ClosureChange {
  /** False for a preview: nothing was written. */
  readonly applied: boolean;
  readonly moves: readonly ClosureMove[];
}

/** The site's working weekdays (ISO 1 Monday … 7 Sunday) and holidays. */
export interface SiteDays {
  readonly workingDays: readonly number[];
  /** "Monday to Friday", "every day". */
  readonly described: string;
  readonly holidays: readonly { readonly date: string; readonly label: string }[];
}
