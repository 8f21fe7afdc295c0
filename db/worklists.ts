import type { Worklists, WorklistRow } from '../core/participants.js';
import { parseDate } from '../core/dates.js';
import type { ReadableDB } from './types.js';

// Trial titles and masking come from a small map, not a join: looking up the protocol row for
// each visit was a third of a worklist's time.
const ROW_SQL = `
  SELECT v.id AS visitId, p.id AS participantId, p.study_id AS studyId, p.initials, p.protocol_id AS protocolId,
    p.arm_key, p.blinded_code, v.label AS visitLabel, v.kind, v.planned_date AS plannedDate,
    v.window_start AS windowStart, v.window_end AS windowEnd, v.status, v.actual_date AS actualDate, v.reason
  FROM visits v
  JOIN participants p ON p.id = v.participant_id`;

type Raw = Omit<WorklistRow, 'assignment' | 'protocolTitle'> & { arm_key: string | null; blinded_code: string | null };

/** Runs a visit query (ROW_SQL plus a tail) and names each row's assignment: the code in blinded trials, never the arm. */
function visitRows(db: ReadableDB): (tail: string, params: Record<string, unknown>) => WorklistRow[] {
  const armLabels = new Map(
    (db.prepare('SELECT a.protocol_id, a.key, a.label FROM arms a JOIN protocols p ON p.id = a.protocol_id AND p.current_version = a.version').all() as { protocol_id: string; key: string; label: string }[]).map(
      (a) => [`${a.protocol_id}\u001f${a.key}`, a.label],
    ),
  );
  const protocols = new Map((db.prepare('SELECT id, title, masking FROM protocols').all() as { id: string; title: string; masking: string | null }[]).map((p) => [p.id, p]));
  return (tail, params) =>
    (db.prepare(`${ROW_SQL} ${tail}`).all(params) as Raw[]).map(({ arm_key, blinded_code, ...r }) => {
      const protocol = protocols.get(r.protocolId)!;
      return {
        ...r,
        protocolTitle: protocol.title,
        assignment: protocol.masking !== 'NONE' ? blinded_code : arm_key === null ? null : (armLabels.get(`${r.protocolId}\u001f${arm_key}`) ?? arm_key),
      };
    });
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
    dueToday: { where: `WHERE ${active} AND v.planned_date = @today`, order: 'p.protocol_id, p.study_id, v.position' },
    // The longer lists are read in their index's order (date, then the order visits were
    // created), so that the first rows come without sorting every match.
    thisWeek: { where: `WHERE ${active} AND v.planned_date BETWEEN @weekStart AND @weekEnd`, order: 'v.planned_date, v.id' },
    overdue: { where: `WHERE ${active} AND v.window_end < @today`, order: 'v.window_end, v.id' },
    outOfWindow: { where: 'WHERE v.out_of_window = 1', order: 'v.actual_date DESC, v.id DESC' },
  } as const;
  const params = { today, weekStart, weekEnd, limit };
  const used = (sql: string) => Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`@${k}`)));
  const list = (l: { where: string; order: string }) => rows(`${l.where} ORDER BY ${l.order} LIMIT @limit`, used(`${l.where} @limit`));
  // Counting through the join reads a participant row per visit (tens of milliseconds for the
  // overdue list of a large site). Instead: the visits alone, from their index, less those of the
  // few participants who are not enrolled (screening, screen-failed, withdrawn).
  const total = (l: { where: string }) => {
    const visitsOnly = l.where.replace(/p\.status = 'enrolled' AND /, '');
    const all = (db.prepare(`SELECT count(*) AS n FROM visits v ${visitsOnly}`).get(used(l.where)) as { n: number }).n;
    if (visitsOnly === l.where) return all;
    const others = (
      db
        .prepare(`SELECT count(*) AS n FROM participants p CROSS JOIN visits v ON v.participant_id = p.id ${visitsOnly} AND p.status <> 'enrolled'`)
        .get(used(l.where)) as { n: number }
    ).n;
    return all - others;
  };
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
  return visitRows(db)(`WHERE v.planned_date BETWEEN @from AND @to AND (@trial IS NULL OR p.protocol_id = @trial) ORDER BY v.planned_date, p.protocol_id, p.study_id, v.position`, {
    from,
    to,
    trial: protocolId,
  });
}
