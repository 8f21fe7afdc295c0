// The visits' bookkeeping counts, kept so that the worklists, each trial at a glance and the site
// calendar count from a few hundred rows rather than walk thousands of visits:
// - visit_counts (migration 6): the out-of-window visits;
// - planned_counts (migration 14): the planned visits of enrolled participants by trial and window end;
// - day_counts (migration 15): every visit by the day it shows on (done, else planned), trial and status.
// Each connection's temporary triggers keep them (installVisitCounts), the participant import's
// bulk writer adds its own visits to them (ImportedCounts), and the daily full check
// recounts them (recountVisits).
import { VISIT_STATUSES, type VisitStatus } from '../core/vocabulary.js';
import type { WritableDB } from './types.js';
import { PLANNED_COLUMNS, type PlannedRows } from './import-planner.js';

/** The triggers that count an inserted visit (the import's bulk writer does their work itself). */
export const VISIT_COUNTS_INSERT = 'visit_counts_insert';
export const PLANNED_COUNTS_INSERT = 'planned_counts_insert';
export const DAY_COUNTS_INSERT = 'day_counts_insert';

// A planned visit's count goes to its participant's trial and the visit's window end, while the
// participant is enrolled; upserted, as a window end may be new.
const addPlanned = (v: 'NEW' | 'OLD', by: string) => `INSERT INTO main.planned_counts (protocol_id, window_end, n)
  SELECT p.protocol_id, ${v}.window_end, ${by} FROM main.participants p WHERE ${v}.status = 'planned' AND p.id = ${v}.participant_id AND p.status = 'enrolled'
  ON CONFLICT (protocol_id, window_end) DO UPDATE SET n = n + excluded.n;`;
// A participant who becomes enrolled (or stops being) brings (or takes) all their planned visits.
const participantPlanned = (v: 'NEW' | 'OLD', sign: '' | '-') => `INSERT INTO main.planned_counts (protocol_id, window_end, n)
  SELECT ${v}.protocol_id, x.window_end, ${sign}count(*) FROM main.visits x WHERE ${v}.status = 'enrolled' AND x.participant_id = ${v}.id AND x.status = 'planned' GROUP BY x.window_end
  ON CONFLICT (protocol_id, window_end) DO UPDATE SET n = n + excluded.n;`;
// A visit's count goes to the day it shows on, its participant's trial and its status.
const addDay = (v: 'NEW' | 'OLD', by: string) => `INSERT INTO main.day_counts (day, protocol_id, status, n)
  SELECT coalesce(${v}.actual_date, ${v}.planned_date), p.protocol_id, ${v}.status, ${by} FROM main.participants p WHERE p.id = ${v}.participant_id
  ON CONFLICT (day, protocol_id, status) DO UPDATE SET n = n + excluded.n;`;
// A participant moved to another trial takes all their visits with them.
const participantDays = (v: 'NEW' | 'OLD', sign: '' | '-') => `INSERT INTO main.day_counts (day, protocol_id, status, n)
  SELECT coalesce(x.actual_date, x.planned_date), ${v}.protocol_id, x.status, ${sign}count(*) FROM main.visits x WHERE x.participant_id = ${v}.id GROUP BY 1, 3
  ON CONFLICT (day, protocol_id, status) DO UPDATE SET n = n + excluded.n;`;

/**
 * Creates this connection's triggers that keep the counts in step with the visits (temporary,
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
    CREATE TEMP TRIGGER IF NOT EXISTS ${DAY_COUNTS_INSERT} AFTER INSERT ON main.visits
      BEGIN ${addDay('NEW', '1')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS day_counts_update AFTER UPDATE OF status, actual_date, planned_date, participant_id ON main.visits
      WHEN OLD.status IS NOT NEW.status OR coalesce(OLD.actual_date, OLD.planned_date) IS NOT coalesce(NEW.actual_date, NEW.planned_date) OR OLD.participant_id IS NOT NEW.participant_id
      BEGIN ${addDay('OLD', '-1')} ${addDay('NEW', '1')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS day_counts_delete AFTER DELETE ON main.visits
      BEGIN ${addDay('OLD', '-1')} END;
    CREATE TEMP TRIGGER IF NOT EXISTS day_counts_participant AFTER UPDATE OF protocol_id ON main.participants WHEN OLD.protocol_id IS NOT NEW.protocol_id
      BEGIN ${participantDays('OLD', '-')} ${participantDays('NEW', '')} END;
  `);
}

const AT = Object.fromEntries(PLANNED_COLUMNS.map((c, i) => [c, i])) as Record<(typeof PLANNED_COLUMNS)[number], number>;

/** What the count triggers would have added for visits the bulk writer wrote without them. */
export class ImportedCounts {
  private outOfWindow = 0;
  // By trial, then window end.
  private readonly planned = new Map<string, Map<string, number>>();
  // By trial, then day: a count for each status, in VISIT_STATUSES' order. (Hundreds of thousands
  // of visits: a key made of day, trial and status for each cost a third of a second.)
  private readonly days = new Map<string, Map<string, number[]>>();

