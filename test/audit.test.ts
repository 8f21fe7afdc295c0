import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../core/participants.js';
import { auditSentence } from '../core/audit-words.js';
import { verifyAudit, verifyRecords } from '../db/audit-verify.js';
import { BULK_CACHE_SIZE, importedVisits, withBulkImport } from '../db/bulk-import.js';
import { recountVisits } from '../db/visit-counts.js';
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

describe('audited bulk import (participant import)', () => {
  // Visit rows with awkward text (quotes, backslashes, control characters, non-Latin text, a lone
  // surrogate), nulls and numbers; written through the bulk writer, one participant per call.
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
  const visitRows = fc.sample(visit, { numRuns: 400, seed: 20261123 }).map((v, i) => ({
    participant_id: 0,
    key: `bulk-${i}`,
    position: i,
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
  const person = (n: number) => ({
    protocol_id: 'ucmsc-sepsis',
    protocol_version: 1,
    study_id: `IMP-${n}`,
    initials: 'AB',
    sex: 'unknown',
    weight_kg: n % 2 ? 72.5 : 70,
    status: 'enrolled',
    arm_key: null,
    blinded_code: `CODE-${n}`,
    day1: '2025-06-10',
    enrolled_at: '2025-06-20T09:00:00.000Z',
    created_at: '2025-06-20T09:00:00.000Z',
    created_by: 'IMP',
    updated_at: '2025-06-20T09:00:00.000Z',
  });
  const ctx = { by: 'IMP', method: 'importParticipants', reason: 'Imported from CSV', at: '2025-06-20T09:00:00.000Z' };

  it('one chained audit row per participant holds its record and every visit, as the tables hold them', () => {
    const { conn } = setup();
    const from = conn.read((db) => (db.prepare('SELECT max(id) AS n FROM audit_log').get() as { n: number }).n);
    const cacheSize = () => conn.read((db) => (db as unknown as Database.Database).pragma('cache_size', { simple: true }));
    const ownCache = cacheSize();
    // Three participants with 150, 250 and no visits, with a larger page cache while it writes.
    const ids = conn.write(ctx, (db) =>
      withBulkImport(db, (insert) => {
        expect(cacheSize()).toBe(BULK_CACHE_SIZE);
        return [insert(person(1), visitRows.slice(0, 150)), insert(person(2), visitRows.slice(150)), insert(person(3), [])];
      }),
    );
    expect(cacheSize()).toBe(ownCache);
    const rows = conn.read((db) => db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id').all(from)) as { entity: string; entity_id: string; action: string; participant_id: number; new_values: string; method: string }[];
    expect(rows.map((r) => [r.entity, r.entity_id, r.action, r.participant_id, r.method])).toEqual(ids.map((id) => ['participants', String(id), 'insert', id, 'importParticipants']));
    // Its values: the participant's columns as its insert trigger writes them, and each visit's as the visits table holds it.
    conn.read((db) => {
      const cols = (t: string) => (db.prepare('SELECT name FROM pragma_table_info(?)').all(t) as { name: string }[]).map((c) => `'${c.name}', r."${c.name}"`).join(', ');
      for (const [k, id] of ids.entries()) {
        const values = JSON.parse(rows[k]!.new_values) as Record<string, unknown>;
        const visits = importedVisits(values);
        const { visits: listed, ...participant } = values;
        expect((listed as { columns: string[] }).columns.slice(0, 3)).toEqual(['id', 'participant_id', 'key']);
        expect(participant).toEqual(JSON.parse(db.prepare(`SELECT json_object(${cols('participants')}) AS j FROM participants r WHERE id = ?`).pluck().get(id) as string));
        const stored = (db.prepare(`SELECT json_object(${cols('visits')}) AS j FROM visits r WHERE participant_id = ? ORDER BY id`).pluck().all(id) as string[]).map((j) => JSON.parse(j) as unknown);
        expect(visits).toEqual(stored);
        expect(visits).toHaveLength([150, 250, 0][k]!);
      }
    });
    expect(conn.read((db) => verifyAudit(db))).toMatchObject({ ok: true });
    expect(conn.read((db) => verifyRecords(db))).toEqual([]);
    // The out-of-window total counts the imported visits as the trigger counts them.
    expect(recountVisits(conn.read((db) => db) as never)).toBe(false);

    // The trail in people's words: one entry per participant, its visits read as inserted by it.
    const { ok } = serviceFor(conn);
    const trail = ok<AuditEntry[]>('participantAudit', { participantId: ids[0]! });
    expect(trail).toHaveLength(1);
    expect(trail[0]!.records).toHaveLength(150);
    expect(trail[0]!.records![0]).toMatchObject({ entity: 'visits', subject: visitRows[0]!.label, changes: { key: [null, 'bulk-0'], status: [null, visitRows[0]!.status] } });
    expect(trail[0]!.changes).not.toHaveProperty('visits');
    expect(auditSentence(trail[0]!, { date: (d) => d })).toBe('IMP imported IMP-1 (AB) with 150 visits (Imported from CSV)');
    conn.close();
  });

  it('the record-to-trail check names an imported visit or participant changed, added or removed without the app', () => {
    const { conn, file } = setup();
    const ids = conn.write(ctx, (db) => withBulkImport(db, (insert) => [insert(person(1), visitRows.slice(0, 5)), insert(person(2), visitRows.slice(5, 10))]));
    const visitIds = conn.read((db) => db.prepare('SELECT id FROM visits WHERE participant_id = ? ORDER BY id').pluck().all(ids[1]!) as number[]);
    // A change through the app after the import: its own row is now the latest, and it holds.
    conn.write({ ...ctx, method: 'correctVisit', reason: 'typo' }, (db) => db.prepare("UPDATE visits SET notes = 'fixed' WHERE id = ?").run(visitIds[0]!));
    expect(conn.read((db) => verifyRecords(db))).toEqual([]);
    conn.close();
    const evil = new Database(file);
    for (const t of ['visits', 'participants']) for (const e of ['insert', 'update', 'delete']) evil.exec(`DROP TRIGGER guard_${t}_${e}`);
    evil.prepare("UPDATE visits SET planned_date = '2030-01-01' WHERE id = ?").run(visitIds[1]!);
    evil.prepare('DELETE FROM visits WHERE id = ?').run(visitIds[2]!);
    evil.prepare("UPDATE participants SET initials = 'ZZ' WHERE id = ?").run(ids[0]!);
    evil.prepare('INSERT INTO visits (participant_id, key, position, label, kind, planned_date, projected_date, window_start, window_end, window_stated, study_day, anchor, procedures, status, out_of_window, updated_at) SELECT participant_id, \'forged\', 99, label, kind, planned_date, projected_date, window_start, window_end, window_stated, study_day, anchor, procedures, status, 0, updated_at FROM visits WHERE id = ?').run(visitIds[3]!);
    evil.close();
    const again = openDatabase(file);
    const found = again.read((db) => verifyRecords(db));
    again.close();
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'visits', id: String(visitIds[1]), column: 'planned_date' }),
        expect.objectContaining({ table: 'visits', id: String(visitIds[2]), column: null, problem: expect.stringMatching(/removed without the app/) }),
        expect.objectContaining({ table: 'participants', id: String(ids[0]), column: 'initials' }),
        expect.objectContaining({ table: 'visits', column: null, problem: expect.stringMatching(/not in the audit trail/) }),
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it('an import as large as half the visits there builds their indexes once, after; a smaller one adds to them; a failed one leaves them', () => {
    const { conn } = setup();
    const indexes = () => conn.read((db) => db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'visits' ORDER BY name").all());
    const before = indexes();
    expect(before.length).toBeGreaterThan(4);
    const there = conn.read((db) => db.prepare('SELECT count(*) FROM visits').pluck().get() as number);
    // Two participants of 150 visits each, against the few already there: set aside while it writes, and back after.
    let during: unknown[] = [];
    const ids = conn.write(ctx, (db) =>
      withBulkImport(
        db,
        (insert) => {
          const first = insert(person(1), visitRows.slice(0, 150));
          during = indexes();
          return [first, insert(person(2), visitRows.slice(150, 300))];
        },
        { participants: 2 },
      ),
    );
    expect(during).toEqual(before.filter((i) => (i as { sql: string | null }).sql === null));
    expect(indexes()).toEqual(before);
    expect(conn.read((db) => db.prepare('PRAGMA integrity_check').pluck().all())).toEqual(['ok']);
    // Planned by index as before: a participant's visits from theirs.
    expect(conn.read((db) => db.prepare('EXPLAIN QUERY PLAN SELECT * FROM visits WHERE participant_id = ?').all(ids[1]!))).toEqual([expect.objectContaining({ detail: expect.stringMatching(/USING INDEX visits_by_participant/) })]);
    expect(conn.read((db) => db.prepare('SELECT count(*) FROM visits WHERE participant_id = ?').pluck().get(ids[1]!))).toBe(150);
    expect(conn.read((db) => verifyRecords(db))).toEqual([]);

    // Three visits against the 300 now there: the indexes stay.
    conn.write(ctx, (db) => withBulkImport(db, (insert) => (insert(person(3), visitRows.slice(0, 3)), (during = indexes())), { participants: 1 }));
    expect(during).toEqual(before);
    // A failed import that had set them aside: the rollback puts them back, with nothing of the import left.
    const count = () => conn.read((db) => db.prepare('SELECT count(*) FROM visits').pluck().get() as number);
    const was = count();
    expect(() => conn.write(ctx, (db) => withBulkImport(db, (insert) => [insert(person(4), visitRows.slice(0, 200)), insert(person(5), [visitRows[0]!, visitRows[0]!])], { participants: 3 }))).toThrow(/UNIQUE/);
    expect(count()).toBe(was);
    expect(indexes()).toEqual(before);
    expect(there).toBeLessThan(150);
    conn.close();
  });

  it('a failed import leaves nothing, and the tables’ triggers are back for every other insert', () => {
    const { conn } = setup();
    const triggers = () =>
      conn.read((db) =>
        db.prepare("SELECT 'temp' AS s, name, sql FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name IN ('visits', 'participants') UNION ALL SELECT 'main', name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ('visits', 'participants') ORDER BY 1, 2").all(),
      );
    const before = triggers();
    const count = () => conn.read((db) => db.prepare('SELECT (SELECT count(*) FROM participants) AS p, (SELECT count(*) FROM visits) AS v, (SELECT count(*) FROM audit_log) AS a').get());
    const was = count();
    // A second visit with the same key: the import fails, and everything it wrote goes with it.
    expect(() => conn.write(ctx, (db) => withBulkImport(db, (insert) => [insert(person(1), visitRows.slice(0, 3)), insert(person(2), [visitRows[0]!, visitRows[0]!])]))).toThrow(/UNIQUE/);
    expect(count()).toEqual(was);
    expect(triggers()).toEqual(before);
    // Caught inside a write that goes on: the triggers are back, and audit the next insert.
    conn.write(ctx, (db) => {
      expect(() => withBulkImport(db, (insert) => insert(person(3), [visitRows[0]!, visitRows[0]!]))).toThrow(/UNIQUE/);
      db.prepare("UPDATE participants SET initials = 'CD' WHERE study_id = 'S-1'").run();
    });
    expect(triggers()).toEqual(before);
    expect(conn.read((db) => verifyRecords(db))).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'participants', problem: expect.stringMatching(/not in the audit trail/) })]));

    // Refused: outside a write; without an audit context; with an insert trigger whose work it does not do.
    expect(() => conn.read((db) => withBulkImport(db as never, () => 0))).toThrow(/inside a write/);
    const raw = conn.read((db) => db) as unknown as Database.Database;
    expect(() => raw.transaction(() => withBulkImport(raw as never, () => 0))()).toThrow(/without an audit context/);
    raw.exec('CREATE TEMP TRIGGER extra AFTER INSERT ON main.participants BEGIN SELECT 1; END');
    expect(() => conn.write(ctx, (db) => withBulkImport(db, () => 0))).toThrow(/does not stand in for: extra/);
    conn.close();
  });
});
