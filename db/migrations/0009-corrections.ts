import type { WritableDB } from '../types.js';
import { appendMigrationAudit } from './legacy-audit.js';

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
  db.exec('ALTER TABLE visits ADD COLUMN settled_seq INTEGER');
  const cols = (db.prepare("SELECT name FROM pragma_table_info('visits')").all() as { name: string }[]).map((c) => c.name);
  const json = `json_object(${cols.map((c) => `'${c}', "${c}"`).join(', ')})`;
  const before = new Map((db.prepare(`SELECT id, ${json} AS v FROM visits WHERE status <> 'planned'`).all() as { id: number; v: string }[]).map((r) => [r.id, r.v]));
  db.exec(`
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
  // The order given to visits settled before: a change to records, so it goes in the trail.
  const after = db.prepare(`SELECT id, participant_id, ${json} AS v FROM visits WHERE status <> 'planned' ORDER BY id`).all() as { id: number; participant_id: number; v: string }[];
  appendMigrationAudit(
    db,
    'migration 9',
    'The order settled visits were recorded in, for corrections',
    after.map((r) => ({ entity: 'visits', entityId: String(r.id), action: 'update', participantId: r.participant_id, oldValues: before.get(r.id) ?? null, newValues: r.v })),
  );
}
