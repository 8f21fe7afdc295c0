import { WORKLIST_FIRST, type CalendarDay, type SiteCalendar, type TrialCount, type Worklists, type WorklistRow } from '../core/participants.js';
import { parseDate } from '../core/dates.js';
import { isBlindedMasking, VISIT_STATUSES, type VisitStatus } from '../core/vocabulary.js';
import { prepared } from './statements.js';
import type { ReadableDB, WritableDB } from './types.js';

// A worklist or calendar row: the visit and its participant. Rows are read as arrays and named
// here (better-sqlite3 builds a named object three times slower), and trial titles, masking and
// arm labels come from small maps, not joins: looking up the protocol row for each visit was a
// third of a worklist's time.
const rowSql = (seesArms: boolean) => `
  SELECT v.id, p.id, p.study_id, p.initials, p.protocol_id, p.arm_key, p.blinded_code, v.label, v.kind, v.planned_date,
    v.window_start, v.window_end, v.status, v.actual_date, v.reason, v.procedures, v.moved_from, v.moved_because, v.closed_day,
    ${seesArms ? 'EXISTS (SELECT 1 FROM unblindings u WHERE u.participant_id = p.id)' : '0'} AS unblinded
  FROM visits v
  JOIN participants p ON p.id = v.participant_id`;

type Raw = [number, number, string, string, string, string | null, string | null, string, string, string, string, string, string, string | null, string | null, string, string | null, string | null, string | null, number];

/**
 * Runs a visit query (rowSql plus a tail) and names each row's assignment: the code in blinded
 * trials; the arm only to a reader with the `unblinded` role, for a participant who was unblinded.
 */
export function visitRows(db: ReadableDB, seesArms = false): (tail: string, params: Record<string, unknown>) => WorklistRow[] {
  const armLabels = new Map(
    (prepared(db, 'SELECT a.protocol_id, a.key, a.label FROM arms a JOIN protocols p ON p.id = a.protocol_id AND p.current_version = a.version').all() as { protocol_id: string; key: string; label: string }[]).map(
      (a) => [`${a.protocol_id}\u001f${a.key}`, a.label],
    ),
  );
  const protocols = new Map((prepared(db, 'SELECT id, title, masking FROM protocols').all() as { id: string; title: string; masking: string | null }[]).map((p) => [p.id, p]));
  return (tail, params) =>
    (prepared(db, `${rowSql(seesArms)} ${tail}`, 'raw').all(params) as Raw[]).map((r) => {
      const protocol = protocols.get(r[4])!;
      const blinded = isBlindedMasking(protocol.masking);
      const arm = r[5] === null ? null : (armLabels.get(`${r[4]}\u001f${r[5]}`) ?? r[5]);
      return {
        visitId: r[0],
        participantId: r[1],
        studyId: r[2],
        initials: r[3],
        protocolId: r[4],
        protocolTitle: protocol.title,
        assignment: !blinded || (seesArms && r[19] === 1) ? arm : r[6],
        visitLabel: r[7],
        kind: r[8],
        plannedDate: r[9],
        windowStart: r[10],
        windowEnd: r[11],
        status: r[12],
        actualDate: r[13],
        reason: r[14],
        procedures: r[15] === '[]' ? [] : (JSON.parse(r[15]) as string[]),
        movedFrom: r[16],
        movedBecause: r[17],
        closedDay: r[18],
      };
    });
}

/**
 * Today's, this week's (Monday to Sunday), overdue and out-of-window visits across all trials:
 * the first `limit` rows of each list, and how many each has in all. A site with years of
 * history has thousands of past deviations; the page shows the first ones and asks for more.
 */
