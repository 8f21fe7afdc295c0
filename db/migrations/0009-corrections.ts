import type { WritableDB } from '../types.js';

// Corrections re-plan "exactly as if the corrected value had been recorded first": each visit
// that was settled (done, missed or cancelled) keeps the order it was settled in (settled_seq,
// per participant), so that after a correction the settled visits are replayed in that order and
// each is given the planned date it would have had. Visits settled before this migration take
// the order of their last change.
//
// Signatures (21 CFR Part 11): an investigator's confirmation of eligibility, and an unblinding,
// are signed by re-entering the passphrase; the record keeps the signer's name as it was, the
// time and what the signature means.
export function up(db: WritableDB): void {
  db.exec(`
    ALTER TABLE visits ADD COLUMN settled_seq INTEGER;
    UPDATE visits SET settled_seq = (
      SELECT count(*) FROM visits w
      WHERE w.participant_id = visits.participant_id AND w.status <> 'planned'
        AND (coalesce(w.updated_at, '') < coalesce(visits.updated_at, '') OR (coalesce(w.updated_at, '') = coalesce(visits.updated_at, '') AND w.id <= visits.id))
    ) WHERE status <> 'planned';
    CREATE TABLE eligibility_signatures (
      id             INTEGER PRIMARY KEY,
      participant_id INTEGER NOT NULL REFERENCES participants (id),
      by_user        TEXT NOT NULL,
      signer_name    TEXT NOT NULL,
      at             TEXT NOT NULL,
      meaning        TEXT NOT NULL,
      answers        TEXT NOT NULL CHECK (json_valid(answers))
    ) STRICT;
    CREATE INDEX eligibility_signatures_by_participant ON eligibility_signatures (participant_id, id);
    ALTER TABLE unblindings ADD COLUMN signer_name TEXT;
    ALTER TABLE unblindings ADD COLUMN meaning TEXT;
  `);
}