  /** Counts one participant's visits (their values in PLANNED_COLUMNS' order), as their insert triggers would. */
  add(participant: { readonly [column: string]: unknown }, visits: PlannedRows): void {
    const protocolId = String(participant.protocol_id);
    let byEnd: Map<string, number> | null = null;
    if (participant.status === 'enrolled') byEnd = this.planned.get(protocolId) ?? this.planned.set(protocolId, new Map()).get(protocolId)!;
    const byDay = this.days.get(protocolId) ?? this.days.set(protocolId, new Map()).get(protocolId)!;
    for (const v of visits) {
      if (v[AT.out_of_window] === 1) this.outOfWindow++;
      const status = v[AT.status];
      if (byEnd !== null && status === 'planned') byEnd.set(String(v[AT.window_end]), (byEnd.get(String(v[AT.window_end])) ?? 0) + 1);
      const day = String(v[AT.actual_date] ?? v[AT.planned_date]);
      const counts = byDay.get(day) ?? byDay.set(day, VISIT_STATUSES.map(() => 0)).get(day)!;
      const s = VISIT_STATUSES.indexOf(status as VisitStatus);
      if (s < 0) throw new Error(`a visit with the status ${String(status)}, which the counts do not know`);
      counts[s]!++;
    }
  }

  /** Adds what was counted to the tables, in the import's write. */
  write(db: WritableDB): void {
    if (this.outOfWindow > 0) db.prepare("UPDATE visit_counts SET n = n + ? WHERE name = 'out_of_window'").run(this.outOfWindow);
    const planned = db.prepare('INSERT INTO planned_counts (protocol_id, window_end, n) VALUES (?, ?, ?) ON CONFLICT (protocol_id, window_end) DO UPDATE SET n = n + excluded.n');
    for (const [protocolId, byEnd] of this.planned) for (const [windowEnd, n] of byEnd) planned.run(protocolId, windowEnd, n);
    const day = db.prepare('INSERT INTO day_counts (day, protocol_id, status, n) VALUES (?, ?, ?, ?) ON CONFLICT (day, protocol_id, status) DO UPDATE SET n = n + excluded.n');
    for (const [protocolId, byDay] of this.days)
      for (const [d, counts] of byDay) counts.forEach((n, s) => n > 0 && day.run(d, protocolId, VISIT_STATUSES[s], n));
  }
}

/** Recounts visit_counts, planned_counts and day_counts from the visits (the daily full check); returns whether any had drifted. */
export function recountVisits(db: WritableDB): boolean {
  const stored = (db.prepare("SELECT n FROM visit_counts WHERE name = 'out_of_window'").get() as { n: number }).n;
  const actual = (db.prepare('SELECT count(*) AS n FROM visits WHERE out_of_window = 1').get() as { n: number }).n;
  if (stored !== actual) db.prepare("UPDATE visit_counts SET n = ? WHERE name = 'out_of_window'").run(actual);
  const planned = recount(db, 'planned_counts', ['protocol_id', 'window_end'], PLANNED_NOW);
  const days = recount(db, 'day_counts', ['day', 'protocol_id', 'status'], DAYS_NOW);
  return planned || days || stored !== actual;
}

const PLANNED_NOW = `SELECT p.protocol_id, v.window_end, count(*) AS n FROM visits v JOIN participants p ON p.id = v.participant_id
  WHERE v.status = 'planned' AND p.status = 'enrolled' GROUP BY p.protocol_id, v.window_end`;
const DAYS_NOW = `SELECT coalesce(v.actual_date, v.planned_date), p.protocol_id, v.status, count(*) AS n FROM visits v JOIN participants p ON p.id = v.participant_id
  GROUP BY 1, 2, 3`;

/** Compares a count table with a fresh count (keys, then n) and writes it again if they differ. */
function recount(db: WritableDB, table: string, keys: readonly string[], now: string): boolean {
  const order = keys.map((_, i) => i + 1).join(', ');
  const row = (r: unknown[]) => JSON.stringify(r);
  const stored = (db.prepare(`SELECT ${keys.join(', ')}, n FROM ${table} WHERE n <> 0 ORDER BY ${order}`).raw().all() as unknown[][]).map(row);
  const actual = (db.prepare(`${now} ORDER BY ${order}`).raw().all() as unknown[][]).map(row);
  if (stored.length === actual.length && stored.every((s, i) => s === actual[i])) return false;
  db.exec(`DELETE FROM ${table}; INSERT INTO ${table} (${keys.join(', ')}, n) ${now}`);
  return true;
}
