import type { WritableDB } from '../types.js';

// Participants, their eligibility answers, randomization lists, visits and doses. A visit row
// holds the engine's latest plan beside what happened (status, actual date, reasons); the
// first projected date is written once and never updated.
export function up(db: WritableDB): void {
  db.exec(`
    CREATE TABLE participants (
      id                 INTEGER PRIMARY KEY,
      protocol_id        TEXT NOT NULL REFERENCES protocols (id),
      protocol_version   INTEGER NOT NULL,
      study_id           TEXT NOT NULL CHECK (length(study_id) BETWEEN 1 AND 40),
      initials           TEXT NOT NULL CHECK (length(initials) BETWEEN 1 AND 4),
      birth_date         TEXT,
      age_years          INTEGER CHECK (age_years IS NULL OR age_years BETWEEN 0 AND 130),
      sex                TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
      weight_kg          REAL CHECK (weight_kg IS NULL OR weight_kg > 0),
      consent_date       TEXT,
      status             TEXT NOT NULL CHECK (status IN ('screening', 'screen-failed', 'enrolled', 'withdrawn')),
      screen_fail_reason TEXT,
      arm_key            TEXT,
      blinded_code       TEXT,
      stratum            TEXT,
      day1               TEXT,
      enrolled_at        TEXT,
      withdrawn_on       TEXT,
      withdrawal_reason  TEXT,
      created_at         TEXT NOT NULL,
      created_by         TEXT NOT NULL,
      updated_at         TEXT NOT NULL,
      UNIQUE (protocol_id, study_id),
      FOREIGN KEY (protocol_id, protocol_version) REFERENCES protocol_versions (protocol_id, version)
    ) STRICT;
    CREATE INDEX participants_by_protocol ON participants (protocol_id, status, study_id);

    CREATE TABLE eligibility_answers (
      participant_id INTEGER NOT NULL REFERENCES participants (id),
      criterion_key  TEXT NOT NULL,
      met            INTEGER NOT NULL CHECK (met IN (0, 1)),
      answered_by    TEXT NOT NULL,
      answered_at    TEXT NOT NULL,
      PRIMARY KEY (participant_id, criterion_key)
    ) STRICT;

    CREATE TABLE randomization_lists (
      protocol_id    TEXT NOT NULL REFERENCES protocols (id),
      stratum        TEXT NOT NULL,
      seed           INTEGER NOT NULL,
      arms           TEXT NOT NULL,
      ratio          TEXT NOT NULL,
      max_multiplier INTEGER NOT NULL,
      created_at     TEXT NOT NULL,
      PRIMARY KEY (protocol_id, stratum)
    ) STRICT;

    CREATE TABLE randomization_slots (
      protocol_id    TEXT NOT NULL,
      stratum        TEXT NOT NULL,
      seq            INTEGER NOT NULL,
      arm_key        TEXT NOT NULL,
      code           TEXT NOT NULL,
      participant_id INTEGER UNIQUE REFERENCES participants (id),
      assigned_at    TEXT,
      PRIMARY KEY (protocol_id, stratum, seq),
      FOREIGN KEY (protocol_id, stratum) REFERENCES randomization_lists (protocol_id, stratum)
    ) STRICT;
    -- Each assignment is made once: a used slot is never given to anyone else.
    CREATE TRIGGER randomization_slots_assign_once BEFORE UPDATE OF participant_id ON randomization_slots
      WHEN OLD.participant_id IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'randomization slot already assigned'); END;

    CREATE TABLE unblindings (
      id             INTEGER PRIMARY KEY,
      participant_id INTEGER NOT NULL REFERENCES participants (id),
      reason         TEXT NOT NULL CHECK (length(reason) > 0),
      by_user        TEXT NOT NULL,
      at             TEXT NOT NULL
    ) STRICT;

    CREATE TABLE visits (
      id                INTEGER PRIMARY KEY,
      participant_id    INTEGER NOT NULL REFERENCES participants (id),
      key               TEXT NOT NULL,
      position          INTEGER NOT NULL,
      label             TEXT NOT NULL,
      kind              TEXT NOT NULL,
      series            TEXT,
      dose_number       INTEGER,
      planned_date      TEXT NOT NULL,
      projected_date    TEXT NOT NULL,
      window_start      TEXT NOT NULL,
      window_end        TEXT NOT NULL,
      window_text       TEXT,
      window_stated     INTEGER NOT NULL CHECK (window_stated IN (0, 1)),
      study_day         INTEGER NOT NULL,
      anchor            TEXT NOT NULL,
      procedures        TEXT NOT NULL,
      status            TEXT NOT NULL CHECK (status IN ('planned', 'done', 'missed', 'cancelled')),
      actual_date       TEXT,
      out_of_window     INTEGER NOT NULL DEFAULT 0 CHECK (out_of_window IN (0, 1)),
      rescheduled_date  TEXT,
      reason            TEXT,
      notes             TEXT,
      updated_by        TEXT,
      updated_at        TEXT,
      UNIQUE (participant_id, key),
      CHECK ((status = 'done') = (actual_date IS NOT NULL))
    ) STRICT;
    CREATE INDEX visits_by_participant ON visits (participant_id, planned_date, position);
    CREATE INDEX visits_by_status_date ON visits (status, planned_date);
    CREATE INDEX visits_by_window_end ON visits (status, window_end);
    CREATE INDEX visits_out_of_window ON visits (out_of_window, actual_date) WHERE out_of_window = 1;

    CREATE TABLE doses (
      id              INTEGER PRIMARY KEY,
      visit_id        INTEGER NOT NULL UNIQUE REFERENCES visits (id),
      participant_id  INTEGER NOT NULL REFERENCES participants (id),
      given_at        TEXT NOT NULL,
      lot_number      TEXT NOT NULL CHECK (length(lot_number) > 0),
      dose_text       TEXT NOT NULL,
      weight_kg       REAL,
      total_amount    REAL,
      total_unit      TEXT,
      recorded_by     TEXT NOT NULL,
      recorded_at     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX doses_by_participant ON doses (participant_id, given_at);
  `);
}
