import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Caller } from '../../core/api.js';
import type { ParticipantDetail } from '../../core/participants.js';
import { openDatabase, type Connection } from '../../db/connection.js';
import { dispatch } from '../../db/dispatch.js';
import { createHandlers } from '../../db/service.js';
import { addTestPerson, TEST_PASSPHRASE } from './people.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trialcoord-test-'));
  dirs.push(d);
  return d;
}

/** A fresh database file through the same migrations as production. */
export function freshDb(): { conn: Connection; file: string; dir: string } {
  const dir = tempDir();
  const file = path.join(dir, 'test.sqlite');
  return { conn: openDatabase(file), file, dir };
}

/** Every user table's rows, for comparing a database before and after an operation. */
export function dumpTables(conn: Connection): Record<string, unknown[]> {
  return conn.read((db) => {
    const tables = db.prepare("SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; wr: number }[];
    // A table without rowids (bookkeeping keyed by its columns) in the order of its key.
    const order = (name: string, withoutRowid: number) =>
      withoutRowid ? (db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').pluck().all(name) as string[]).map((c) => `"${c}"`).join(', ') : 'rowid';
    return Object.fromEntries(tables.map(({ name, wr }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY ${order(name, wr)}`).all()]));
  });
}

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SEEDS_DIR = path.join(ROOT, 'seeds');

export { addTestPerson, cheapHash, TEST_PASSPHRASE } from './people.js';

/**
 * The API over a test database, as the app uses it. An input's `by` names the person calling
 * (created on first use with every role); it is taken out of the input, as the backend takes the
 * caller from the session. `call` returns the result, `ok` the value or throws.
 */
export function serviceFor(conn: Connection, now = new Date('2025-06-20T09:00:00')) {
  const handlers = createHandlers({ conn, mode: 'cli', appVersion: 'test', now: () => now });
  const call = (method: string, input: unknown, caller?: Caller) => {
    let by = 'CO';
    let rest = input;
    if (input && typeof input === 'object' && 'by' in input) {
      const { by: b, ...r } = input as { by: string };
      by = b;
      rest = r;
    }
    if (!caller) addTestPerson(conn, by);
    return dispatch(conn, handlers, method, rest, caller ?? { kind: 'person', initials: by }, (e) => {
      throw e;
    });
  };
  const ok = <T = ParticipantDetail>(method: string, input: unknown, caller?: Caller): T => {
    const r = call(method, input, caller);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as T;
  };
  /** Enrollment as the site does it: an investigator signs the eligibility answers, then the participant is enrolled. */
  const enroll = (input: { participantId: number; day1: string; by?: string; armKey?: string; stratum?: string }): ParticipantDetail => {
    ok('confirmEligibility', { participantId: input.participantId, passphrase: TEST_PASSPHRASE, ...(input.by ? { by: input.by } : {}) });
    return ok('enrollParticipant', input);
  };
  return { handlers, call, ok, enroll };
}

/**
 * A new file with one coordinator (CO), checkpointed, then the first page of the named table or
 * index overwritten with garbage, as a failing disk would leave it. Returns the file's path.
 */
export function fileWithDamagedPage(name: string): string {
  const file = path.join(tempDir(), 'db.sqlite');
  const conn = openDatabase(file);
  addTestPerson(conn, 'CO', ['coordinator']);
  conn.read((db) => db.pragma('wal_checkpoint(TRUNCATE)'));
  const page = conn.read((db) => db.prepare('SELECT pageno FROM dbstat WHERE name = ?').pluck().get(name) as number) - 1;
  conn.close();
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  bytes.fill(0x5a, page * pageSize, page * pageSize + pageSize);
  fs.writeFileSync(file, bytes);
  return file;
}
