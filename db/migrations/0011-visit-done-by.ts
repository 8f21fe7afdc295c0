import type { WritableDB } from '../types.js';

// Who did a visit, and which of its procedures were done. `done_by` is the person who marked the
// visit done (updated_by changes with a later note or correction); `procedures_done` the
// procedures ticked at Done, as a JSON list of the visit's own procedure names. Visits done
// before this migration keep both empty: the visits export finds their done-by in the trail.
export function up(db: WritableDB): void {
  db.exec(`
    ALTER TABLE visits ADD COLUMN done_by TEXT;
    ALTER TABLE visits ADD COLUMN procedures_done TEXT CHECK (procedures_done IS NULL OR json_valid(procedures_done));
  `);
}