export function worklists(db: ReadableDB, today: string, limit = WORKLIST_FIRST, protocolId: string | null = null, seesArms = false): Worklists {
  const d = parseDate(today);
  const weekStart = d.subtract({ days: d.dayOfWeek - 1 }).toString();
  const weekEnd = d.add({ days: 7 - d.dayOfWeek }).toString();
  const rows = visitRows(db, seesArms);
  const trial = protocolId === null ? '' : ' AND p.protocol_id = @protocolId';
  const active = `p.status = 'enrolled' AND v.status = 'planned'${trial}`;
  const lists = {
    dueToday: { where: `WHERE ${active} AND v.planned_date = @today`, order: 'p.protocol_id, p.study_id, v.position' },
    // The longer lists are read in their index's order (date, then the order visits were
    // created), so that the first rows come without sorting every match.
    thisWeek: { where: `WHERE ${active} AND v.planned_date BETWEEN @weekStart AND @weekEnd`, order: 'v.planned_date, v.id' },
    overdue: { where: `WHERE ${active} AND v.window_end < @today`, order: 'v.window_end, v.id' },
    outOfWindow: { where: `WHERE v.out_of_window = 1${trial}`, order: 'v.actual_date DESC, v.id DESC' },
  } as const;
  const params = { today, weekStart, weekEnd, limit, protocolId };
  const used = (sql: string) => Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`@${k}`)));
  const list = (l: { where: string; order: string }) => rows(`${l.where} ORDER BY ${l.order} LIMIT @limit`, used(`${l.where} @limit`));
  // Counting through the join reads a participant row per visit (tens of milliseconds for the
  // overdue list of a large site). Instead: the visits alone, from their index, less those of the
  // few participants who are not enrolled (screening, screen-failed, withdrawn). The overdue total
  // is summed from planned_counts (overdueTotal).
  const total = (l: { where: string }) => {
    if (protocolId !== null) return (prepared(db, `SELECT count(*) AS n FROM visits v JOIN participants p ON p.id = v.participant_id ${l.where}`).get(used(l.where)) as { n: number }).n;
    const visitsOnly = l.where.replace(/p\.status = 'enrolled' AND /, '');
    const all = (prepared(db, `SELECT count(*) AS n FROM visits v ${visitsOnly}`).get(used(l.where)) as { n: number }).n;
    if (visitsOnly === l.where) return all;
    const others = (
      prepared(db, `SELECT count(*) AS n FROM participants p INDEXED BY participants_by_status CROSS JOIN visits v ON v.participant_id = p.id ${visitsOnly} AND p.status IN ('screening', 'screen-failed', 'withdrawn')`).get(
        used(l.where),
      ) as { n: number }
    ).n;
    return all - others;
  };
  // Out-of-window visits are counted as they are written (visit_counts, kept by triggers).
  const outOfWindow = protocolId !== null ? total(lists.outOfWindow) : (prepared(db, "SELECT n FROM visit_counts WHERE name = 'out_of_window'").get() as { n: number }).n;
  return {
    today,
    weekStart,
    weekEnd,
    dueToday: list(lists.dueToday),
    thisWeek: list(lists.thisWeek),
    overdue: list(lists.overdue),
    outOfWindow: list(lists.outOfWindow),
    totals: { dueToday: total(lists.dueToday), thisWeek: total(lists.thisWeek), overdue: overdueTotal(db, today, protocolId), outOfWindow },
    limit,
  };
}

/**
 * Each trial's overdue visits (as the overdue list has them: planned, window closed, participant
 * enrolled), summed from the planned visits' counts by trial and window end (migration 14).
 */
export const GLANCE_OVERDUE_SQL = 'SELECT protocol_id, sum(n) FROM planned_counts WHERE window_end < @today GROUP BY protocol_id';

