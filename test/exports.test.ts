import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ExportKind } from '../core/vocabulary.js';
import Database from 'better-sqlite3';
import { csvLine } from '../core/csv.js';
import { openDatabase } from '../db/connection.js';
import { csvChunk, EXPORT_HEADERS, exportRows, visitsIcs, writeCsv } from '../db/exports.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { freshDb, ROOT, SEEDS_DIR, serviceFor } from './helpers/db.js';

const TRICKY = ['Late, because of "traffic"', 'Line one\nline two', '=HYPERLINK("http://x")', '+1 day', '-2', '@sum', '\tindent', 'café ✓'];

function setup() {
  const { conn, file } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const service = serviceFor(conn);
  const { ok } = service;
  const enroll = (protocolId: string, studyId: string, armKey?: string) => {
    const s = ok('screenParticipant', { protocolId, studyId, initials: 'AB', ageYears: 40, sex: 'female', weightKg: 70, consentDate: '2025-05-01', by: 'CO' });
    ok('answerEligibility', { participantId: s.participant.id, by: 'CO', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    return service.enroll({ participantId: s.participant.id, day1: '2025-05-05', by: 'CO', ...(armKey ? { armKey } : {}) });
  };
  const c = enroll('ucmsc-covid19', 'C-1');
  TRICKY.forEach((reason, i) => ok('markVisitMissed', { visitId: c.visits[i + 1]!.id, reason, by: 'CO' }));
  const s = enroll('ucmsc-sepsis', 'S-1');
  ok('markVisitDone', { visitId: s.visits[0]!.id, actualDate: '2025-05-06', reason: 'Late, "really"\n=late', dose: { lotNumber: '=LOT,1', givenAt: '2025-05-06T08:00', weightKg: 71 }, by: 'CO' });
  enroll('hucmsc-decompensated-cirrhosis', 'B-1', 'low');
  return { conn, file };
}

/** Reverses the documented formula neutralization: a leading ' before = + - @ tab or CR. */
const unneutralize = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

function csvOf(conn: ReturnType<typeof setup>['conn'], kind: ExportKind, filter = {}) {
  let out = '';
  const rows = conn.read((db) => writeCsv(db, kind, filter, (chunk) => void (out += chunk)));
  return { out, rows };
}

describe('CSV export', () => {
  it.each(['visits', 'participants', 'doses'] as const)('%s round-trip through a standard CSV parser to the same rows as the database', (kind) => {
    const { conn } = setup();
    const { out, rows } = csvOf(conn, kind);
    expect(out.split('\r\n')[0]).toBe(EXPORT_HEADERS[kind].join(','));
    const parsed = parse(out, { columns: false, skip_empty_lines: true, relax_quotes: false }) as string[][];
    expect(parsed[0]).toEqual(EXPORT_HEADERS[kind]);
    const fromDb = conn.read((db) => [...exportRows(db, kind, {})]);
    expect(parsed.length - 1).toBe(rows);
    expect(parsed.slice(1).map((r) => r.map(unneutralize))).toEqual(fromDb.map((r) => r.map((v) => (v === null ? '' : String(v)))));
    conn.close();
  });

  it('writes every visit exactly as cell-by-cell CSV would, a file changed with another tool included', () => {
    const { conn, file } = setup();
    const cellByCell = (c: typeof conn) => c.read((db) => csvLine(EXPORT_HEADERS.visits) + [...exportRows(db, 'visits', {})].map((r) => csvLine(r)).join(''));
    expect(csvOf(conn, 'visits').out).toBe(cellByCell(conn));
    conn.close();
    // Cells the app never writes there (the vocabulary's words and ISO dates are read joined):
    // a formula, a comma and quotes, a leading hyphen, capitals, a newline; each still guarded.
    const evil = new Database(file);
    evil.exec('DROP TRIGGER guard_visits_update; PRAGMA ignore_check_constraints = ON');
    const ids = evil.prepare('SELECT id FROM visits ORDER BY id LIMIT 5').pluck().all() as number[];
    const set = evil.prepare('UPDATE visits SET kind = ?, planned_date = ? WHERE id = ?');
    ['=SUM(A1)', 'a,"b"', '-1', 'DOSE', 'x\ny'].forEach((v, i) => set.run(i % 2 ? 'dose' : v, i % 2 ? v : '2025-05-05', ids[i]!));
    evil.close();
    const again = openDatabase(file);
    const { out } = csvOf(again, 'visits');
    expect(out).toBe(cellByCell(again));
    expect(out).toContain(`'=SUM(A1)`);
    expect(out).toContain('"a,""b"""');
    expect(out).toContain(`'-1`);
    again.close();
  });

  it('neutralizes formula cells and keeps commas, quotes and newlines intact', () => {
    const { conn } = setup();
    const { out } = csvOf(conn, 'visits');
    expect(out).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(out).toContain(`'+1 day`);
    expect(out).toContain('"Late, because of ""traffic"""');
    expect(out).toContain('"Line one\nline two"');
    const doses = csvOf(conn, 'doses').out;
    expect(doses).toContain(`"'=LOT,1"`);
    conn.close();
  });

  it('a BOM for Excel when asked; filters by trial, participant and date range', () => {
    const { conn } = setup();
    let out = '';
    conn.read((db) => writeCsv(db, 'participants', {}, (c) => void (out += c), { bom: true }));
    expect(out.startsWith('\uFEFFparticipant,')).toBe(true);
    const one = conn.read((db) => [...exportRows(db, 'visits', { protocolId: 'ucmsc-sepsis', studyId: 'S-1' })]);
    expect(new Set(one.map((r) => r[0]))).toEqual(new Set(['S-1']));
    const june = conn.read((db) => [...exportRows(db, 'visits', { from: '2025-06-01', to: '2025-06-30' })]);
    expect(june.length).toBeGreaterThan(0);
    for (const r of june) expect(String(r[7]) >= '2025-06-01' && String(r[7]) <= '2025-06-30').toBe(true);
    expect(() => conn.read((db) => [...exportRows(db, 'visits', { studyId: 'S-1' })])).toThrow(/give the trial too/);
    conn.close();
  });

  it('never names the arm of a blinded trial', () => {
    const { conn } = setup();
    const all = ['visits', 'participants', 'doses'].map((k) => csvOf(conn, k as ExportKind).out).join('\n') + conn.read((db) => visitsIcs(db, { protocolId: 'ucmsc-sepsis' }, 'x'));
    const sepsis = all.split(/\r?\n/).filter((l) => l.includes('ucmsc-sepsis') || l.includes('S-1'));
    expect(sepsis.length).toBeGreaterThan(0);
    for (const line of sepsis) expect(line).not.toMatch(/Experimental group|Sham comparator|CD83|regulatory MSC|control solution|1×10⁸|\bsham\b|\bexperimental\b/i);
    // Open label: the arm is named.
    expect(all).toContain('Conventional plus hUC-MSCs treatment (low dose)');
    conn.close();
  });
});

describe('export order', () => {
  it('groups rows by trial and participant, each participant\u2019s visits in date order', () => {
    const { conn } = setup();
    const rows = conn.read((db) => [...exportRows(db, 'visits', {})]) as string[][];
    const keys = rows.map((r) => `${r[2]}\u001f${r[0]}`);
    // Each participant's rows are together, participants in (trial, study ID) order.
    const firsts = keys.filter((k, i) => i === 0 || keys[i - 1] !== k);
    expect(new Set(firsts).size).toBe(firsts.length);
    expect(firsts).toEqual([...firsts].sort());
    for (let i = 1; i < rows.length; i++) if (keys[i] === keys[i - 1]) expect(rows[i]![7]! >= rows[i - 1]![7]!).toBe(true);
    conn.close();
  });
});

describe('chunked export (the app\u2019s progress bar)', () => {
  it('slices joined together are exactly the streamed export', () => {
    const { conn } = setup();
    for (const kind of ['visits', 'participants', 'doses'] as const) {
      const whole = csvOf(conn, kind).out;
      let joined = '';
      let after: readonly [string, string] | undefined;
      let slices = 0;
      for (let guard = 0; guard < 100; guard++) {
        const c = conn.read((db) => csvChunk(db, kind, {}, after, 2, false));
        expect(c.total === null, 'only the first slice counts').toBe(slices > 0);
        if (slices === 0) expect(c.total).toBe(csvOf(conn, kind).rows);
        joined += c.csv;
        slices++;
        if (c.next === null) break;
        after = c.next;
        // Slices end between participants: the next slice starts with the next participant.
        expect(joined.split('\r\n').filter((l) => l.startsWith(`${after![1]},`)).length).toBeGreaterThan(0);
        const next = conn.read((db) => csvChunk(db, kind, {}, after, 1, false)).csv;
        expect(next.split('\r\n').some((l) => l.startsWith(`${after![1]},`))).toBe(false);
      }
      expect(joined, kind).toBe(whole);
      if (kind !== 'doses') expect(slices, kind).toBeGreaterThan(1); // the setup gives one dose
    }
    conn.close();
  });
});

describe('iCalendar export', () => {
  it('parses back with one all-day event per visit, windows in the description, stable UIDs', () => {
    const { conn } = setup();
    const text = conn.read((db) => visitsIcs(db, { protocolId: 'ucmsc-covid19' }, 'COVID-19'));
    const cal = new ICAL.Component(ICAL.parse(text));
    const events = cal.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    const visits = conn.read((db) => [...exportRows(db, 'visits', { protocolId: 'ucmsc-covid19' })]);
    expect(events).toHaveLength(visits.length);
    for (const e of events) {
      expect(e.startDate.isDate).toBe(true);
      expect(e.description).toMatch(/Window: \d{4}-\d{2}-\d{2}/);
    }
    expect(events[0]!.uid).toBe('ucmsc-covid19.C-1.infusion-1@trial-coordinator');
    expect(events[0]!.startDate.toString()).toBe('2025-05-05');
    const again = conn.read((db) => visitsIcs(db, { protocolId: 'ucmsc-covid19' }, 'COVID-19'));
    const uids = (t: string) => [...t.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]);
    expect(uids(again)).toEqual(uids(text));
    expect(new Set(uids(text)).size).toBe(events.length);
    conn.close();
  });
});

describe('trialcoord export', () => {
  it('writes to --out, and refuses bad flags with exit 2', () => {
    const { file, conn } = setup();
    conn.close();
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'cli/main.ts'), '--db', file, 'export', ...args], { encoding: 'utf8' });
    const out = path.join(path.dirname(file), 'v.csv');
    const r = run('visits', '--format', 'csv', '--trial', 'ucmsc-covid19', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`Exported 10 rows to ${out}\n`);
    expect(fs.readFileSync(out, 'utf8').split('\r\n')[0]).toBe(EXPORT_HEADERS.visits.join(','));
    expect([run('doses', '--format', 'ics').status, run('visits', '--from', '2025-13-01').status, run('everything').status]).toEqual([2, 2, 2]);
  });
});

