// Exports: visits, participants and the dose log as CSV (streamed in chunks, so memory does not
// grow with the row count), and visits as iCalendar. Blinded trials show the blinded code,
// never the arm, in every export.
import * as ics from 'ics';
import type { ExportChunk } from '../core/api.js';
import { csvLine, type Cell } from '../core/csv.js';
import { AppError } from './errors.js';
import { findParticipant } from './rows.js';
import type { ReadableDB } from './types.js';

import { EXPORT_KINDS, type ExportKind } from '../core/vocabulary.js';

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

/**
 * Each export's own columns and date column (for the range filter). Rows come grouped by trial
 * and participant (study ID order), each participant's rows in date order: the participants are
 * read in their unique index's order and each one's visits or doses from that participant's
 * index, so nothing is sorted, whatever the number of rows, and a participant's columns are read
 * once, not once per visit.
 */
const QUERIES: Record<ExportKind, { date: string; perParticipant: string | null; own: string | null }> = {
  visits: {
    date: 'v.planned_date',
    perParticipant: `SELECT v.key, v.label, v.kind, v.planned_date, v.projected_date, v.window_start, v.window_end, v.actual_date, v.status, v.out_of_window, v.reason
      FROM visits v WHERE v.participant_id = @id DATES ORDER BY v.planned_date, v.position`,
    own: null,
  },
  participants: {
    date: "coalesce(p.day1, p.consent_date, '')",
    perParticipant: null,
    own: 'p.status, p.sex, p.birth_date, p.age_years, p.weight_kg, p.consent_date, p.day1, p.enrolled_at, p.screen_fail_reason, p.withdrawn_on, p.withdrawal_reason',
  },
  doses: {
    date: 'd.given_at',
    perParticipant: `SELECT v.key, v.label, d.given_at, d.lot_number, d.dose_text, d.weight_kg, d.total_amount, d.total_unit, d.recorded_by
      FROM doses d JOIN visits v ON v.id = d.visit_id WHERE d.participant_id = @id DATES ORDER BY d.given_at, d.id`,
    own: null,
  },
};

/** Where a slice of an export ends: the last participant in it (trial, study ID). */
export type ExportCursor = readonly [protocolId: string, studyId: string];

function plan(db: ReadableDB, kind: ExportKind, f: ExportFilter, after: ExportCursor | undefined) {
  const q = QUERIES[kind];
  if (!q) throw new AppError('invalid_input', `Unknown export "${String(kind)}"; use ${EXPORT_KINDS.join(', ')}.`);
  if (f.studyId !== undefined && f.protocolId === undefined) throw new AppError('invalid_input', 'A participant is named by trial and study ID: give the trial too.');
  const participantId = f.studyId !== undefined ? findParticipant(db, f.protocolId!, f.studyId) : null;
  if (f.protocolId !== undefined && !db.prepare('SELECT 1 FROM protocols WHERE id = ?').get(f.protocolId)) throw new AppError('not_found', `No protocol "${f.protocolId}".`);
  const dates = [f.from !== undefined ? `${q.date} >= @from` : null, f.to !== undefined ? `substr(${q.date}, 1, 10) <= @to` : null].filter((c) => c !== null);
  const who = [
    f.protocolId !== undefined ? 'p.protocol_id = @trial' : null,
    participantId !== null ? 'p.id = @pid' : null,
    after ? '(p.protocol_id, p.study_id) > (@afterTrial, @afterStudy)' : null,
    ...(q.perParticipant === null ? dates : []),
  ].filter((c) => c !== null);
  const whoParams = {
    ...(f.protocolId !== undefined ? { trial: f.protocolId } : {}),
    ...(participantId !== null ? { pid: participantId } : {}),
    ...(after ? { afterTrial: after[0], afterStudy: after[1] } : {}),
  };
  const dateParams = { ...(f.from !== undefined ? { from: f.from } : {}), ...(f.to !== undefined ? { to: f.to } : {}) };
  const where = who.length ? `WHERE ${who.join(' AND ')}` : '';
  const participants = `SELECT p.id, p.protocol_id, p.study_id, p.initials, p.protocol_version, p.arm_key, p.blinded_code${q.own ? `, ${q.own}` : ''}
    FROM participants p ${where} ORDER BY p.protocol_id, p.study_id`;
  const perParticipant = q.perParticipant?.replace('DATES', dates.map((d) => `AND ${d}`).join(' ')) ?? null;
  return { participants, perParticipant, where, dates, whoParams, dateParams, participantParams: q.perParticipant === null ? { ...whoParams, ...dateParams } : whoParams };
}

/**
 * How each row names its arm: the blinded code unless the protocol says open label (the same
 * rule as everywhere else, core/eligibility.ts), else the arm's label in the participant's version.
 */