/** Each trial's participants at a glance: screened, enrolled against the target, withdrawn, and overdue visits. */
export function trialCounts(db: ReadableDB, today: string, protocolId: string | null): TrialCount[] {
  const trials = prepared(db, 'SELECT id, title, enrollment_target FROM protocols WHERE @trial IS NULL OR id = @trial ORDER BY title COLLATE NOCASE', 'raw').all({ trial: protocolId }) as [string, string, number | null][];
  // Participants by trial and status, from the (trial, status, study ID) index alone: a join of
  // every participant to its protocol cost three times as much at a site of 10,000.
  const byStatus = new Map<string, Partial<Record<string, number>>>();
  for (const [trial, status, n] of prepared(db, 'SELECT protocol_id, status, count(*) FROM participants GROUP BY protocol_id, status', 'raw').all() as [string, string, number][]) {
    const counts = byStatus.get(trial) ?? {};
    counts[status] = n;
    byStatus.set(trial, counts);
  }
  const overdue = new Map(prepared(db, GLANCE_OVERDUE_SQL, 'raw').all({ today }) as [string, number][]);
  return trials.map(([id, title, target]) => {
    const c = byStatus.get(id) ?? {};
    const [screenFailed, enrolled, withdrawn] = [c['screen-failed'] ?? 0, c.enrolled ?? 0, c.withdrawn ?? 0];
    return { protocolId: id, title, target, screened: Object.values(c).reduce<number>((a, n) => a + (n ?? 0), 0), everEnrolled: enrolled + withdrawn, enrolled, withdrawn, screenFailed, overdue: overdue.get(id) ?? 0 };
  });
}

/** The overdue visits of every trial or one, from the planned visits' counts (migration 14). */
function overdueTotal(db: ReadableDB, today: string, protocolId: string | null): number {
  const sql = `SELECT coalesce(sum(n), 0) FROM planned_counts WHERE ${protocolId === null ? '' : 'protocol_id = @protocolId AND '}window_end < @today`;
  return (prepared(db, sql, 'raw').get(protocolId === null ? { today } : { today, protocolId }) as [number])[0];
}

/** The triggers that count an inserted visit (the import's bulk writer does their work itself). */
export const VISIT_COUNTS_INSERT = 'visit_counts_insert';
export const PLANNED_COUNTS_INSERT = 'planned_counts_insert';

// A planned visit's count goes to its participant's trial and the visit's window end, while the
// participant is enrolled; upserted, as a window end may be new.
const addPlanned = (v: 'NEW' | 'OLD', by: string) => `INSERT INTO main.planned_counts (protocol_id, window_end, n)
  SELECT p.protocol_id, ${v}.window_end, ${by} FROM main.participants p WHERE ${v}.status = 'planned' AND p.id = ${v}.participant_id AND p.status = 'enrolled'
  ON CONFLICT (protocol_id, window_end) DO UPDATE SET n = n + excluded.n;`;
// A participant who becomes enrolled (or stops being) brings (or takes) all their planned visits.
const participantPlanned = (v: 'NEW' | 'OLD', sign: '' | '-') => `INSERT INTO main.planned_counts (protocol_id, window_end, n)
  SELECT ${v}.protocol_id, x.window_end, ${sign}count(*) FROM main.visits x WHERE ${v}.status = 'enrolled' AND x.participant_id = ${v}.id AND x.status = 'planned' GROUP BY x.window_end
  ON CONFLICT (protocol_id, window_end) DO UPDATE SET n = n + excluded.n;`;

/**
 * Creates this connection's triggers that keep visit_counts in step with the visits (temporary,
 * as the audit triggers are: see migration 0007). Call once per connection, after migrating.
 */
