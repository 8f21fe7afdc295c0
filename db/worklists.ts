import type { Worklists, WorklistRow } from '../core/participants.js';
import { parseDate } from '../core/dates.js';
import type { ReadableDB } from './types.js';

const ROW_SQL = `
  SELECT v.id AS visitId, p.id AS participantId, p.study_id AS studyId, p.initials, p.protocol_id AS protocolId,
    pr.title AS protocolTitle, pr.masking, p.arm_key, p.blinded_code, v.label AS visitLabel, v.kind, v.planned_date AS plannedDate,
    v.window_start AS windowStart, v.window_end AS windowEnd, v.status, v.actual_date AS actualDate, v.reason
  FROM visits v
  JOIN participants p ON p.id = v.participant_id
  JOIN protocols pr ON pr.id = p.protocol_id`;

type Raw = Omit<WorklistRow, 'assignment'> & { masking: string | null; arm_key: string | null; blinded_code: string | null };

/** Runs a visit query (ROW_SQL plus a tail) and names each row's assignment: the code in blinded trials, never the arm. */
function visitRows(db: ReadableDB): (tail: string, params: Record<string, unknown>) => WorklistRow[] {
  const armLabels = new Map(
    (db.prepare('SELECT a.protocol_id, a.key, a.label FROM arms a JOIN protocols p ON p.id = a.protocol_id AND p.current_version = a.version').all() as { protocol_id: string; key: string; label: string }[]).map(
      (a) => [`${a.protocol_id}\u001f${a.key}`, a.label],
    ),
  );
  return (tail, params) =>
    (db.prepare(`${ROW_SQL} ${tail}`).all(params) as Raw[]).map(({ masking, arm_key, blinded_code, ...r }) => ({
      ...r,
      assignment: masking !== 'NONE' ? blinded_code : arm_key === null ? null : (armLabels.get(`${r.protocolId}\u001f${arm_key}`) ?? arm_key),
    }));
}

/**
 * Today's, this week's (Monday to Sunday), overdue and out-of-window visits across all trials:
 * the first `limit` rows of each list, and how many each has in all. A site with years of
 * history has thousands of past deviations; the page shows the first ones and asks for more.
 */
export function worklists(db: ReadableDB, today: string, limit = 200): Worklists {
  const d = parseDate(today);
  const weekStart = d.subtract({ days: d.dayOfWeek - 1 }).toString();
  const weekEnd = d.add({ days: 7 - d.dayOfWeek }).toString();
  const rows = visitRows(db);
  const active = "p.status = 'enrolled' AND v.status = 'planned'";
  const lists = {
    dueToday: { where: `WHERE ${active} AND v.planned_date = @today`, order: 'pr.title, p.study_id, v.position' },
    thisWeek: { where: `WHERE ${active} AND v.planned_date BETWEEN @weekStart AND @weekEnd`, order: 'v.planned_date, pr.title, p.study_id, v.position' },
    overdue: { where: `WHERE ${active} AND v.window_end < @today`, order: 'v.window_end, pr.title, p.study_id' },
    outOfWindow: { where: 'WHERE v.out_of_window = 1', order: 'v.actual_date DESC, pr.title, p.study_id' },
  } as const;
  const params = { today, weekStart, weekEnd, limit };
  const used = (sql: string) => Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`@${k}`)));
  const list = (l: { where: string; order: string }) => rows(`${l.where} ORDER BY ${l.order} LIMIT @limit`, used(`${l.where} @limit`));
  const total = (l: { where: string }) =>
    (db.prepare(`SELECT count(*) AS n FROM visits v JOIN participants p ON p.id = v.participant_id ${l.where}`).get(used(l.where)) as { n: number }).n;
  return {
    today,
    weekStart,
    weekEnd,
    dueToday: list(lists.dueToday),
    thisWeek: list(lists.thisWeek),
    overdue: list(lists.overdue),
    outOfWindow: list(lists.outOfWindow),
    totals: { dueToday: total(lists.dueToday), thisWeek: total(lists.thisWeek), overdue: total(lists.overdue), outOfWindow: total(lists.outOfWindow) },
    limit,
  };
}

/** Every visit between two dates across all trials and participants: the site calendar's data. */
export function siteCalendar(db: ReadableDB, from: string, to: string, protocolId: string | null): WorklistRow[] {
  return visitRows(db)(`WHERE v.planned_date BETWEEN @from AND @to AND (@trial IS NULL OR p.protocol_id = @trial) ORDER BY v.planned_date, pr.title, p.study_id, v.position`, {
    from,
    to,
    trial: protocolId,
  });
}
