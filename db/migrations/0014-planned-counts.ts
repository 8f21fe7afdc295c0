import type { WritableDB } from '../types.js';

// Each trial at a glance counts its overdue visits: planned, window closed, participant enrolled.
// At a large site that is thousands of visits, each joined to its participant for the trial and
// status (5 ms and more warm, on every worklists page). planned_counts keeps the planned visits of
// enrolled participants by trial and window end, so the overdue count is a sum over a few
// thousand days, not a walk over every visit. Like visit_counts it is bookkeeping: kept by each
// connection's temporary triggers (db/worklists.ts, installVisitCounts), written by the
// participant import itself, recounted by the daily full check, and not audited. It has no
// CHECK on n: a count that drifted below zero is put right by the recount, not by refusing a
// coordinator's write.
export function up(db: WritableDB): void {
  db.exec(`
    CREATE TABLE planned_counts (
      protocol_id TEXT NOT NULL,
      window_end  TEXT NOT NULL,
      n           INTEGER NOT NULL,
      PRIMARY KEY (protocol_id, window_end)
    ) WITHOUT ROWID, STRICT;
    INSERT INTO planned_counts (protocol_id, window_end, n)
      SELECT p.protocol_id, v.window_end, count(*) FROM visits v JOIN participants p ON p.id = v.participant_id
      WHERE v.status = 'planned' AND p.status = 'enrolled' GROUP BY p.protocol_id, v.window_end;
  `);
}
