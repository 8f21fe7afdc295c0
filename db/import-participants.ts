// Import of already-enrolled participants from CSV, for sites moving off spreadsheets.
// Header: study_id,initials,arm,day1,weight_kg, plus optional actual:<visit key> columns.
// Every row is checked before anything is written; one bad cell and nothing is imported.
import { parse } from 'csv-parse/sync';
import { isIsoDate } from '../core/dates.js';
import type { ImportParticipantsResult } from '../core/api.js';
import { scheduleArmFor, scheduleKeys } from '../core/participant-schedule.js';
import type { Protocol } from '../core/protocol.js';
import { INITIALS_PATTERN, isBlinded, parseDecimal, STUDY_ID_PATTERN } from '../core/vocabulary.js';
import { AppError } from './errors.js';
import type { Clock } from './rows.js';
import { getProtocol, getProtocolVersion, versionInEffect } from './protocols.js';
import type { WritableDB } from './types.js';
import { withBulkImport } from './bulk-import.js';
import { siteClosures } from './site-days.js';
import { ImportPlanner, PlanError, type Planned } from './import-planner.js';

export const REQUIRED_COLUMNS = ['study_id', 'initials', 'arm', 'day1', 'weight_kg'] as const;
const ACTUAL_PREFIX = 'actual:';

interface Row {
  line: number;
  studyId: string;
  initials: string;
  armKey: string | null;
  code: string | null;
  day1: string;
  weightKg: number | null;
  actual: [key: string, date: string][];
}

export function importParticipants(
  db: WritableDB,
  protocolId: string,
  csv: string,
  by: string,
  clock: Clock,
  progress: (label: string, done: number, total: number) => void = () => {},
  /** Whether a second thread helps plan (by default from THREAD_FROM participants on). */
  options: { readonly thread?: boolean } = {},
): ImportParticipantsResult {
  const { summary } = getProtocol(db, protocolId);
  const { protocol, version } = getProtocolVersion(db, summary.id, versionInEffect(db, summary.id, clock.today));
  const rows = validate(db, protocol, csv, clock);
  const blinded = isBlinded(protocol);
  const initial = { by, reason: 'Imported from CSV' };
  let visits = 0;
  // Hundreds of thousands of visits at a large site: each participant is written with its visits
  // and audited in one row that holds them all (db/bulk-import.ts).
  withBulkImport(db, (insert) => {
    progress('Importing participants', 0, rows.length);
    // Each participant's schedule, replayed through their actual dates, planned with a second
    // thread's help (db/import-planner.ts); each visit is then written once, as it stands after the replay.
    const planner = new ImportPlanner({ protocol, blinded, site: { closures: siteClosures(db) }, initial, now: clock.now, rows }, options);
    try {
      for (const [i, r] of rows.entries()) {
        if (i % 100 === 99) progress('Importing participants', i + 1, rows.length);
        let planned: Planned;
        try {
          planned = planner.next();
        } catch (e) {
          if (e instanceof PlanError) throw new AppError('invalid_input', `Nothing was imported: line ${e.line}: ${e.message}`);
          throw e;
        }
        insert(
          {
            protocol_id: protocol.id,
            protocol_version: version,
            study_id: r.studyId,
            initials: r.initials,
            sex: 'unknown',
            weight_kg: r.weightKg,
            status: 'enrolled',
            arm_key: r.armKey,
            blinded_code: r.code,
            day1: r.day1,
            enrolled_at: clock.now,
            created_at: clock.now,
            created_by: by,
            updated_at: clock.now,
          },
          // The participant's id is the writer's to give: each visit's is set to it there.
          planned.rows,
          planned.listing,
        );
        visits += planned.rows.length;
      }
    } finally {
      planner.close();
    }
  }, { participants: rows.length });
  return { imported: rows.length, visits };
}

