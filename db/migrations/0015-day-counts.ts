import type { WritableDB } from '../types.js';

// The site calendar's month counts each day's visits by status. At a large site a month is
// thousands of visits: grouping their index entries was most of the month's read (0.6-0.7 ms of
// 1.4 ms on npm run bench's file). day_counts keeps every visit counted by the day it shows on
// (the day it was done, else its planned day), its participant's trial and its status, so a
// month's counts are a few hundred rows. Like planned_counts it is bookkeeping: kept by each
// connection's temporary triggers (db/visit-counts.ts, installVisitCounts), written by the
// participant import itself, recounted by the daily full check, not audited, and without a
// CHECK on n.
export function up(db: WritableDB): void {
  db.exec(`
    CREATE TABLE day_counts (
      day         TEXT NOT NULL,
      protocol_id TEXT NOT NULL,
      status      TEXT NOT NULL,
      n           INTEGER NOT NULL,
      PRIMARY KEY (day, protocol_id, status)
    ) WITHOUT ROWID, STRICT;
    INSERT INTO day_counts (day, protocol_id, status, n)
      SELECT coalesce(v.actual_date, v.planned_date), p.protocol_id, v.status, count(*) FROM visits v JOIN participants p ON p.id = v.participant_id
      GROUP BY 1, 2, 3;
  `);
}