export function installVisitCounts(db: WritableDB): void {
  db.exec(`
    CREATE TEMP TRIGGER IF NOT EXISTS ${VISIT_COUNTS_INSERT} AFTER INSERT ON main.visits WHEN NEW.out_of_window = 1
      BEGIN UPDATE main.visit_counts SET n = n + 1 WHERE name = 'out_of_window'; END;
    CREATE TEMP TRIGGER IF NOT EXISTS visit_counts_update AFTER UPDATE OF out_of_window ON main.visits WHEN OLD.out_of_window IS NOT NEW.out_of_window
      BEGIN UPDATE main.visit_counts SET n = n + NEW.out_of_window - OLD.out_of_window WHERE name = 'out_of_window'; END;
    CREATE TEMP TRIGGER IF NOT EXISTS visit_counts_delete AFTER DELETE ON main.visits WHEN OLD.out_of_window = 1
      BEGIN UPDATE main.visit_counts SET n = n - 1 WHERE name = 'out_of_window'; END;
    CREATE TEMP TRIGGER IF NOT EXISTS ${PLANNED_COUNTS_INSERT} AFTER INSERT ON main.visits WHEN NEW.status = 'planned'
      BEGIN ${addPlanned('NEW', '1')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS planned_counts_update AFTER UPDATE OF status, window_end, participant_id ON main.visits
      WHEN (OLD.status = 'planned' OR NEW.status = 'planned') AND (OLD.status IS NOT NEW.status OR OLD.window_end IS NOT NEW.window_end OR OLD.participant_id IS NOT NEW.participant_id)
      BEGIN ${addPlanned('OLD', '-1')} ${addPlanned('NEW', '1')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS planned_counts_delete AFTER DELETE ON main.visits WHEN OLD.status = 'planned'
      BEGIN ${addPlanned('OLD', '-1')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS planned_counts_participant AFTER UPDATE OF status, protocol_id ON main.participants
      WHEN (OLD.status = 'enrolled' OR NEW.status = 'enrolled') AND (OLD.status IS NOT NEW.status OR OLD.protocol_id IS NOT NEW.protocol_id)
      BEGIN ${participantPlanned('OLD', '-')} ${participantPlanned('NEW', '')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS planned_counts_participant_delete AFTER DELETE ON main.participants WHEN OLD.status = 'enrolled'
      BEGIN ${participantPlanned('OLD', '-')} END;
  `);
}

/** Adds planned visits written without the insert trigger (the bulk writer), by trial and window end. */
export function addPlannedCounts(db: WritableDB, counts: ReadonlyMap<string, ReadonlyMap<string, number>>): void {
  const add = db.prepare('INSERT INTO planned_counts (protocol_id, window_end, n) VALUES (?, ?, ?) ON CONFLICT (protocol_id, window_end) DO UPDATE SET n = n + excluded.n');
  for (const [protocolId, byEnd] of counts) for (const [windowEnd, n] of byEnd) add.run(protocolId, windowEnd, n);
}

/** Adds visits written without the insert trigger (the bulk writer) to the out-of-window total. */
export function addOutOfWindow(db: WritableDB, n: number): void {
  if (n > 0) db.prepare("UPDATE visit_counts SET n = n + ? WHERE name = 'out_of_window'").run(n);
}

/** Recounts visit_counts and planned_counts from the visits (the daily full check); returns whether either had drifted. */
export function recountVisits(db: WritableDB): boolean {
  const stored = (db.prepare("SELECT n FROM visit_counts WHERE name = 'out_of_window'").get() as { n: number }).n;
  const actual = (db.prepare('SELECT count(*) AS n FROM visits WHERE out_of_window = 1').get() as { n: number }).n;
  if (stored !== actual) db.prepare("UPDATE visit_counts SET n = ? WHERE name = 'out_of_window'").run(actual);
  return recountPlanned(db) || stored !== actual;
}

const PLANNED_NOW = `SELECT p.protocol_id, v.window_end, count(*) AS n FROM visits v JOIN participants p ON p.id = v.participant_id
  WHERE v.status = 'planned' AND p.status = 'enrolled' GROUP BY p.protocol_id, v.window_end`;

function recountPlanned(db: WritableDB): boolean {
  const key = (r: unknown[]) => JSON.stringify(r);
  const stored = (db.prepare('SELECT protocol_id, window_end, n FROM planned_counts WHERE n <> 0 ORDER BY 1, 2').raw().all() as unknown[][]).map(key);
  const actual = (db.prepare(`${PLANNED_NOW} ORDER BY 1, 2`).raw().all() as unknown[][]).map(key);
  if (stored.length === actual.length && stored.every((s, i) => s === actual[i])) return false;
  db.exec(`DELETE FROM planned_counts; INSERT INTO planned_counts (protocol_id, window_end, n) ${PLANNED_NOW}`);
  return true;
}

