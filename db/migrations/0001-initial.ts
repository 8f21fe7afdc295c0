import type { WritableDB } from '../types.js';

// Protocols are versioned documents: a version is immutable once written (amendments add a
// version). The columns beside the document are what lists and lookups read, so that a list
// never parses JSON.
export function up(db: WritableDB): void {
  db.exec(`
    CREATE TABLE protocols (
      id                TEXT PRIMARY KEY,
      title             TEXT NOT NULL,
      nct_id            TEXT UNIQUE,
      sponsor           TEXT,
      phases            TEXT NOT NULL,
      status            TEXT,
      allocation        TEXT,
      masking           TEXT,
      enrollment_target INTEGER CHECK (enrollment_target IS NULL OR enrollment_target > 0),
      conditions        TEXT NOT NULL,
      arm_count         INTEGER NOT NULL CHECK (arm_count > 0),
      source_document   TEXT NOT NULL,
      current_version   INTEGER NOT NULL CHECK (current_version >= 1),
      created_at        TEXT NOT NULL,
      updated_at        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX protocols_by_title ON protocols (title COLLATE NOCASE, id);

    CREATE TABLE protocol_versions (
      protocol_id    TEXT NOT NULL REFERENCES protocols (id),
      version        INTEGER NOT NULL CHECK (version >= 1),
      document       TEXT NOT NULL CHECK (json_valid(document)),
      note           TEXT,
      created_at     TEXT NOT NULL,
      PRIMARY KEY (protocol_id, version)
    ) STRICT;

    CREATE TABLE arms (
      protocol_id TEXT NOT NULL,
      version     INTEGER NOT NULL,
      key         TEXT NOT NULL,
      position    INTEGER NOT NULL,
      label       TEXT NOT NULL,
      type        TEXT NOT NULL,
      target_size INTEGER CHECK (target_size IS NULL OR target_size > 0),
      PRIMARY KEY (protocol_id, version, key),
      FOREIGN KEY (protocol_id, version) REFERENCES protocol_versions (protocol_id, version)
    ) STRICT;
    CREATE INDEX arms_by_position ON arms (protocol_id, version, position);

    CREATE TABLE app_meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `);
}
