// Exports: visits, participants and the dose log as CSV (streamed in chunks, so memory does not
// grow with the row count), and visits as iCalendar. Blinded trials show the blinded code,
// never the arm, in every export.
import * as ics from 'ics';
import type { ExportChunk } from '../core/api.js';
import { csvCells, csvLine, type Cell } from '../core/csv.js';
import { AppError } from './errors.js';
import { findParticipant } from './rows.js';
import type { ReadableDB } from './types.js';

import { EXPORT_KINDS, type ExportKind } from '../core/vocabulary.js';

/** The participant's own cells, first in every export's rows. */
const HEAD = ['participant', 'initials', 'trial', 'arm_or_code'] as const;

/**
 * Each export's columns after the participant's, named once: the header, and the SQL that reads
 * the cell. New columns go at the end, so that scripts reading the files by position keep working.
 */
const COLUMNS: Record<ExportKind, readonly (readonly [header: string, sql: string])[]> = {
  visits: [
    ['visit_key', 'v.key'],
    ['visit', 'v.label'],
    ['kind', 'v.kind'],
    ['planned', 'v.planned_date'],
    ['projected', 'v.projected_date'],
    ['window_start', 'v.window_start'],
    ['window_end', 'v.window_end'],
    ['actual', 'v.actual_date'],
    ['status', 'v.status'],
    ['out_of_window', 'v.out_of_window'],
    ['reason', 'v.reason'],
    ['notes', 'v.notes'],
    // Visits done before who-did-it was kept (migration 11): the person the trail names.
    [
      'done_by',
      `CASE WHEN v.status = 'done' THEN coalesce(v.done_by, (SELECT a.by_user FROM audit_log a WHERE a.entity = 'visits' AND a.entity_id = CAST(v.id AS TEXT)
         AND json_extract(a.new_values, '$.status') = 'done' AND json_extract(a.old_values, '$.status') IS NOT 'done' ORDER BY a.id DESC LIMIT 1)) END`,
    ],
    ['procedures_done', "CASE WHEN v.procedures_done IS NOT NULL THEN (SELECT group_concat(j.value, '; ') FROM json_each(v.procedures_done) j) END"],
    // Where the site's closed day moved the visit from, and why; or the closed day it stays on.
    ['moved_from', 'v.moved_from'],
    ['moved_because', 'v.moved_because'],
    ['closed_day', 'v.closed_day'],
  ],
  participants: [
    ['status', 'p.status'],
    ['sex', 'p.sex'],
    ['birth_date', 'p.birth_date'],
    ['age_years', 'p.age_years'],
    ['weight_kg', 'p.weight_kg'],
    ['consent_date', 'p.consent_date'],
    ['day1', 'p.day1'],
    ['enrolled_at', 'p.enrolled_at'],
    ['screen_fail_reason', 'p.screen_fail_reason'],
    ['withdrawn_on', 'p.withdrawn_on'],
    ['withdrawal_reason', 'p.withdrawal_reason'],
    // The protocol's events recorded for the participant, as the CLI writes them: "surgery=2026-03-14; transplant=…".
    ['event_dates', "(SELECT group_concat(e.event_key || '=' || e.event_date, '; ') FROM (SELECT event_key, event_date FROM participant_events WHERE participant_id = p.id ORDER BY event_date, event_key) e)"],
  ],
  doses: [
    ['visit_key', 'v.key'],
    ['visit', 'v.label'],
    ['given_at', 'd.given_at'],
    ['lot_number', 'd.lot_number'],
    ['dose', 'd.dose_text'],
    ['weight_kg', 'd.weight_kg'],
    ['total', 'd.total_amount'],
    ['total_unit', 'd.total_unit'],
    ['recorded_by', 'd.recorded_by'],
  ],
};

/**
 * For the visits CSV, a run of columns whose values never need quotes or a formula guard (vocabulary words
 * and ISO dates: letters, digits and hyphens, none leading) is read as one text, the cells
 * already joined by commas: most of a large export's time is spent making each cell's text in
 * JavaScript. Each row's joined text is checked; a row that holds anything else (a file changed
 * with another tool) has its cells read one by one and written by the usual rules.
 */
const PACKED_VISITS = ['kind', 'status'] as const;

export const EXPORT_HEADERS: Record<ExportKind, readonly string[]> = Object.fromEntries(EXPORT_KINDS.map((k) => [k, [...HEAD, ...COLUMNS[k].map(([h]) => h)]])) as unknown as Record<ExportKind, readonly string[]>;