function validate(db: WritableDB, protocol: Protocol, csv: string, clock: Clock): Row[] {
  const problems: string[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    records = parse(csv, {
      bom: true,
      // The header as the parser reads it (quotes and all), kept to check the columns.
      columns: (h: string[]) => (header = h.map((c) => c.trim())),
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    }) as typeof records;
  } catch (e) {
    throw new AppError('invalid_input', `The file is not valid CSV: ${(e as Error).message}`);
  }
  const repeated = header.filter((c, i) => header.indexOf(c) !== i);
  for (const c of new Set(repeated)) problems.push(`line 1, column ${c}: the column appears more than once; keep one`);
  for (const c of REQUIRED_COLUMNS) if (!header.includes(c)) problems.push(`line 1: missing column "${c}" (the header must include ${REQUIRED_COLUMNS.join(',')})`);
  for (const c of header) if (!(REQUIRED_COLUMNS as readonly string[]).includes(c) && !c.startsWith(ACTUAL_PREFIX)) problems.push(`line 1, column ${c}: unknown column`);
  if (problems.length) fail(problems);
  if (records.length === 0) fail(['the file has a header but no participants']);

  const blinded = isBlinded(protocol);
  const arms = new Map(protocol.arms.map((a) => [a.key, a]));
  const codeArm = blinded ? scheduleArmFor(protocol, null) : null;
  const existing = new Set((db.prepare('SELECT study_id FROM participants WHERE protocol_id = ?').all(protocol.id) as { study_id: string }[]).map((r) => r.study_id));
  const usedCodes = new Set((db.prepare('SELECT blinded_code FROM participants WHERE protocol_id = ? AND blinded_code IS NOT NULL').all(protocol.id) as { blinded_code: string }[]).map((r) => r.blinded_code));
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const bad = (column: string, message: string) => problems.push(`line ${line}, column ${column}: ${message}`);
    const studyId = record.study_id ?? '';
    if (!STUDY_ID_PATTERN.test(studyId)) bad('study_id', `"${studyId}" is not a study ID (letters, digits, dots, hyphens, underscores)`);
    else if (existing.has(studyId)) bad('study_id', `${studyId} is already enrolled in ${protocol.id}`);
    else if (seen.has(studyId)) bad('study_id', `${studyId} appears twice in the file`);
    seen.add(studyId);
    const initials = record.initials ?? '';
    if (!INITIALS_PATTERN.test(initials)) bad('initials', `"${initials}" is not 1 to 4 capital letters (no names)`);
    const arm = record.arm ?? '';
    let armKey: string | null = null;
    let code: string | null = null;
    if (blinded) {
      if (arms.has(arm)) bad('arm', `${protocol.id} is blinded: give the blinded code, not the arm`);
      else if (!/^[A-Za-z0-9-]{2,20}$/.test(arm)) bad('arm', `"${arm}" is not a blinded code`);
      else if (usedCodes.has(arm)) bad('arm', `blinded code ${arm} is already used`);
      else if (codeArm === null) bad('arm', `the arms of ${protocol.id} have different schedules, so a participant cannot be scheduled from a blinded code alone`);
      else code = arm;
      usedCodes.add(arm);
    } else if (arms.has(arm)) armKey = arm;
    else bad('arm', `unknown arm "${arm}"; arms: ${[...arms.keys()].join(', ')}`);
    const day1 = record.day1 ?? '';
    if (!isIsoDate(day1)) bad('day1', `"${day1}" is not a real date in the form YYYY-MM-DD`);
    const w = record.weight_kg ?? '';
    const weightKg = w === '' ? null : parseDecimal(w);
    if (w !== '' && !(weightKg !== null && weightKg > 0 && weightKg <= 500)) bad('weight_kg', `"${w}" is not a weight in kg (a number such as 72 or 72.5, more than 0 and at most 500)`);
    const actual: [string, string][] = [];
    const scheduleArm = armKey ?? codeArm;
    const keys = scheduleArm && isIsoDate(day1) ? scheduleKeys(protocol, scheduleArm) : null;
    for (const [column, value] of Object.entries(record)) {
      if (!column.startsWith(ACTUAL_PREFIX) || value === '') continue;
      const key = column.slice(ACTUAL_PREFIX.length);
      if (keys && !keys.has(key)) bad(column, `no visit "${key}" in the schedule; visits: ${[...keys].join(', ')}`);
      else if (!isIsoDate(value)) bad(column, `"${value}" is not a real date in the form YYYY-MM-DD`);
      else if (value > clock.today) bad(column, `${value} is in the future`);
      else actual.push([key, value]);
    }
    rows.push({ line, studyId, initials, armKey, code, day1, weightKg, actual });
  }
  if (problems.length) fail(problems);
  return rows;
}

function fail(problems: string[]): never {
  throw new AppError('invalid_input', `Nothing was imported: ${problems.length} problem${problems.length === 1 ? '' : 's'}. First: ${problems[0]}`, problems);
}
