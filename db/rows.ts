// The bottom layer of db/: each record table's columns as the code reads them, and the loaders
// every repository shares. test/rows.test.ts holds each column list equal to the table's
// pragma_table_info (name, type, NOT NULL), so a migration that changes a table changes this file.
import type { Protocol } from '../core/protocol.js';
import type { ParticipantStatus, VisitStatus } from '../core/vocabulary.js';
import { AppError } from './errors.js';
import { statements } from './statements.js';
import type { ReadableDB } from './types.js';

type SqlType = 'INTEGER' | 'TEXT' | 'REAL';
/** A column: its SQLite type, and whether it may be NULL. */
type Col = readonly [SqlType, 'null' | 'not null'];
type ColumnSpec = Readonly<Record<string, Col>>;

export const PARTICIPANT_COLUMNS = {
  id: ['INTEGER', 'null'],
  protocol_id: ['TEXT', 'not null'],
  protocol_version: ['INTEGER', 'not null'],
  study_id: ['TEXT', 'not null'],
  initials: ['TEXT', 'not null'],
  birth_date: ['TEXT', 'null'],
  age_years: ['INTEGER', 'null'],
  sex: ['TEXT', 'not null'],
  weight_kg: ['REAL', 'null'],
  consent_date: ['TEXT', 'null'],
  status: ['TEXT', 'not null'],
  screen_fail_reason: ['TEXT', 'null'],
  arm_key: ['TEXT', 'null'],
  blinded_code: ['TEXT', 'null'],
  stratum: ['TEXT', 'null'],
  day1: ['TEXT', 'null'],
  enrolled_at: ['TEXT', 'null'],
  withdrawn_on: ['TEXT', 'null'],
  withdrawal_reason: ['TEXT', 'null'],
  created_at: ['TEXT', 'not null'],
  created_by: ['TEXT', 'not null'],
  updated_at: ['TEXT', 'not null'],
} as const satisfies ColumnSpec;

