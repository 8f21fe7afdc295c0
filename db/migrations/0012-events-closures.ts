import type { WritableDB } from '../types.js';
import { guardSql } from './0010-keyed-trail.js';

const ISO_DATE = (col: string) => `${col} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(${col}) IS ${col}`;

// Events recorded for a participant (the date of surgery, of a transplant) that visits count
// from; the site's holidays; and, on each visit, where the site's closed day moved it from and
// why, or the closed day it falls on when its window has no open day. Both new tables are
// record tables: audited (db/audit.ts AUDITED) and guarded like the others.
export function up(db: WritableDB): void {
  db.exec(`
    CREATE TABLE participant_events (
      id             INTEGER PRIMARY KEY,
      participant_id INTEGER NOT NULL REFERENCES participants (id),
      event_key      TEXT NOT NULL CHECK (length(event_key) BETWEEN 1 AND 60),
      event_date     TEXT NOT NULL CHECK (${ISO_DATE('event_date')}),
      recorded_by    TEXT NOT NULL,
      recorded_at    TEXT NOT NULL,
      reason         TEXT,
      UNIQUE (participant_id, event_key)
    ) STRICT;
    CREATE TABLE holidays (
      date  TEXT PRIMARY KEY CHECK (${ISO_DATE('date')}),
      label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200)
    ) STRICT;
    ALTER TABLE visits ADD COLUMN moved_from TEXT CHECK (moved_from IS NULL OR (${ISO_DATE('moved_from')}));
    ALTER TABLE visits ADD COLUMN moved_because TEXT;
    ALTER TABLE visits ADD COLUMN closed_day TEXT;
  `);
  for (const t of ['participant_events', 'holidays']) for (const e of ['INSERT', 'UPDATE', 'DELETE'] as const) db.exec(guardSql(t, e));
}
