import type { WritableDB } from '../types.js';

// The site calendar's month is read from one index: each day's visits with their status and
// actual date (a done visit shows on the day it was done) and participant, without reading the
// visit rows; a second index finds the visits done in the month but planned outside it. visit_counts keeps derived totals that an index cannot count quickly (the
// out-of-window list has tens of thousands of rows at a large site); triggers keep it in step
// with the visits table, and the daily full start-up check recounts it. Like app_checks it is
// bookkeeping, not a record, so it is not audited. Worklist totals leave out the visits of the
// few participants not enrolled, found by their status.
export function up(db: WritableDB): void {
  db.exec(`
    DROP INDEX visits_by_planned_date;
    CREATE INDEX visits_by_day ON visits (planned_date, status, actual_date, participant_id);
    CREATE INDEX visits_by_actual_date ON visits (actual_date, planned_date, participant_id) WHERE actual_date IS NOT NULL;
    CREATE INDEX participants_by_status ON participants (status);
    CREATE TABLE visit_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0)) STRICT;
    INSERT INTO visit_counts (name, n) SELECT 'out_of_window', count(*) FROM visits WHERE out_of_window = 1;
    CREATE TRIGGER visit_counts_insert AFTER INSERT ON visits WHEN NEW.out_of_window = 1
      BEGIN UPDATE visit_counts SET n = n + 1 WHERE name = 'out_of_window'; END;
    CREATE TRIGGER visit_counts_update AFTER UPDATE OF out_of_window ON visits WHEN OLD.out_of_window IS NOT NEW.out_of_window
      BEGIN UPDATE visit_counts SET n = n + NEW.out_of_window - OLD.out_of_window WHERE name = 'out_of_window'; END;
    CREATE TRIGGER visit_counts_delete AFTER DELETE ON visits WHEN OLD.out_of_window = 1
      BEGIN UPDATE visit_counts SET n = n - 1 WHERE name = 'out_of_window'; END;
  `);
}