export interface ParticipantRow {
  id: number;
  protocol_id: string;
  protocol_version: number;
  study_id: string;
  initials: string;
  birth_date: string | null;
  age_years: number | null;
  sex: string;
  weight_kg: number | null;
  consent_date: string | null;
  status: ParticipantStatus;
  screen_fail_reason: string | null;
  arm_key: string | null;
  blinded_code: string | null;
  stratum: string | null;
  day1: string | null;
  enrolled_at: string | null;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export const VISIT_COLUMNS = {
  id: ['INTEGER', 'null'],
  participant_id: ['INTEGER', 'not null'],
  key: ['TEXT', 'not null'],
  position: ['INTEGER', 'not null'],
  label: ['TEXT', 'not null'],
  kind: ['TEXT', 'not null'],
  series: ['TEXT', 'null'],
  dose_number: ['INTEGER', 'null'],
  planned_date: ['TEXT', 'not null'],
  projected_date: ['TEXT', 'not null'],
  window_start: ['TEXT', 'not null'],
  window_end: ['TEXT', 'not null'],
  window_text: ['TEXT', 'null'],
  window_stated: ['INTEGER', 'not null'],
  study_day: ['INTEGER', 'not null'],
  anchor: ['TEXT', 'not null'],
  procedures: ['TEXT', 'not null'],
  status: ['TEXT', 'not null'],
  actual_date: ['TEXT', 'null'],
  out_of_window: ['INTEGER', 'not null'],
  rescheduled_date: ['TEXT', 'null'],
  reason: ['TEXT', 'null'],
  notes: ['TEXT', 'null'],
  updated_by: ['TEXT', 'null'],
  updated_at: ['TEXT', 'null'],
  settled_seq: ['INTEGER', 'null'],
  done_by: ['TEXT', 'null'],
  procedures_done: ['TEXT', 'null'],
  moved_from: ['TEXT', 'null'],
  moved_because: ['TEXT', 'null'],
  closed_day: ['TEXT', 'null'],
} as const satisfies ColumnSpec;

export interface VisitRow {
  id: number;
  participant_id: number;
  key: string;
  position: number;
  label: string;
  kind: string;
  series: string | null;
  dose_number: number | null;
  planned_date: string;
  projected_date: string;
  window_start: string;
  window_end: string;
  window_text: string | null;
  window_stated: number;
  study_day: number;
  anchor: string;
  procedures: string;
  status: VisitStatus;
  actual_date: string | null;
  out_of_window: number;
  rescheduled_date: string | null;
  reason: string | null;
  notes: string | null;
  updated_by: string | null;
  updated_at: string | null;
  /** The order this participant's visits were settled in (done, missed, cancelled); null while planned. */
  settled_seq: number | null;
  /** Who marked it done (updated_by moves with later notes and corrections); null otherwise. */
  done_by: string | null;
  /** The procedures ticked at Done, as a JSON list of the visit's own names; null: not recorded. */
  procedures_done: string | null;
  /** The date the protocol alone gives, where a closed day of the site moved the visit; its reason ("Saturday"). */
  moved_from: string | null;
  moved_because: string | null;
  /** The closed day the planned date falls on where the window holds no open day. */
  closed_day: string | null;
}

export const DOSE_COLUMNS = {
  id: ['INTEGER', 'null'],
  visit_id: ['INTEGER', 'not null'],
  participant_id: ['INTEGER', 'not null'],
  given_at: ['TEXT', 'not null'],
  lot_number: ['TEXT', 'not null'],
  dose_text: ['TEXT', 'not null'],
  weight_kg: ['REAL', 'null'],
  total_amount: ['REAL', 'null'],
  total_unit: ['TEXT', 'null'],
  recorded_by: ['TEXT', 'not null'],
  recorded_at: ['TEXT', 'not null'],
} as const satisfies ColumnSpec;

export interface DoseRow {
  id: number;
  visit_id: number;
  participant_id: number;
  given_at: string;
  lot_number: string;
  dose_text: string;
  weight_kg: number | null;
  total_amount: number | null;
  total_unit: string | null;
  recorded_by: string;
  recorded_at: string;
}

/** The tables the specs above describe, for the test that holds them to the schema. */
export const ROW_SPECS: Readonly<Record<string, ColumnSpec>> = { participants: PARTICIPANT_COLUMNS, visits: VISIT_COLUMNS, doses: DOSE_COLUMNS };

export interface Clock {
  /** ISO timestamp for "when" columns. */
  readonly now: string;
  /** The local calendar date, to refuse records from the future. */
  readonly today: string;
}

const stmts = statements((db) => ({
  participant: db.prepare('SELECT * FROM participants WHERE id = ?'),
  participantByStudyId: db.prepare('SELECT id FROM participants WHERE protocol_id = ? AND study_id = ?').pluck(),
  visit: db.prepare('SELECT * FROM visits WHERE id = ?'),
  visitsOf: db.prepare('SELECT * FROM visits WHERE participant_id = ?'),
  document: db.prepare('SELECT document FROM protocol_versions WHERE protocol_id = ? AND version = ?').pluck(),
}));

export function participantRow(db: ReadableDB, id: number): ParticipantRow {
  const row = stmts(db).participant.get(id) as ParticipantRow | undefined;
  if (!row) throw new AppError('not_found', `No participant with id ${id}.`);
  return row;
}

export function visitRow(db: ReadableDB, id: number): VisitRow {
  const row = stmts(db).visit.get(id) as VisitRow | undefined;
  if (!row) throw new AppError('not_found', `No visit with id ${id}.`);
  return row;
}

export function visitRowsOf(db: ReadableDB, participantId: number): VisitRow[] {
  return stmts(db).visitsOf.all(participantId) as VisitRow[];
}

/** A participant's id from their trial and study ID. */
export function findParticipant(db: ReadableDB, protocolId: string, studyId: string): number {
  const id = stmts(db).participantByStudyId.get(protocolId, studyId) as number | undefined;
  if (id === undefined) throw new AppError('not_found', `No participant ${studyId} in ${protocolId}.`);
  return id;
}

/** A participant by study ID: in one trial, or where no trial is named, the one trial that uses the study ID. */
export function participantByStudyId(db: ReadableDB, studyId: string, protocolId: string | undefined): number {
  if (protocolId !== undefined) return findParticipant(db, protocolId, studyId);
  const rows = db.prepare('SELECT id, protocol_id FROM participants WHERE study_id = ?').all(studyId) as { id: number; protocol_id: string }[];
  if (rows.length === 0) throw new AppError('not_found', `No participant ${studyId}.`);
  if (rows.length > 1) throw new AppError('invalid_input', `${studyId} is in ${rows.map((r) => r.protocol_id).join(' and ')}: say which trial (--trial).`);
  return rows[0]!.id;
}

// Protocol versions never change once written, so a parsed document can be reused; the cache is
// keyed by the document text itself, so two databases can never share a wrong entry.
const parsedProtocols = new Map<string, Protocol>();

/** The protocol version a participant is on. */
export function protocolFor(db: ReadableDB, row: { protocol_id: string; protocol_version: number }): Protocol {
  const doc = stmts(db).document.get(row.protocol_id, row.protocol_version) as string;
  let protocol = parsedProtocols.get(doc);
  if (!protocol) {
    if (parsedProtocols.size > 200) parsedProtocols.clear();
    protocol = JSON.parse(doc) as Protocol;
    parsedProtocols.set(doc, protocol);
  }
  return protocol;
}
