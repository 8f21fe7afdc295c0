import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../core/participants.js';
import { verifyAudit } from '../db/audit.js';
import { openBackend } from '../db/app.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { freshDb, ROOT, SEEDS_DIR, serviceFor } from './helpers/db.js';

function setup() {
  const { conn, file } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const { ok } = serviceFor(conn);
  const s = ok('screenParticipant', { protocolId: 'ucmsc-sepsis', studyId: 'S-1', initials: 'AB', ageYears: 40, sex: 'male', consentDate: '2025-06-01', by: 'JS' });
  ok('answerEligibility', { participantId: s.participant.id, by: 'JS', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
  const d = ok('enrollParticipant', { participantId: s.participant.id, day1: '2025-06-10', by: 'JS' });
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
    ok('unblindParticipant', { participantId, reason: 'SAE', by: 'PI' });
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
      expect(verifyAudit(evil as never)).toMatchObject({ ok: false, firstBadId: target });
      evil.close();
      const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'cli/main.ts'), '--db', copy, 'audit', 'verify'], { encoding: 'utf8' });
      expect([r.status, r.stdout]).toEqual([3, `Audit trail broken at row ${target}: row ${target} was changed after it was written (its hash does not match its content)\n`]);
    }
    // A removed row breaks the chain at the row after it.
    const evil = new Database(file);
    evil.exec('DROP TRIGGER audit_log_no_delete');
    evil.prepare('DELETE FROM audit_log WHERE id = 3').run();
    expect(verifyAudit(evil as never)).toMatchObject({ ok: false, firstBadId: 3 });
    evil.close();
  });

  it('at app start: a full check on the first start of the day, then the rows written since, from a row whose hash must not change', () => {
    const { conn, file, ok } = setup();
    conn.close();
    const start = (today: string) => openBackend({ dbFile: file, seedsDir: SEEDS_DIR, mode: 'browser', appVersion: 'test', today });
    const first = start('2025-06-20');
    expect(first.auditProblem).toBeNull();
    const verified = first.conn.read((db) => Object.fromEntries((db.prepare('SELECT key, value FROM app_checks').all() as { key: string; value: string }[]).map((r) => [r.key, r.value])));
    expect(verified.full_check_on).toBe('2025-06-20');
    first.conn.close();
    void ok;
    // Tamper with an early row and with a row written after the last check.
    const evil = new Database(file);
    evil.exec('DROP TRIGGER audit_log_no_update');
    evil.prepare("UPDATE audit_log SET reason = 'x' WHERE id = 2").run();
    evil.close();
    // A later start the same day checks only what is new: the early edit waits for the daily check…
    const later = start('2025-06-20');
    expect(later.auditProblem).toBeNull();
    later.conn.close();
    // …which finds it the next day.
    const nextDay = start('2025-06-21');
    expect(nextDay.auditProblem).toBe('Audit trail broken at row 2: row 2 was changed after it was written (its hash does not match its content)');
    nextDay.conn.close();
    // Changing the last verified row is found on any start.
    const last = Number(verified.audit_verified_id);
    const evil2 = new Database(file);
    evil2.prepare("UPDATE audit_log SET hash = 'forged' WHERE id = ?").run(last);
    evil2.close();
    const again = start('2025-06-20');
    expect(again.auditProblem).toBe(`Audit trail broken at row ${last}: row ${last} was changed after it was verified`);
    again.conn.close();
  });
});
