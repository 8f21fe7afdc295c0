import { WORKLIST_FIRST, type CalendarDay, type SiteCalendar, type TrialCount, type Worklists, type WorklistRow } from '../core/participants.js';
import { parseDate } from '../core/dates.js';
import { isBlindedMasking, VISIT_STATUSES, type VisitStatus } from '../core/vocabulary.js';
import { prepared } from './statements.js';
import type { ReadableDB } from './types.js';

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
// Each trial's days read from the key's (trial, window end) order: without the trial, every row
// (past and future) was read, twice the time at the bench's site.
export const GLANCE_OVERDUE_SQL = 'SELECT protocol_id, sum(n) FROM planned_counts WHERE protocol_id IN (SELECT id FROM protocols) AND window_end < @today GROUP BY protocol_id';

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
  const sql = `SELECT coalesce(sum(n), 0) FROM planned_counts WHERE protocol_id ${protocolId === null ? 'IN (SELECT id FROM protocols)' : '= @protocolId'} AND window_end < @today`;
  return (prepared(db, sql, 'raw').get(protocolId === null ? { today } : { today, protocolId }) as [number])[0];
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
 * shows each day's count (kept in day_counts, migration 15) and its first few visits, each day's
 * read from the index of planned days and the index of actual dates, and a day's full list is
 * asked for when it is opened.
 */
export function siteCalendar(db: ReadableDB, q: SiteCalendarQuery): SiteCalendar {
  const shown = new Set<string>(q.statuses ?? VISIT_STATUSES);
  const trialOnly = q.protocolId === null ? '' : 'AND protocol_id = @trial';
  const trialParam = q.protocolId === null ? {} : { trial: q.protocolId };
  const days = new Map<string, Record<VisitStatus, number>>();
  const counts = prepared(db, `SELECT day, status, n FROM day_counts WHERE day BETWEEN @from AND @to ${trialOnly}`, 'raw').all({ from: q.from, to: q.to, ...trialParam }) as [string, VisitStatus, number][];
  for (const [day, status, n] of counts) {
    if (n === 0) continue;
    let d = days.get(day);
    if (!d) days.set(day, (d = Object.fromEntries(VISIT_STATUSES.map((s) => [s, 0])) as Record<VisitStatus, number>));
    d[status] += n;
  }
  const summary: CalendarDay[] = [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, byStatus]) => ({ date, byStatus, shown: VISIT_STATUSES.reduce((n, s) => n + (shown.has(s) ? byStatus[s] : 0), 0) }));

  // Each day's visits: those planned on it and not done on another day, then those done on it
  // and planned on another, up to perDay (SQLite's LIMIT -1: all of them). The statuses are the
  // vocabulary's own words, written into the statement.
  const statuses = VISIT_STATUSES.filter((s) => shown.has(s)).map((s) => `'${s}'`).join(', ');
  const trial = q.protocolId === null ? '' : 'CROSS JOIN participants p ON p.id = v.participant_id AND p.protocol_id = @trial';
  const onPlanned = prepared(
    db,
    `SELECT v.id FROM visits v INDEXED BY visits_by_day ${trial}
     WHERE v.planned_date = @day AND v.status IN (${statuses}) AND (v.actual_date IS NULL OR v.actual_date = @day) LIMIT @n`,
    'raw',
  );
  const doneOn = prepared(
    db,
    `SELECT v.id FROM visits v INDEXED BY visits_by_actual_date ${trial}
     WHERE v.actual_date = @day AND v.planned_date <> @day AND v.status IN (${statuses}) LIMIT @n`,
    'raw',
  );
  const perDay = q.perDay ?? -1;
  const ids: number[] = [];
  for (const d of summary) {
    if (d.shown === 0) continue;
    const params = { day: d.date, n: perDay, ...trialParam };
    const first = (onPlanned.all(params) as [number][]).map((r) => r[0]);
    const more = perDay < 0 || first.length < perDay ? (doneOn.all({ ...params, n: perDay < 0 ? -1 : perDay - first.length }) as [number][]).map((r) => r[0]) : [];
    ids.push(...first, ...more);
  }
  const rows = ids.length === 0 ? [] : visitRows(db)('WHERE v.id IN (SELECT value FROM json_each(@ids))', { ids: JSON.stringify(ids) });
  const dayOf = (r: WorklistRow) => r.actualDate ?? r.plannedDate;
  rows.sort((a, b) => (dayOf(a) < dayOf(b) ? -1 : dayOf(a) > dayOf(b) ? 1 : a.protocolId < b.protocolId ? -1 : a.protocolId > b.protocolId ? 1 : a.studyId < b.studyId ? -1 : a.studyId > b.studyId ? 1 : a.visitId - b.visitId));
  return { from: q.from, to: q.to, days: summary, visits: rows, perDay: q.perDay ?? null };
}
