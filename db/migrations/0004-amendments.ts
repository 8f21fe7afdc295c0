import type { WritableDB } from '../types.js';

// Protocol amendments: each version has the date it takes effect (new screenings use the latest
// version in effect on their day); versions written before this migration are in effect from
// the start.
export function up(db: WritableDB): void {
  db.exec(`
    ALTER TABLE protocol_versions ADD COLUMN effective_date TEXT CHECK (effective_date IS NULL OR effective_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');
    CREATE INDEX participants_by_version ON participants (protocol_id, protocol_version);
  `);
}
