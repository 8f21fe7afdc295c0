import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../core/participants.js';
import { auditedInserter } from '../db/audit.js';
import { verifyAudit } from '../db/audit-verify.js';
import { BULK_CACHE_SIZE, withBulkVisits } from '../db/bulk-visits.js';
import { recountVisits } from '../db/worklists.js';
import { openDatabase } from '../db/connection.js';
import { lastCheck, recordCheck, runChecks } from '../db/checks.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { freshDb, ROOT, SEEDS_DIR, serviceFor, TEST_PASSPHRASE } from './helpers/db.js';

function setup() {
  const { conn, file } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const { ok, enroll } = serviceFor(conn);
  const s = ok('screenParticipant', { protocolId: 'ucmsc-sepsis', studyId: 'S-1', initials: 'AB', ageYears: 40, sex: 'male', consentDate: '2025-06-01', by: 'JS' });
  ok('answerEligibility', { participantId: s.participant.id, by: 'JS', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
  const d = enroll({ participantId: s.participant.id, day1: '2025-06-10', by: 'JS' });
  ok('markVisitDone', { visitId: d.visits[0]!.id, actualDate: '2025-06-12', reason: 'Late delivery', dose: { lotNumber: 'L1', givenAt: '2025-06-12T09:00', weightKg: 70 }, by: 'KM' });
  return { conn, file, ok, participantId: s.participant.id };
}

describe('audit trail', () => {
  it('records who, when, which method, old and new values, and the reason, one row per entity changed', () => {
    const { conn, ok, participantId } = setup();
    const trail = ok<AuditEntry[]>('participantAudit', { participantId });
    const done = trail.filter((e) => e.method === 'markVisitDone');
    expect(done.map((e) => [e.entity, e.action, e.by, e.reason])).toEqual(
      expect.arrayContaining([
        ['doses', 'insert', 'KM', 'Late delivery'],
        ['visits', 'update', 'KM', 'Late delivery'],
      ]),
    );
    const visit = done.find((e) => e.entity === 'visits' && 'actual_date' in e.changes)!;
    expect(visit.changes.actual_date).toEqual([null, '2025-06-12']);
    expect(visit.changes.status).toEqual(['planned', 'done']);
    expect(conn.read(verifyAudit)).toMatchObject({ ok: true });
    conn.close();
  });

  it('hides the arm of a blinded participant in the trail until unblinded', () => {
    const { conn, ok, participantId } = setup();
    const text = JSON.stringify(ok<AuditEntry[]>('participantAudit', { participantId }));
    expect(text).not.toMatch(/"experimental"|"sham"/);
    expect(text).toContain('(blinded)');
    ok('unblindParticipant', { participantId, reason: 'SAE', passphrase: TEST_PASSPHRASE, by: 'PI' });
    expect(JSON.stringify(ok<AuditEntry[]>('participantAudit', { participantId }))).toMatch(/"experimental"|"sham"/);
    conn.close();
  });

  it('refuses a change without an audit context, and any change to the trail itself', () => {
    const { conn } = setup();
    conn.read((db) => {
      expect(() => db.prepare("UPDATE visits SET notes = 'sneaky'").run()).toThrow(/without an audit context/);
      expect(() => db.prepare("UPDATE audit_log SET by_user = 'X' WHERE id = 1").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    });
    conn.close();
  });

  it('tampering with any one row is found by audit verify, naming the row', () => {
    const { conn, file } = setup();
    const rows = conn.read((db) => (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n);
    conn.close();
    // A second connection that drops the append-only triggers, as an attacker with the file would.
    for (const target of [1, Math.floor(rows / 2), rows]) {
      const copy = `${file}.tampered-${target}.sqlite`;
      const src = new Database(file);
      src.exec(`VACUUM INTO '${copy}'`);
      src.close();
      const evil = new Database(copy);
      evil.exec('DROP TRIGGER audit_log_no_update');
      evil.prepare("UPDATE audit_log SET reason = 'nothing to see' WHERE id = ?").run(target);
      evil.close();
      expect(verified(copy)).toMatchObject({ ok: false, firstBadId: target });
      const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'cli/main.ts'), '--db', copy, 'audit', 'verify'], { encoding: 'utf8' });
      expect([r.status, r.stdout]).toEqual([3, `Audit trail broken at row ${target}: row ${target} was changed after it was written (its hash does not match its content)\n`]);
    }
    // A removed row breaks the chain at the row after it.
    const evil = new Database(file);
    evil.exec('DROP TRIGGER audit_log_no_delete');
    evil.prepare('DELETE FROM audit_log WHERE id = 3').run();
    evil.close();
    expect(verified(file)).toMatchObject({ ok: false, firstBadId: 3 });
  });

  it('the start-up checks walk the whole trail on every start and keep their outcome beside the file', () => {
    const { conn, file } = setup();
    const first = runChecks(conn);
    expect(first).toMatchObject({ ok: true, problems: [] });
    recordCheck(file, first);
    expect(lastCheck(file)).toMatchObject({ ok: true });
    conn.close();
    // An edit to an early row, made with another tool, is found by the next start's checks.
    const evil = new Database(file);
    evil.exec('DROP TRIGGER audit_log_no_update');
    evil.prepare("UPDATE audit_log SET reason = 'x' WHERE id = 2").run();
    evil.close();
    const again = openDatabase(file);
    const second = runChecks(again);
    expect(second).toMatchObject({ ok: false, problems: ['The audit trail is broken at row 2: row 2 was changed after it was written (its hash does not match its content)'] });
    recordCheck(file, second);
    expect(lastCheck(file)).toMatchObject({ ok: false });
    again.close();
  });
});

/** The chain as the app verifies it: opened with the site's key. */
function verified(file: string) {
  const conn = openDatabase(file);
  try {
    return conn.read((db) => verifyAudit(db));
  } finally {
    conn.close();
  }
}

describe('audited bulk insert (participant import)', () => {
  // Visit rows with awkward text (quotes, backslashes, control characters, non-Latin text, a lone
  // surrogate), nulls and numbers; inserted once through the bulk writer and once through the
  // table's trigger, into two copies of the same database.
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.array(fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f', '\u2028', '/', 'é', '日本', '😀', '\ud800', 'a'), { maxLength: 12 }).map((a) => a.join('')),
  );
  const visit = fc.record({
    label: text,
    kind: fc.constantFrom('dose', 'follow-up', 'assessment'),
    series: fc.option(text, { nil: null }),
    dose_number: fc.option(fc.integer({ min: -5, max: 2 ** 40 }), { nil: null }),
    procedures: fc.array(text, { maxLength: 3 }).map((a) => JSON.stringify(a)),
    status: fc.constantFrom('planned', 'missed', 'cancelled'),
    window_text: fc.option(text, { nil: null }),
    reason: fc.option(text, { nil: null }),
    notes: fc.option(text, { nil: null }),
  });

  it('writes exactly the audit rows, hashes included, that the trigger writes', () => {
    const { conn, file, participantId } = setup();
    conn.close();
    const copy = path.join(path.dirname(file), 'copy.sqlite');
    fs.copyFileSync(file, copy);
    const [bulk, triggered] = [openDatabase(file), openDatabase(copy)];
    const base = (c: typeof bulk) => c.read((db) => (db.prepare('SELECT max(id) AS n FROM audit_log').get() as { n: number }).n);
    expect(base(bulk)).toBe(base(triggered));
    const from = base(bulk);
    const rows = fc.sample(visit, { numRuns: 400, seed: 20261123 }).map((v, i) => ({
      participant_id: participantId,
      key: `bulk-${i}`,
      position: 100 + i,
      planned_date: '2025-07-01',
      projected_date: '2025-07-01',
      window_start: '2025-06-30',
      window_end: '2025-07-02',
      window_stated: i % 2,
      study_day: 22,
      anchor: 'firstDose',
      actual_date: null,
      out_of_window: i % 3 === 0 ? 1 : 0,
      rescheduled_date: null,
      updated_by: null,
      updated_at: '2025-06-20T09:00:00Z',
      settled_seq: null,
      done_by: null,
      procedures_done: null,
      moved_from: null,
      moved_because: null,
      closed_day: null,
      ...v,
    }));
    const ctx = { by: 'IMP', method: 'importParticipants', reason: 'Imported from CSV', at: '2025-06-20T09:00:00.000Z' };
    // Two batches, as an import writes one participant's visits per call, with a larger page cache
    // while it writes (the connection's own is put back).
    const cacheSize = () => bulk.read((db) => (db as unknown as Database.Database).pragma('cache_size', { simple: true }));
    const ownCache = cacheSize();
    bulk.write(ctx, (db) =>
      withBulkVisits(db, (insert) => {
        expect(cacheSize()).toBe(BULK_CACHE_SIZE);
        return [...insert(rows.slice(0, 150)), ...insert(rows.slice(150))];
      }),
    );
    expect(cacheSize()).toBe(ownCache);
    expect(ownCache).not.toBe(BULK_CACHE_SIZE);
    const cols = Object.keys(rows[0]!);
    const insertSql = `INSERT INTO visits (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`;
    triggered.write(ctx, (db) => {
      const insert = db.prepare(insertSql);
      for (const r of rows) insert.run(r);
    });
    const trail = (c: typeof bulk) => c.read((db) => db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id').all(from));
    const written = trail(bulk);
    expect(written).toHaveLength(rows.length);
    expect(written).toEqual(trail(triggered));
    expect(bulk.read((db) => db.prepare('SELECT * FROM visits ORDER BY id').all())).toEqual(triggered.read((db) => db.prepare('SELECT * FROM visits ORDER BY id').all()));
    expect(bulk.read((db) => verifyAudit(db))).toMatchObject({ ok: true });
    // The out-of-window total counts the bulk rows as the trigger counts them.
    const counts = (c: typeof bulk) => c.read((db) => db.prepare('SELECT * FROM visit_counts ORDER BY name').all());
    expect(counts(bulk)).toEqual(counts(triggered));
    expect(counts(bulk)).toContainEqual({ name: 'out_of_window', n: bulk.read((db) => (db.prepare('SELECT count(*) AS n FROM visits WHERE out_of_window = 1').get() as { n: number }).n) });

    // The triggers are back for every other insert: after a bulk insert, and after one that failed
    // (whether the failure rolls the write back or the write goes on).
    const triggers = (c: typeof bulk) => c.read((db) => db.prepare("SELECT name, sql FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name = 'visits' ORDER BY name").all());
    expect(triggers(bulk)).toEqual(triggers(triggered));
    expect(triggers(bulk)).toHaveLength(6);
    expect(() => bulk.write(ctx, (db) => withBulkVisits(db, (insert) => insert([{ ...rows[0]!, key: 'lost' }, rows[1]!])))).toThrow(/UNIQUE/);
    expect(triggers(bulk)).toEqual(triggers(triggered));
    bulk.write(ctx, (db) => {
      expect(() => withBulkVisits(db, (insert) => insert([rows[0]!]))).toThrow(/UNIQUE/);
      db.prepare(insertSql).run({ ...rows[0]!, key: 'after', out_of_window: 1 });
    });
    expect(bulk.read((db) => db.prepare("SELECT count(*) AS n FROM audit_log WHERE entity = 'visits' AND new_values LIKE '%\"key\":\"after\"%'").get())).toEqual({ n: 1 });
    expect(bulk.read((db) => db.prepare("SELECT count(*) AS n FROM visits WHERE key = 'lost'").get())).toEqual({ n: 0 });
    expect(recountVisits(bulk.read((db) => db) as never)).toBe(false);
    expect(triggers(bulk)).toEqual(triggers(triggered));

    // Refused: outside a write; without an audit context; while the audit trigger is in place; and
    // when the visits have an insert trigger whose work the bulk writer does not do.
    expect(() => bulk.read((db) => withBulkVisits(db as never, () => 0))).toThrow(/inside a write/);
    const raw = bulk.read((db) => db) as unknown as Database.Database;
    expect(() => raw.transaction(() => withBulkVisits(raw as never, () => 0))()).toThrow(/without an audit context/);
    expect(() => bulk.write(ctx, (db) => auditedInserter(db, 'visits'))).toThrow(/must stand aside/);
    raw.exec("CREATE TEMP TRIGGER extra AFTER INSERT ON main.visits BEGIN SELECT 1; END");
    expect(() => bulk.write(ctx, (db) => withBulkVisits(db, () => 0))).toThrow(/does not stand in for: extra/);
    expect(triggers(bulk)).toHaveLength(7);
    bulk.close();
    triggered.close();
  });
});