describe('what a visit export carries (the coordinator’s week)', () => {
  it('the visits CSV keeps its columns in order; notes, done_by, procedures_done, then the closed-day columns at the end', () => {
    expect(EXPORT_HEADERS.visits).toEqual([
      'participant', 'initials', 'trial', 'arm_or_code', 'visit_key', 'visit', 'kind', 'planned', 'projected', 'window_start', 'window_end', 'actual', 'status', 'out_of_window', 'reason',
      'notes', 'done_by', 'procedures_done', 'moved_from', 'moved_because', 'closed_day',
    ]);
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok, enroll } = serviceFor(conn);
    const s = ok('screenParticipant', { protocolId: 'ucmsc-cirrhosis', studyId: 'H-1', initials: 'AB', ageYears: 40, sex: 'female', weightKg: 70, consentDate: '2025-05-01', by: 'CO' });
    ok('answerEligibility', { participantId: s.participant.id, by: 'CO', answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    const e = enroll({ participantId: s.participant.id, day1: '2025-05-05', by: 'CO' });
    ok('markVisitDone', { visitId: e.visits[0]!.id, actualDate: '2025-05-05', notes: '=HYPERLINK("http://x") see chart', dose: { lotNumber: 'L1', givenAt: '2025-05-05T09:00', weightKg: null }, by: 'JS' });
    const week12 = e.visits.find((v) => v.procedures.length > 1)!;
    ok('markVisitDone', { visitId: week12.id, actualDate: '2025-06-20', reason: 'patient late', proceduresDone: [week12.procedures[0]!, week12.procedures[1]!], by: 'CO' });
    // A note added later by someone else does not change who did the visit.
    ok('setVisitNotes', { visitId: week12.id, notes: 'bloods sent', by: 'MN' });
    const rows = conn.read((db) => [...exportRows(db, 'visits', {})]) as (string | null)[][];
    const col = (name: string) => EXPORT_HEADERS.visits.indexOf(name);
    const first = rows.find((r) => r[col('visit_key')] === e.visits[0]!.key)!;
    expect([first[col('notes')], first[col('done_by')], first[col('procedures_done')]]).toEqual(['=HYPERLINK("http://x") see chart', 'JS', null]);
    const w = rows.find((r) => r[col('visit_key')] === week12.key)!;
    expect([w[col('notes')], w[col('done_by')], w[col('procedures_done')]]).toEqual(['bloods sent', 'CO', `${week12.procedures[0]}; ${week12.procedures[1]}`]);
    const { out } = csvOf(conn as never, 'visits');
    expect(out).toContain(`"'=HYPERLINK(""http://x"") see chart"`);
    conn.close();
  });

  it('a procedure not among the visit’s own is refused', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok, call, enroll } = serviceFor(conn);
    const s = ok('screenParticipant', { protocolId: 'ucmsc-cirrhosis', studyId: 'H-1', initials: 'AB', ageYears: 40, sex: 'female', weightKg: 70, consentDate: '2025-05-01' });
    ok('answerEligibility', { participantId: s.participant.id, answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    const e = enroll({ participantId: s.participant.id, day1: '2025-05-05' });
    const week12 = e.visits.find((v) => v.procedures.length > 1)!;
    const r = call('markVisitDone', { visitId: week12.id, actualDate: '2025-06-20', reason: 'late', proceduresDone: ['Haircut'] });
    expect(r.ok ? '' : r.error.message).toBe('Procedures done: "Haircut" is not one of this visit’s procedures.');
    conn.close();
  });

  it('the dose log fills total and total_unit for a per-kg dose', () => {
    const { conn } = freshDb();
    importSeedsOnFirstStart(conn, SEEDS_DIR);
    const { ok, enroll } = serviceFor(conn);
    // COVID-19: 5 × 10⁵ cells per kg, blinded (the log holds the active arm's working for every arm).
    const s = ok('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-1', initials: 'AB', ageYears: 40, sex: 'female', weightKg: 70, consentDate: '2025-05-01' });
    ok('answerEligibility', { participantId: s.participant.id, answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    const e = enroll({ participantId: s.participant.id, day1: '2025-05-05' });
    ok('markVisitDone', { visitId: e.visits[0]!.id, actualDate: '2025-05-05', dose: { lotNumber: 'L1', givenAt: '2025-05-05T09:00', weightKg: 70 } });
    const [row] = conn.read((db) => [...exportRows(db, 'doses', {})]) as (string | number | null)[][];
    const col = (name: string) => EXPORT_HEADERS.doses.indexOf(name);
    expect([row![col('total')], row![col('total_unit')]]).toEqual([35_000_000, 'cells']);
    conn.close();
  });

  it('iCalendar: a reminder the day before (the site’s setting), missed and cancelled visits CANCELLED, no arm of a blinded participant', () => {
    const { conn } = setup();
    const text = conn.read((db) => visitsIcs(db, { protocolId: 'ucmsc-covid19' }, 'COVID-19', { reminderDays: 1 }));
    const cal = new ICAL.Component(ICAL.parse(text));
    const events = cal.getAllSubcomponents('vevent');
    const planned = events.filter((e) => e.getFirstPropertyValue('status') === 'TENTATIVE');
    const cancelled = events.filter((e) => e.getFirstPropertyValue('status') === 'CANCELLED');
    // The setup marks eight COVID-19 visits missed.
    expect(cancelled).toHaveLength(8);
    for (const e of planned) {
      const alarm = e.getFirstSubcomponent('valarm');
      expect(alarm, String(e.getFirstPropertyValue('summary'))).not.toBeNull();
      expect(String(alarm!.getFirstPropertyValue('trigger'))).toBe('-PT15H');
    }
    expect(planned.length).toBeGreaterThan(0);
    for (const e of events.filter((x) => x.getFirstPropertyValue('status') !== 'TENTATIVE')) expect(e.getFirstSubcomponent('valarm')).toBeNull();
    expect(text).not.toMatch(/UC-MSC|Placebo|placebo|saline/i);
    const none = conn.read((db) => visitsIcs(db, { protocolId: 'ucmsc-covid19' }, 'COVID-19', { reminderDays: 0 }));
    expect(none).not.toContain('BEGIN:VALARM');
    conn.close();
  });
});