function assignments(db: ReadableDB): (protocolId: string, version: number, armKey: string | null, code: string | null) => string | null {
  const open = new Set((db.prepare("SELECT id FROM protocols WHERE masking IS 'NONE'").all() as { id: string }[]).map((r) => r.id));
  const labels = new Map((db.prepare('SELECT protocol_id, version, key, label FROM arms').all() as { protocol_id: string; version: number; key: string; label: string }[]).map((a) => [`${a.protocol_id}\u001f${a.version}\u001f${a.key}`, a.label]));
  return (protocolId, version, armKey, code) => (!open.has(protocolId) ? code : armKey === null ? null : (labels.get(`${protocolId}\u001f${version}\u001f${armKey}`) ?? armKey));
}

type Head = [id: number, protocolId: string, studyId: string, initials: string, version: number, armKey: string | null, code: string | null, ...own: Cell[]];

/** The rows of one export, grouped by trial and participant, read lazily from the database. */
export function* exportRows(db: ReadableDB, kind: ExportKind, f: ExportFilter): Generator<Cell[]> {
  for (const { head, rows } of exportGroups(db, kind, f, undefined)) for (const r of rows) yield head.concat(r);
}

/**
 * The export participant by participant: the participant's own cells (study ID, initials, trial,
 * arm or code) and, per row, the cells that follow them (the participant export has one row of
 * the participant's other columns).
 */
function* exportGroups(db: ReadableDB, kind: ExportKind, f: ExportFilter, after: ExportCursor | undefined): Generator<{ head: Cell[]; rows: Cell[][]; at: ExportCursor }> {
  const p = plan(db, kind, f, after);
  const assignment = assignments(db);
  const rowsOf = p.perParticipant === null ? null : db.prepare(p.perParticipant).raw();
  for (const [id, protocolId, studyId, initials, version, armKey, code, ...own] of db.prepare(p.participants).raw().iterate(p.participantParams) as IterableIterator<Head>) {
    const rows = rowsOf === null ? [own] : (rowsOf.all({ id, ...p.dateParams }) as Cell[][]);
    if (rows.length) yield { head: [studyId, initials, protocolId, assignment(protocolId, version, armKey, code)], rows, at: [protocolId, studyId] };
  }
}

export function countRows(db: ReadableDB, kind: ExportKind, f: ExportFilter): number {
  const p = plan(db, kind, f, undefined);
  const join = kind === 'visits' ? 'CROSS JOIN visits v ON v.participant_id = p.id' : kind === 'doses' ? 'CROSS JOIN doses d ON d.participant_id = p.id' : '';
  const where = [p.where.replace(/^WHERE /, ''), ...(p.perParticipant === null ? [] : p.dates)].filter(Boolean);
  return (db.prepare(`SELECT count(*) AS n FROM participants p ${join} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).get({ ...p.whoParams, ...p.dateParams }) as { n: number }).n;
}

const CHUNK = 2000;

/**
 * Writes an export as CSV (RFC 4180, UTF-8, header row, formula cells neutralized) in chunks,
 * calling `progress` after each; returns the number of rows. `write` returning false stops it.
 */
export function writeCsv(db: ReadableDB, kind: ExportKind, f: ExportFilter, write: (chunk: string) => boolean | void, options: { bom?: boolean; progress?: (rows: number) => void } = {}): number {
  write((options.bom ? '\uFEFF' : '') + csvLine(EXPORT_HEADERS[kind]));
  let rows = 0;
  let text = '';
  let next = CHUNK;
  for (const group of exportGroups(db, kind, f, undefined)) {
    text += groupCsv(group.head, group.rows);
    rows += group.rows.length;
    if (rows >= next) {
      next = rows + CHUNK;
      const go = write(text);
      text = '';
      options.progress?.(rows);
      if (go === false) return rows;
    }
  }
  if (text) {
    write(text);
    options.progress?.(rows);
  }
  return rows;
}

/** A participant's rows as CSV: the participant's cells are written once and begin every line. */
function groupCsv(head: readonly Cell[], rows: readonly (readonly Cell[])[]): string {
  const start = csvLine(head).slice(0, -2) + ',';
  let text = '';
  for (const r of rows) text += start + csvLine(r);
  return text;
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

/**
 * One slice of a CSV export, for an export that shows its progress and can be cancelled: whole
 * participants, at least `limit` rows unless the export ends, from after the cursor given. The
 * first slice (no cursor) carries the header and the total.
 */
export function csvChunk(db: ReadableDB, kind: ExportKind, f: ExportFilter, after: ExportCursor | undefined, limit: number, bom: boolean): ExportChunk {
  let csv = after ? '' : (bom ? '\uFEFF' : '') + csvLine(EXPORT_HEADERS[kind]);
  let rows = 0;
  let last: ExportCursor | null = null;
  for (const { head, rows: group, at } of exportGroups(db, kind, f, after)) {
    // A slice ends between participants, so the next one starts after the last one in it.
    if (rows >= limit && last !== null) return { csv, rows, total: after ? null : countRows(db, kind, f), next: last };
    csv += groupCsv(head, group);
    rows += group.length;
    last = at;
  }
  return { csv, rows, total: after ? null : countRows(db, kind, f), next: null };
}
