// The benchmark's reads of its own database (npm run bench, scripts/bench.ts): the SQL stays in db/.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { BULK_CACHE_SIZE } from './bulk-import.js';
import type { Connection } from './connection.js';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export function siteCounts(conn: Connection): { participants: number; visits: number; audit: number } {
  return conn.read((db) =>
    db.prepare('SELECT (SELECT count(*) FROM participants) AS participants, (SELECT count(*) FROM visits) AS visits, (SELECT count(*) FROM audit_log) AS audit').get(),
  ) as { participants: number; visits: number; audit: number };
}

export function participantIds(conn: Connection): number[] {
  return conn.read((db) => db.prepare('SELECT id FROM participants ORDER BY id').pluck().all() as number[]);
}

/** The planned date of the n-th visit in date order. */
export function plannedDateAt(conn: Connection, n: number): string {
  return conn.read((db) => db.prepare('SELECT planned_date FROM visits ORDER BY planned_date LIMIT 1 OFFSET ?').pluck().get(n) as string);
}

/** A raw insert of every visit row of `conn` into an empty copy of the visits table: its time in ms. */
export function rawInsert(conn: Connection, rawFile: string): number {
  const raw = new Database(rawFile);
  // The app's own settings for a file (db/connection.ts), and the import's page cache.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma(`cache_size = ${BULK_CACHE_SIZE}`);
  // The same table with the same indexes, without triggers (without the indexes a raw insert is
  // cheaper than any real table); the foreign key to participants is left out, as the raw side
  // has no participants.
  const schema = conn.read((db) =>
    (db.prepare("SELECT sql FROM sqlite_schema WHERE tbl_name = 'visits' AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type = 'index'").all() as { sql: string }[]).map((r) =>
      r.sql.replace(/REFERENCES participants \(id\)/, ''),
    ),
  );
  for (const sql of schema) raw.exec(sql);
  const visitRows = conn.read((db) => db.prepare('SELECT * FROM visits').raw().all()) as unknown[][];
  const insert = raw.prepare(`INSERT INTO visits VALUES (${visitRows[0]!.map(() => '?').join(', ')})`);
  const t1 = process.hrtime.bigint();
  raw.transaction(() => {
    for (const r of visitRows) insert.run(r);
  })();
  const rawMs = ms(t1);
  raw.close();
  for (const f of [rawFile, `${rawFile}-wal`, `${rawFile}-shm`]) fs.rmSync(f, { force: true });
  return rawMs;
}
