import type { WritableDB } from '../types.js';

// visit_counts is kept by temporary triggers that every connection installs (db/worklists.ts,
// installVisitCounts), as the audit triggers are, instead of triggers stored in the file: a
// participant import writes hundreds of thousands of visits, and while any trigger is on a table
// each insert keeps a statement journal (a copy of every page it touches). The import's bulk
// writer sets the visits' insert triggers aside and does their work itself (db/bulk-visits.ts),
// which it can do on its own connection only. The daily full check still recounts the totals.
export function up(db: WritableDB): void {
  db.exec(`
    DROP TRIGGER visit_counts_insert;
    DROP TRIGGER visit_counts_update;
    DROP TRIGGER visit_counts_delete;
  `);
}
