// Exports: visits, participants and the dose log as CSV (streamed in chunks, so memory does not
// grow with the row count), and visits as iCalendar. Blinded trials show the blinded code,
// never the arm, in every export.
import { stringify } from 'csv-stringify/sync';
import * as ics from 'ics';
import { CSV_OPTIONS, type Cell } from '../core/csv.js';
import { AppError } from './errors.js';
import { findParticipant } from './participants.js';
import type { ReadableDB } from './types.js';

export const EXPORT_KINDS = ['visits', 'participants', 'doses'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_HEADERS: Record<ExportKind, readonly string[]> = {
  visits: ['participant', 'initials', 'trial', 'arm_or_code', 'visit_key', 'visit', 'kind', 'planned', 'projected', 'window_start', 'window_end', 'actual', 'status', 'out_of_window', 'reason'],
  participants: ['participant', 'initials', 'trial', 'arm_or_code', 'status', 'sex', 'birth_date', 'age_years', 'weight_kg', 'consent_date', 'day1', 'enrolled_at', 'screen_fail_reason', 'withdrawn_on', 'withdrawal_reason'],
  doses: ['participant', 'initials', 'trial', 'arm_or_code', 'visit_key', 'visit', 'given_at', 'lot_number', 'dose', 'weight_kg', 'total', 'total_unit', 'recorded_by'],
};

export interface ExportFilter {
  readonly protocolId?: string | undefined;
  /** Study ID within protocolId. */
  readonly studyId?: string | undefined;
  /** Inclusive date range: planned date for visits, time given for doses, enrollment for participants. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

// Blinded unless the protocol says open label: the same rule as everywhere else (core/eligibility.ts).
const ASSIGNMENT = `CASE WHEN pr.masking IS NOT 'NONE' THEN p.blinded_code ELSE coalesce(a.label, p.arm_key) END`;
const JOINS = `JOIN protocols pr ON pr.id = p.protocol_id
  LEFT JOIN arms a ON a.protocol_id = p.protocol_id AND a.version = p.protocol_version AND a.key = p.arm_key`;

function where(db: ReadableDB, f: ExportFilter, dateColumn: string): { sql: string; params: Record<string, unknown> } {
  if (f.studyId !== undefined && f.protocolId === undefined) throw new AppError('invalid_input', 'A participant is named by trial and study ID: give the trial too.');
  const participantId = f.studyId !== undefined ? findParticipant(db, f.protocolId!, f.studyId) : null;
  if (f.protocolId !== undefined && !db.prepare('SELECT 1 FROM protocols WHERE id = ?').get(f.protocolId)) throw new AppError('not_found', `No protocol "${f.protocolId}".`);
  const clauses = ['(@trial IS NULL OR p.protocol_id = @trial)', '(@pid IS NULL OR p.id = @pid)', `(@from IS NULL OR ${dateColumn} >= @from)`, `(@to IS NULL OR substr(${dateColumn}, 1, 10) <= @to)`];
  return { sql: `WHERE ${clauses.join(' AND ')}`, params: { trial: f.protocolId ?? null, pid: participantId, from: f.from ?? null, to: f.to ?? null } };
}

/** Each export's columns, tables, date column for the range filter, and order. */
const QUERIES: Record<ExportKind, { select: string; from: string; date: string; order: string }> = {
  visits: {
    select: `p.study_id, p.initials, p.protocol_id, ${ASSIGNMENT}, v.key, v.label, v.kind, v.planned_date, v.projected_date, v.window_start, v.window_end,
      v.actual_date, v.status, v.out_of_window, v.reason`,
    from: `visits v JOIN participants p ON p.id = v.participant_id ${JOINS}`,
    date: 'v.planned_date',
    order: 'v.planned_date, p.protocol_id, p.study_id, v.position',
  },
  participants: {
    select: `p.study_id, p.initials, p.protocol_id, ${ASSIGNMENT}, p.status, p.sex, p.birth_date, p.age_years, p.weight_kg, p.consent_date, p.day1,
      p.enrolled_at, p.screen_fail_reason, p.withdrawn_on, p.withdrawal_reason`,
    from: `participants p ${JOINS}`,
    date: "coalesce(p.day1, p.consent_date, '')",
    order: 'p.protocol_id, p.study_id',
  },
  doses: {
    select: `p.study_id, p.initials, p.protocol_id, ${ASSIGNMENT}, v.key, v.label, d.given_at, d.lot_number, d.dose_text, d.weight_kg, d.total_amount, d.total_unit, d.recorded_by`,
    from: `doses d JOIN visits v ON v.id = d.visit_id JOIN participants p ON p.id = d.participant_id ${JOINS}`,
    date: 'd.given_at',
    order: 'd.given_at, p.protocol_id, p.study_id',
  },
};

function query(db: ReadableDB, kind: ExportKind, f: ExportFilter) {
  const q = QUERIES[kind];
  if (!q) throw new AppError('invalid_input', `Unknown export "${String(kind)}"; use ${EXPORT_KINDS.join(', ')}.`);
  const w = where(db, f, q.date);
  return { q, w };
}

/** The rows of one export, oldest first, read lazily from the database; optionally one slice of them. */
export function* exportRows(db: ReadableDB, kind: ExportKind, f: ExportFilter, slice?: { offset: number; limit: number }): Generator<Cell[]> {
  const { q, w } = query(db, kind, f);
  yield* db
    .prepare(`SELECT ${q.select} FROM ${q.from} ${w.sql} ORDER BY ${q.order} LIMIT @limit OFFSET @offset`)
    .raw()
    .iterate({ ...w.params, limit: slice?.limit ?? -1, offset: slice?.offset ?? 0 }) as Generator<Cell[]>;
}

export function countRows(db: ReadableDB, kind: ExportKind, f: ExportFilter): number {
  const { q, w } = query(db, kind, f);
  return (db.prepare(`SELECT count(*) AS n FROM ${q.from} ${w.sql}`).get(w.params) as { n: number }).n;
}

const CHUNK = 2000;

/**
 * Writes an export as CSV (RFC 4180, UTF-8, header row, formula cells neutralized) in chunks,
 * calling `progress` after each; returns the number of rows. `write` returning false stops it.
 */
export function writeCsv(db: ReadableDB, kind: ExportKind, f: ExportFilter, write: (chunk: string) => boolean | void, options: { bom?: boolean; progress?: (rows: number) => void } = {}): number {
  const opts = CSV_OPTIONS;
  write(stringify([EXPORT_HEADERS[kind] as string[]], { ...opts, bom: options.bom ?? false }));
  let rows = 0;
  let batch: Cell[][] = [];
  const flush = () => {
    const go = write(stringify(batch, opts));
    batch = [];
    options.progress?.(rows);
    return go !== false;
  };
  for (const row of exportRows(db, kind, f)) {
    batch.push(row);
    rows++;
    if (batch.length === CHUNK && !flush()) return rows;
  }
  if (batch.length) flush();
  return rows;
}

/**
 * Visits as all-day iCalendar events. The UID names the trial, the participant and the visit,
 * so a calendar that imports the file again updates its events instead of adding copies.
 */
export function visitsIcs(db: ReadableDB, f: ExportFilter, calendarName: string): string {
  const events: ics.EventAttributes[] = [];
  for (const r of exportRows(db, 'visits', f)) {
    const [studyId, initials, trial, assignment, key, label, kind, planned, , windowStart, windowEnd, actual, status] = r as (string | null)[];
    const day = actual ?? planned!;
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    const window = windowStart === windowEnd ? `Window: ${windowStart} only` : `Window: ${windowStart} to ${windowEnd}`;
    events.push({
      uid: `${trial}.${studyId}.${key}@trial-coordinator`,
      title: `${studyId} (${initials}): ${label}`,
      start: [y, m, d],
      end: [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()],
      description: [`Trial: ${trial}`, `Visit: ${label} (${kind})`, assignment ? `Arm or code: ${assignment}` : null, window, `Status: ${status}${actual ? ` on ${actual}` : ''}`].filter(Boolean).join('\n'),
      status: status === 'cancelled' ? 'CANCELLED' : status === 'done' ? 'CONFIRMED' : 'TENTATIVE',
      calName: calendarName,
      productId: 'trial-coordinator/ics',
    });
  }
  if (events.length === 0) throw new AppError('not_found', 'No visits match; an empty calendar was not written.');
  const { error, value } = ics.createEvents(events);
  if (error || !value) throw new Error(`The calendar could not be written: ${String(error)}`);
  return value;
}

/** One slice of a CSV export, for an export that shows its progress and can be cancelled. */
export function csvChunk(db: ReadableDB, kind: ExportKind, f: ExportFilter, offset: number, limit: number, bom: boolean): { csv: string; rows: number; total: number; done: boolean } {
  const total = countRows(db, kind, f);
  const slice = [...exportRows(db, kind, f, { offset, limit })];
  const header = offset === 0 ? stringify([EXPORT_HEADERS[kind] as string[]], { ...CSV_OPTIONS, bom }) : '';
  return { csv: header + (slice.length ? stringify(slice, CSV_OPTIONS) : ''), rows: slice.length, total, done: offset + slice.length >= total };
}