export interface SiteCalendarQuery {
  readonly from: string;
  readonly to: string;
  readonly protocolId: string | null;
  /** Statuses to show (default: all). */
  readonly statuses?: readonly VisitStatus[] | undefined;
  /** At most this many visits per day (the month view); every visit without it. */
  readonly perDay?: number | undefined;
}

/**
 * The site calendar: for each day from `from` to `to`, how many visits it has by status, and the
 * visits themselves (every one, or the first `perDay` of each day). A visit is on the day it was
 * done, else on its planned day. A month at a large site has thousands of visits: the month view
 * shows each day's count and its first few visits, read from one index, and a day's full list
 * is asked for when it is opened.
 */
export function siteCalendar(db: ReadableDB, q: SiteCalendarQuery): SiteCalendar {
  const shown = new Set<string>(q.statuses ?? VISIT_STATUSES);
  const trial = q.protocolId === null ? '' : 'AND v.participant_id IN (SELECT id FROM participants WHERE protocol_id = @trial)';
  const params = { from: q.from, to: q.to, ...(q.protocolId === null ? {} : { trial: q.protocolId }) };
  // Counted in the index's order (planned date, status, actual date) without reading a visit
  // row: one group per combination, with its visits' ids. Then the visits done in the range but
  // planned outside it (done early or late), from the index of actual dates.
  const groups = [
    ...(prepared(
      db,
      `SELECT v.planned_date, v.status, v.actual_date, count(*), group_concat(v.id) FROM visits v INDEXED BY visits_by_day
         WHERE v.planned_date BETWEEN @from AND @to ${trial} GROUP BY v.planned_date, v.status, v.actual_date`,
      'raw',
    ).all(params) as [string, VisitStatus, string | null, number, string][]),
    ...(prepared(
      db,
      `SELECT v.planned_date, 'done', v.actual_date, count(*), group_concat(v.id) FROM visits v INDEXED BY visits_by_actual_date
         WHERE v.actual_date IS NOT NULL AND v.actual_date BETWEEN @from AND @to AND v.planned_date NOT BETWEEN @from AND @to ${trial}
         GROUP BY v.actual_date, v.planned_date`,
      'raw',
    ).all(params) as [string, VisitStatus, string | null, number, string][]),
  ];
  const days = new Map<string, { byStatus: Record<VisitStatus, number>; ids: number[] }>();
  const perDay = q.perDay ?? Infinity;
  for (const [planned, status, actual, n, ids] of groups) {
    const day = actual ?? planned;
    if (day < q.from || day > q.to) continue;
    let d = days.get(day);
    if (!d) days.set(day, (d = { byStatus: Object.fromEntries(VISIT_STATUSES.map((s) => [s, 0])) as Record<VisitStatus, number>, ids: [] }));
    d.byStatus[status] += n;
    if (!shown.has(status)) continue;
    for (const id of ids.split(',')) {
      if (d.ids.length >= perDay) break;
      d.ids.push(Number(id));
    }
  }
  const ids = [...days.values()].flatMap((d) => d.ids);
  const rows = ids.length === 0 ? [] : visitRows(db)('WHERE v.id IN (SELECT value FROM json_each(@ids))', { ids: JSON.stringify(ids) });
  const dayOf = (r: WorklistRow) => r.actualDate ?? r.plannedDate;
  rows.sort((a, b) => (dayOf(a) < dayOf(b) ? -1 : dayOf(a) > dayOf(b) ? 1 : a.protocolId < b.protocolId ? -1 : a.protocolId > b.protocolId ? 1 : a.studyId < b.studyId ? -1 : a.studyId > b.studyId ? 1 : a.visitId - b.visitId));
  const summary: CalendarDay[] = [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, d]) => ({ date, byStatus: d.byStatus, shown: VISIT_STATUSES.reduce((n, s) => n + (shown.has(s) ? d.byStatus[s] : 0), 0) }));
  return { from: q.from, to: q.to, days: summary, visits: rows, perDay: q.perDay ?? null };
}
