import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSeedsOnFirstStart, readSeedFiles } from '../db/seeds.js';
import type { Protocol } from '../core/protocol.js';
import type { CallContext } from '../core/api.js';
import { dispatch } from '../db/dispatch.js';
import { createHandlers } from '../db/service.js';
import { addTestPerson, dumpTables, freshDb, SEEDS_DIR } from './helpers/db.js';

const READER: CallContext = { actor: null, seesArms: false, reader: true };

const sepsis = () => JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-sepsis.json'), 'utf8')) as Record<string, unknown>;

function setup() {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR, new Date('2026-11-01T10:00:00Z'));
  addTestPerson(conn, 'CO');
  const handlers = createHandlers({ conn, mode: 'cli', appVersion: 'test', now: () => new Date('2026-11-02T10:00:00Z') });
  return { conn, handlers, call: (m: string, input: unknown) => dispatch(conn, handlers, m, input, { kind: 'person', initials: 'CO' }, () => {}) };
}

describe('protocols in the database', () => {
  it('first start imports every seed once, in title order', () => {
    const { conn, handlers } = setup();
    expect(handlers.listProtocols({}, READER).map((p) => p.id).sort()).toEqual(readSeedFiles(SEEDS_DIR).map((s) => (s.document as { id: string }).id).sort());
    expect(importSeedsOnFirstStart(conn, SEEDS_DIR)).toBe(0);
    const titles = handlers.listProtocols({}, READER).map((p) => p.title.toLowerCase());
    expect(titles).toEqual([...titles].sort());
    conn.close();
  });

  it('finds a protocol by id or NCT number and returns the stored document', () => {
    const { conn, handlers } = setup();
    const byId = handlers.getProtocol({ id: 'ucmsc-sepsis' }, READER);
    const byNct = handlers.getProtocol({ id: 'nct06882811' }, READER);
    expect(byNct.summary).toEqual(byId.summary);
    expect(byId.summary).toMatchObject({ nctId: 'NCT06882811', masking: 'DOUBLE', enrollmentTarget: 180, armCount: 2, version: 1 });
    const { $schema: _ignored, ...expected } = sepsis();
    expect(byId.protocol).toEqual(expected);
    conn.close();
  });

  it('an unknown id is a clear not_found error', () => {
    const { conn, call } = setup();
    expect(call('getProtocol', { id: 'nope' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No protocol "nope". Run "protocol list" to see the ids.', details: [] },
    });
    conn.close();
  });

  it('a wrong type in one field names the field and why, and writes nothing', () => {
    const { conn, call } = setup();
    const before = dumpTables(conn);
    const doc: Record<string, unknown> = { ...sepsis(), id: 'new-trial', identifiers: { nctId: null, other: [] } };
    (doc.arms as { targetSize: unknown }[])[0]!.targetSize = 'one hundred';
    const r = call('importProtocol', { document: doc });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.details).toEqual(['arms.0.targetSize: Invalid input: expected number, received string']);
      expect(r.error.message).toContain('arms.0.targetSize');
    }
    expect(dumpTables(conn)).toEqual(before);
    conn.close();
  });

  it('reports every problem at once, including broken references', () => {
    const { conn, call } = setup();
    const doc = sepsis();
    doc.id = 'Bad Id';
    (doc.arms as { interventions: string[] }[])[1]!.interventions = ['ghost'];
    const r = call('importProtocol', { document: doc });
    expect(r.ok ? [] : r.error.details).toEqual([
      'id: must be lower-case letters, digits and hyphens, starting with a letter or digit',
      'arms.1.interventions.0: no intervention with key "ghost"',
    ]);
    conn.close();
  });

  it('re-importing the same document changes nothing; a changed one needs asNewVersion', () => {
    const { conn, call } = setup();
    expect(call('importProtocol', { document: sepsis() })).toEqual({ ok: true, value: { id: 'ucmsc-sepsis', version: 1, outcome: 'unchanged' } });
    const changed = { ...sepsis(), title: 'Sepsis trial, amended' };
    const before = dumpTables(conn);
    const refused = call('importProtocol', { document: changed });
    expect(refused.ok ? null : refused.error.code).toBe('conflict');
    expect(dumpTables(conn)).toEqual(before);
    expect(call('importProtocol', { document: changed, asNewVersion: true, note: 'Amendment 1' })).toEqual({
      ok: true,
      value: { id: 'ucmsc-sepsis', version: 2, outcome: 'new-version' },
    });
    const detail = call('getProtocol', { id: 'ucmsc-sepsis' });
    expect(detail.ok && detail.value).toMatchObject({ summary: { title: 'Sepsis trial, amended', version: 2 }, versions: [{ version: 1 }, { version: 2, note: 'Amendment 1' }] });
    conn.close();
  });

  it('an NCT number already used by another protocol is refused', () => {
    const { conn, call } = setup();
    const r = call('importProtocol', { document: { ...sepsis(), id: 'copy' } });
    expect(r.ok ? null : r.error.message).toBe('NCT06882811 already belongs to protocol "ucmsc-sepsis".');
    conn.close();
  });
});