/** Where each named column is in an export's rows. */
export function exportColumn(kind: ExportKind, header: string): number {
  const i = EXPORT_HEADERS[kind].indexOf(header);
  if (i < 0) throw new Error(`no column ${header} in the ${kind} export`);
  return i;
}

export interface ExportFilter {
  readonly protocolId?: string | undefined;
  /** Study ID within protocolId. */
  readonly studyId?: string | undefined;
  /** Inclusive date range: planned date for visits, time given for doses, enrollment for participants. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

const select = (kind: ExportKind) => COLUMNS[kind].map(([, sql]) => sql).join(', ');

/** Where the packed run begins and ends among an export's columns: the visits export's only (its rows are read back by visit id). */
function packedRun(kind: ExportKind): { from: number; to: number } | null {
  if (kind !== 'visits') return null;
  const headers = COLUMNS.visits.map(([h]) => h);
  return { from: headers.indexOf(PACKED_VISITS[0]), to: headers.indexOf(PACKED_VISITS[1]) };
}

/** The columns as CSV reads them: a packed run as the row's id and the run's cells joined. */
function csvSelect(kind: ExportKind): string {
  const run = packedRun(kind);
  if (!run) return select(kind);
  const cols = COLUMNS[kind];
  const joined = cols
    .slice(run.from, run.to + 1)
    .map(([, sql]) => `coalesce(${sql}, '')`)
    .join(" || ',' || ");
  return [...cols.slice(0, run.from).map(([, sql]) => sql), 'v.id', joined, ...cols.slice(run.to + 1).map(([, sql]) => sql)].join(', ');
}

/** A packed run that may be written as it is: letters, digits, hyphens and the commas between cells, no cell beginning with a hyphen. */
const PACKED_SAFE = /^(?:[0-9a-z][0-9a-z-]*)?(?:,(?:[0-9a-z][0-9a-z-]*)?)*$/;

/** Where a packed run is in a CSV row (as csvSelect reads it), and how to read its cells one by one. */
interface Packed {
  readonly at: number;
  readonly cells: (id: number) => Cell[];
}

function packedAt(db: ReadableDB, kind: ExportKind): Packed | null {
  const run = packedRun(kind);
  if (!run) return null;
  const one = db.prepare(`SELECT ${COLUMNS[kind].slice(run.from, run.to + 1).map(([, sql]) => sql).join(', ')} FROM visits v WHERE v.id = ?`).raw();
  return { at: run.from, cells: (id) => one.get(id) as Cell[] };
}

/**
 * Each export's date column (for the range filter) and where its rows come from. Rows come
 * grouped by trial and participant (study ID order), each participant's rows in date order: the
 * participants are read in their unique index's order and each one's visits or doses from that
 * participant's index, so nothing is sorted, whatever the number of rows, and a participant's
 * columns are read once, not once per visit.
 */
const QUERIES: Record<ExportKind, { date: string; perParticipant: ((columns: string) => string) | null; own: string | null }> = {
  visits: {
    date: 'v.planned_date',
    perParticipant: (columns) => `SELECT ${columns} FROM visits v WHERE v.participant_id = @id DATES ORDER BY v.planned_date, v.position`,
    own: null,
  },
  participants: {
    date: "coalesce(p.day1, p.consent_date, '')",
    perParticipant: null,
    own: select('participants'),
  },
  doses: {
    date: 'd.given_at',
    perParticipant: (columns) => `SELECT ${columns} FROM doses d JOIN visits v ON v.id = d.visit_id WHERE d.participant_id = @id DATES ORDER BY d.given_at, d.id`,
    own: null,
  },
};

/** Where a slice of an export ends: the last participant in it (trial, study ID). */
export type ExportCursor = readonly [protocolId: string, studyId: string];

function plan(db: ReadableDB, kind: ExportKind, f: ExportFilter, after: ExportCursor | undefined, csv = false) {
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
  const perParticipant = q.perParticipant?.(csv ? csvSelect(kind) : select(kind)).replace('DATES', dates.map((d) => `AND ${d}`).join(' ')) ?? null;
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
function* exportGroups(db: ReadableDB, kind: ExportKind, f: ExportFilter, after: ExportCursor | undefined, csv = false): Generator<{ head: Cell[]; rows: Cell[][]; at: ExportCursor }> {
  const p = plan(db, kind, f, after, csv);
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
  const packed = packedAt(db, kind);
  for (const group of exportGroups(db, kind, f, undefined, true)) {
    text += groupCsv(group.head, group.rows, packed);
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

/**
 * A participant's rows as CSV (read by csvSelect): the participant's cells are written once and
 * begin every line; a packed run is written as read where it is safe, else cell by cell.
 */
function groupCsv(head: readonly Cell[], rows: readonly (readonly Cell[])[], packed: Packed | null): string {
  const start = csvLine(head).slice(0, -2) + ',';
  let text = '';
  if (packed === null) {
    for (const r of rows) text += start + csvLine(r);
    return text;
  }
  const { at } = packed;
  for (const r of rows) {
    const joined = r[at + 1] as string;
    const run = PACKED_SAFE.test(joined) ? joined : csvLine(packed.cells(r[at] as number)).slice(0, -2);
    const rest = at + 2 < r.length ? `,${csvCells(r, at + 2, r.length)}` : '';
    text += `${start}${at > 0 ? `${csvCells(r, 0, at)},` : ''}${run}${rest}\r\n`;
  }
  return text;
}

export interface IcsOptions {
  /** Days before each visit its reminder goes off, at 09:00 (0: no reminder). */
  readonly reminderDays?: number;
}

/**
 * Visits as all-day iCalendar events: a participant's feed for a phone, or a site's for its
 * calendar. The UID names the trial, the participant and the visit, so a calendar that imports
 * the file again updates its events instead of adding copies. Missed and cancelled visits are
 * CANCELLED (a phone greys them out); the others carry a reminder at 09:00 the set number of
 * days before. Blinded trials show the code, never the arm.
 */
export function visitsIcs(db: ReadableDB, f: ExportFilter, calendarName: string, options: IcsOptions = {}): string {
  const at = (name: string) => exportColumn('visits', name);
  const c = { studyId: at('participant'), initials: at('initials'), trial: at('trial'), assignment: at('arm_or_code'), key: at('visit_key'), label: at('visit'), kind: at('kind'), planned: at('planned'), windowStart: at('window_start'), windowEnd: at('window_end'), actual: at('actual'), status: at('status') };
  const reminder = options.reminderDays ?? 0;
  const events: ics.EventAttributes[] = [];
  for (const r of exportRows(db, 'visits', f)) {
    const v = (i: number) => r[i] as string | null;
    const status = v(c.status)!;
    const day = v(c.actual) ?? v(c.planned)!;
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    const window = v(c.windowStart) === v(c.windowEnd) ? `Window: ${v(c.windowStart)} only` : `Window: ${v(c.windowStart)} to ${v(c.windowEnd)}`;
    const closed = status === 'missed' || status === 'cancelled';
    events.push({
      uid: `${v(c.trial)}.${v(c.studyId)}.${v(c.key)}@trial-coordinator`,
      title: `${v(c.studyId)} (${v(c.initials)}): ${v(c.label)}${closed ? ` (${status})` : ''}`,
      start: [y, m, d],
      end: [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()],
      description: [`Trial: ${v(c.trial)}`, `Visit: ${v(c.label)} (${v(c.kind)})`, v(c.assignment) ? `Arm or code: ${v(c.assignment)}` : null, window, `Status: ${status}${v(c.actual) ? ` on ${v(c.actual)}` : ''}`].filter(Boolean).join('\n'),
      status: closed ? 'CANCELLED' : status === 'done' ? 'CONFIRMED' : 'TENTATIVE',
      // An all-day event starts at midnight: 09:00 on the day N days before is 24 N - 9 hours earlier.
      ...(reminder > 0 && status === 'planned' ? { alarms: [{ action: 'display' as const, description: `${v(c.label)} ${reminder === 1 ? 'tomorrow' : `in ${reminder} days`}`, trigger: { hours: 24 * reminder - 9, before: true } }] } : {}),
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
  const packed = packedAt(db, kind);
  for (const { head, rows: group, at } of exportGroups(db, kind, f, after, true)) {
    // A slice ends between participants, so the next one starts after the last one in it.
    if (rows >= limit && last !== null) return { csv, rows, total: after ? null : countRows(db, kind, f), next: last };
    csv += groupCsv(head, group, packed);
    rows += group.length;
    last = at;
  }
  return { csv, rows, total: after ? null : countRows(db, kind, f), next: null };
}
