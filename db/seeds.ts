import fs from 'node:fs';
import path from 'node:path';
import { importProtocol } from './protocols.js';
import type { Connection } from './connection.js';

const SEEDED_KEY = 'seeds_imported_at';

/** Reads every protocol JSON file in a folder (the JSON Schema file excepted), sorted by name. */
export function readSeedFiles(dir: string): { file: string; document: unknown }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .sort()
    .map((f) => ({ file: f, document: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown }));
}

/**
 * Imports the seed protocols on first start, in one transaction. Runs once per database: a
 * protocol the coordinator later changes is not overwritten by a seed.
 */
export function importSeedsOnFirstStart(conn: Connection, dir: string, now: Date = new Date()): number {
  const done = conn.read((db) => db.prepare('SELECT value FROM app_meta WHERE key = ?').get(SEEDED_KEY));
  if (done) return 0;
  const seeds = readSeedFiles(dir);
  return conn.write({ by: 'system', method: 'importSeeds', reason: 'first start', at: now.toISOString() }, (db) => {
    for (const seed of seeds) importProtocol(db, seed.document, { asNewVersion: false, now: now.toISOString() });
    db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?)').run(SEEDED_KEY, now.toISOString());
    return seeds.length;
  });
}
