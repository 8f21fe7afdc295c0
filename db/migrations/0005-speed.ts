import type { WritableDB } from '../types.js';

// The site calendar asks for every visit between two dates whatever its status; without this
// index that was a scan of the whole visits table. app_checks records when the full start-up
// checks (integrity, whole audit chain) last ran and how far the audit chain is verified; it is
// bookkeeping, not a record, so it is not audited.
export function up(db: WritableDB): void {
  db.exec(`
    CREATE INDEX visits_by_planned_date ON visits (planned_date, participant_id);
    CREATE TABLE app_checks (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  `);
}
