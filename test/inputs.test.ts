// Only real values get in: impossible dates and times, numbers written as code, broken text and a
// CSV with a column twice are refused with the field named in words, never stored and never a
// crash. And files that are not databases get a one-line answer, not a stack trace.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParticipantDetail } from '../core/participants.js';
import { defaultUserDataDir } from '../db/paths.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { cli, siteWithPerson } from './helpers/cli.js';
import { addTestPerson } from './helpers/people.js';
import { dumpTables, freshDb, SEEDS_DIR, serviceFor, tempDir } from './helpers/db.js';

function setup() {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const service = serviceFor(conn);
  const screen = (consentDate: string, extra: Record<string, unknown> = {}) =>
    service.call('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: `C-${Math.random().toString(36).slice(2, 8)}`, initials: 'AB', sex: 'male', ageYears: 40, consentDate, ...extra });
  return { conn, ...service, screen };
}

const message = (r: { ok: boolean; error?: { code: string; message: string } }) => (r.ok ? 'accepted' : `${r.error!.code}: ${r.error!.message}`);

describe('only real values get in', () => {
  it('impossible dates are refused, each naming its field: consent, birth, Day 1, withdrawal, an amendment’s date', () => {
    const { conn, call, ok, screen, enroll } = setup();
    addTestPerson(conn, 'CO');
    const before = dumpTables(conn);
    for (const bad of ['2025-02-30', '0000-00-00', '2025-13-45', '0000-01-01', '2025-6-1', '2025-06-01T00:00'])
      expect(message(screen(bad)), bad).toBe('invalid_input: Consent date: must be a real date (YYYY-MM-DD).');
    expect(message(screen('2025-06-01', { birthDate: '1980-02-31' }))).toBe('invalid_input: Date of birth: must be a real date (YYYY-MM-DD).');
    expect(message(call('importProtocol', { document: {}, asNewVersion: true, effectiveDate: '2025-00-10' }))).toBe('invalid_input: Takes effect on: must be a real date (YYYY-MM-DD).');
    expect(dumpTables(conn)).toEqual(before);
    const s = ok<ParticipantDetail>('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-1', initials: 'AB', sex: 'male', ageYears: 40, consentDate: '2025-06-01' });
    ok('answerEligibility', { participantId: s.participant.id, answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    expect(message(call('enrollParticipant', { participantId: s.participant.id, day1: '2025-02-30' }))).toBe('invalid_input: Day 1: must be a real date (YYYY-MM-DD).');
    const e = enroll({ participantId: s.participant.id, day1: '2025-06-02' });
    expect(message(call('withdrawParticipant', { participantId: e.participant.id, date: '2025-02-30', reason: 'x' }))).toBe('invalid_input: Date: must be a real date (YYYY-MM-DD).');
  });

  it('impossible times of a dose are refused: 99:99, 24:00, 12:60', () => {
    const { ok, call, enroll } = setup();
    const s = ok<ParticipantDetail>('screenParticipant', { protocolId: 'ucmsc-covid19', studyId: 'C-1', initials: 'AB', sex: 'male', ageYears: 40, weightKg: 70, consentDate: '2025-06-01' });
    ok('answerEligibility', { participantId: s.participant.id, answers: s.eligibility.criteria.map((c) => ({ key: c.key, met: c.kind === 'inclusion' })) });
    const e = enroll({ participantId: s.participant.id, day1: '2025-06-02' });
    for (const time of ['99:99', '24:00', '12:60', '9:30'])
      expect(message(call('markVisitDone', { visitId: e.visits[0]!.id, actualDate: '2025-06-02', dose: { lotNumber: 'L', givenAt: `2025-06-02T${time}`, weightKg: null } })), time).toBe(
        'invalid_input: Time given: must be a real date and a time from 00:00 to 23:59 (YYYY-MM-DDTHH:MM).',
      );
    expect(message(call('markVisitDone', { visitId: e.visits[0]!.id, actualDate: '2025-06-02', dose: { lotNumber: 'L', givenAt: '2025-06-02T23:59', weightKg: null } }))).toBe('accepted');
  });

  it('text with a NUL or a broken character is refused, naming the field', () => {
    const { screen, call } = setup();
    expect(message(screen('2025-06-01', { studyId: '\u0000' }))).toMatch(/^invalid_input: Study ID: /);
    expect(message(call('setSetting', { key: 'site_name', value: '\u0000\u0000' }))).toBe('invalid_input: Value: contains characters that cannot be stored (a NUL or a broken character).');
    expect(message(call('setSetting', { key: 'site_name', value: 'Unit \ud800' }))).toBe('invalid_input: Value: contains characters that cannot be stored (a NUL or a broken character).');
  });

  it('a participant CSV with a column twice is refused naming it; weights written as 0x46, 7e1 or +1 are not numbers', () => {
    const { call } = setup();
    const twice = call('importParticipants', { protocolId: 'ucmsc-covid19', csv: 'study_id,initials,arm,day1,day1,weight_kg\nC-1,AB,CODE1,2025-06-01,2025-06-09,70\n' });
    expect(twice.ok ? [] : twice.error.details).toEqual(['line 1, column day1: the column appears more than once; keep one']);
    const weights = call('importParticipants', { protocolId: 'ucmsc-covid19', csv: 'study_id,initials,arm,day1,weight_kg\nC-1,AB,CODE1,2025-06-01,0x46\nC-2,AB,CODE2,2025-06-01,7e1\nC-3,AB,CODE3,2025-06-01,+1\nC-4,AB,CODE4,2025-06-01,72.5\n' });
    expect(weights.ok ? [] : weights.error.details.map((d) => d.split(' is not ')[0])).toEqual([
      'line 2, column weight_kg: "0x46"',
      'line 3, column weight_kg: "7e1"',
      'line 4, column weight_kg: "+1"',
    ]);
  });

  it('the command line: an impossible date of birth is one line with exit 2, not a stack trace', () => {
    const db = path.join(tempDir(), 'db.sqlite');
    const as = siteWithPerson(db);
    const r = cli(['--db', db, 'enroll', '--trial', 'ucmsc-covid19', '--study-id', 'C-1', '--initials', 'AB', '--sex', 'male', '--birth-date', '1980-02-31', '--consent', '2025-01-02', '--day1', '2025-01-06', '--confirm-eligibility'], as);
    expect([r.code, r.stderr]).toEqual([2, 'error: Date of birth: must be a real date (YYYY-MM-DD).\n']);
    const w = cli(['--db', db, 'participants', 'list', '--trial', 'ucmsc-covid19', '--json']);
    expect(JSON.parse(w.stdout)).toEqual([]);
  });
});

describe('files that are not databases', () => {
  it('garbage, a truncated file and a read-only one get one line each with exit 2', () => {
    const dir = tempDir();
    const garbage = path.join(dir, 'garbage.sqlite');
    fs.writeFileSync(garbage, 'not a database, just words '.repeat(200));
    const good = path.join(dir, 'good.sqlite');
    siteWithPerson(good);
    const truncated = path.join(dir, 'truncated.sqlite');
    fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 5000));
    for (const [file, expected] of [
      [garbage, /^error: The database file is not a Trial Coordinator database, or it is damaged\. Nothing was written\./],
      [truncated, /^error: (The database file is not a Trial Coordinator database, or it is damaged|The database .* is damaged)/],
    ] as const) {
      const r = cli(['--db', file, 'protocol', 'list']);
      expect(r.code, file).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean), file).toHaveLength(1);
      expect(r.stderr, file).toMatch(expected);
    }
    // Browser mode opens the file in its backend, after its server is listening: the same one line.
    const screens = path.join(dir, 'renderer');
    fs.mkdirSync(screens);
    fs.writeFileSync(path.join(screens, 'index.html'), '<!doctype html><title>t</title>');
    const served = cli(['--db', garbage, 'serve'], { TRIALCOORD_RENDERER_DIR: screens });
    expect(served.stderr).not.toMatch(/\n\s+at /);
    expect(served.code).toBe(2);
    expect(served.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(served.stderr).toMatch(/^error: The database file is not a Trial Coordinator database, or it is damaged\. Nothing was written\./);
    // Without the app's screens built: said in one line too.
    const unbuilt = cli(['--db', garbage, 'serve'], { TRIALCOORD_RENDERER_DIR: path.join(dir, 'nowhere') });
    expect([unbuilt.code, unbuilt.stderr]).toEqual([2, `error: The app's screens are not built (${path.join(dir, 'nowhere')} has no index.html). Run "npm run build" first.\n`]);
    if (process.getuid?.() !== 0) {
      fs.chmodSync(good, 0o400);
      const r = cli(['--db', good, 'settings', 'set', 'site_name', 'X'], { TRIALCOORD_USER: 'TC', TRIALCOORD_PASSPHRASE: 'a test passphrase' });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('an empty XDG_CONFIG_HOME is the default folder, as the standard says', () => {
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '', HOME: '/home/x' }, 'linux')).toMatch(/\/\.config\/Trial Coordinator$/);
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '   ' }, 'linux')).toMatch(/\/\.config\/Trial Coordinator$/);
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Trial Coordinator');
    expect(defaultUserDataDir({ APPDATA: '' }, 'win32')).toMatch(/AppData[\\/]Roaming[\\/]Trial Coordinator$/);
  });
});