describe('previewSchedule', () => {
  it('computes an arm schedule from a stored protocol, and explains a bad arm or visit', () => {
    const { conn, call } = setup();
    const ok = call('previewSchedule', { protocolId: 'ucmsc-cirrhosis', armKey: 'arm-a', start: '2024-01-31' });
    expect(ok.ok && (ok.value as { visits: { key: string; plannedDate: string }[] }).visits.at(-1)).toMatchObject({ key: 'month-75', plannedDate: '2030-04-30' });
    expect(call('previewSchedule', { protocolId: 'ucmsc-cirrhosis', armKey: 'arm-z', start: '2024-01-31' })).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('Unknown arm "arm-z"') } });
    expect(call('previewSchedule', { protocolId: 'ucmsc-cirrhosis', armKey: 'arm-a', start: '2024-02-30' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(call('previewSchedule', { protocolId: 'ucmsc-cirrhosis', armKey: 'arm-a', start: '31/01/2024' })).toMatchObject({ ok: false, error: { code: 'invalid_input', details: ['Study Day 1: must be a real date (YYYY-MM-DD).'] } });
    conn.close();
  });
});

describe('dispatch', () => {
  it('refuses unknown methods and bad input before any handler runs', () => {
    const { conn, call } = setup();
    expect(call('dropEverything', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(call('toString', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(call('getProtocol', { id: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_input', details: ['Id: must be text.'] } });
    expect(call('listProtocols', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    conn.close();
  });

  it('reports an unexpected failure without its internals', () => {
    const { conn, handlers } = setup();
    const logged: unknown[] = [];
    const broken = { ...handlers, listProtocols: () => { throw new Error('SQLITE secret detail'); } };
    const r = dispatch(conn, broken, 'listProtocols', {}, { kind: 'local-reader' }, (e: unknown) => logged.push(e));
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'An unexpected error occurred; nothing was changed. The details are in the log.', details: [] } });
    expect(logged).toHaveLength(1);
    conn.close();
  });
});

describe('protocol validation of anchors', () => {
  it('refuses anchor loops, day 0 under the Day 1 convention, and mixed repeat units', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-covid19.json'), 'utf8')) as { arms: { visits: Record<string, unknown>[] }[] };
    const visits = doc.arms[0]!.visits;
    visits[1]!.anchor = { type: 'visit', visit: 'post-w2' };
    visits[2]!.anchor = { type: 'visit', visit: 'post-w1' };
    visits[3]!.anchor = { type: 'studyDay', day: 0 };
    visits[4]!.repeat = { every: { value: 1, unit: 'months' }, until: { value: 12, unit: 'months' } };
    const { conn, call } = setup();
    const r = call('importProtocol', { document: { ...doc, id: 'loops' } });
    expect(r.ok ? [] : r.error.details).toEqual([
      'arms.0.visits: anchors go round in a circle: post-w1 → post-w2 → post-w1',
      'arms.0.visits.3.anchor: there is no study day 0 when Day 1 is the day of the first dose',
      'arms.0.visits.4.repeat: repeat "every" and "until" must be in weeks, the unit of the offset',
    ]);
    conn.close();
  });
});

describe('the differences between versions, in words', () => {
  it('names the arm and the visit by their labels and writes windows, timings, counts as the protocol page does', async () => {
    const { describeDifferences } = await import('../core/protocol-diff-words.js');
    const before = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-cirrhosis.json'), 'utf8')) as Protocol;
    const after = structuredClone(before);
    const w48 = after.arms[0]!.visits.find((v) => v.key === 'week-48')! as { window: unknown; offset: { value: number } };
    w48.window = { before: { value: 7, unit: 'days' }, after: { value: 14, unit: 'days' } };
    w48.offset.value = 52;
    (after as { title: string }).title = 'Amended title';
    expect(describeDifferences(before, after)).toEqual([
      `Title “${before.title.length > 80 ? `${before.title.slice(0, 79)}…` : before.title}” → “Amended title”`,
      'Arm A: UC-MSC, Week 48 visit: timing 48 weeks → 52 weeks',
      'Arm A: UC-MSC, Week 48 visit: window not stated → −7 days / +14 days',
    ]);
  });
});
