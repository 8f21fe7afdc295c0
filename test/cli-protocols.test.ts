// protocol export | diff | import --from-ctgov | move: the commands and exit codes scripts rely on.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { cli as run, siteWithPerson } from './helpers/cli.js';
import { dumpTables, ROOT, SEEDS_DIR, tempDir } from './helpers/db.js';

/** The CLI as "TC" (every role) on whichever database --db names, set up on first use. */
const people = new Set<string>();
function cli(args: string[]) {
  const db = args[args.indexOf('--db') + 1]!;
  if (!people.has(db)) {
    siteWithPerson(db);
    people.add(db);
  }
  return run(args, { TRIALCOORD_USER: 'TC', TRIALCOORD_PASSPHRASE: 'a test passphrase' });
}
const snapshot = (file: string) => {
  const conn = openDatabase(file);
  try {
    return dumpTables(conn);
  } finally {
    conn.close();
  }
};
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'ctgov');

describe('protocol export, diff and import', () => {
  it('export prints the stored document; importing it back changes nothing; by NCT ID too', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const r = cli(['--db', db, 'protocol', 'export', 'NCT06882811']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { id: string };
    const seed = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-sepsis.json'), 'utf8')) as Record<string, unknown>;
    delete seed.$schema;
    expect(doc).toEqual(seed);
    fs.writeFileSync(path.join(dir, 'sepsis.json'), r.stdout);
    expect(cli(['--db', db, 'protocol', 'import', path.join(dir, 'sepsis.json')]).stdout).toBe('Protocol ucmsc-sepsis: unchanged (version 1 is identical)\n');
    expect(cli(['--db', db, 'protocol', 'export', 'ucmsc-sepsis', '--version', '2'])).toMatchObject({ code: 2, stderr: 'error: Protocol "ucmsc-sepsis" has no version 2; it has versions 1 to 1.\n' });
  });

  it('diff exits 0 for identical versions and 1 with one line per change, in words', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const doc = JSON.parse(cli(['--db', db, 'protocol', 'export', 'ucmsc-cirrhosis']).stdout) as { arms: { visits: { key: string; offset: { value: number } }[] }[] };
    const file = path.join(dir, 'same.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(cli(['--db', db, 'protocol', 'diff', 'ucmsc-cirrhosis', file])).toMatchObject({ code: 0, stdout: '--- ucmsc-cirrhosis@1\n+++ same.json\n(no differences)\n' });
    doc.arms[0]!.visits.find((v) => v.key === 'week-48')!.offset.value = 52;
    fs.writeFileSync(path.join(dir, 'amended.json'), JSON.stringify(doc));
    expect(cli(['--db', db, 'protocol', 'import', path.join(dir, 'amended.json'), '--new-version', '--note', 'Week 52'])).toMatchObject({ code: 0, stdout: 'Protocol ucmsc-cirrhosis: imported as version 2\n' });
    const d = cli(['--db', db, 'protocol', 'diff', 'ucmsc-cirrhosis']);
    expect(d).toMatchObject({ code: 1, stdout: '--- ucmsc-cirrhosis@1\n+++ ucmsc-cirrhosis@2\nArm A: UC-MSC, Week 48 visit: timing 48 weeks → 52 weeks\n' });
    const j = JSON.parse(cli(['--db', db, 'protocol', 'diff', 'ucmsc-cirrhosis@2', 'ucmsc-cirrhosis@1', '--json']).stdout) as unknown;
    expect(j).toEqual({ from: 'ucmsc-cirrhosis@2', to: 'ucmsc-cirrhosis@1', changes: [{ op: 'changed', path: 'arms[arm-a].visits[week-48].offset.value', before: 52, after: 48 }] });
    expect(cli(['--db', db, 'protocol', 'diff', 'ucmsc-sepsis'])).toMatchObject({ code: 2 });
  });

  it('import --from-ctgov: --dry-run writes nothing, then the import stores the draft with its proposed visits', () => {
    const db = path.join(tempDir(), 'db.sqlite');
    cli(['--db', db, 'protocol', 'list']);
    const before = snapshot(db);
    const dry = cli(['--db', db, 'protocol', 'import', '--from-ctgov', path.join(FIXTURES, 'ucmsc-covid19.json'), '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Time frame "Within 24 h and 1, 2, 4, 8 weeks after UC-MSC treatment" (4 outcomes)\n  + post-24h     Within 24 h after treatment: 24 hours after the last dose (within 24 h after the final dose)\n');
    expect(dry.stdout.trimEnd().endsWith('Dry run: nothing was written.')).toBe(true);
    const json = JSON.parse(cli(['--db', db, 'protocol', 'import', '--from-ctgov', path.join(FIXTURES, 'ucmsc-covid19.json'), '--dry-run', '--json']).stdout) as { protocol: { id: string }; proposals: unknown[] };
    expect(json.protocol.id).toBe('nct99000001');
    expect(json.proposals).toHaveLength(2);
    expect(snapshot(db)).toEqual(before);
    const r = cli(['--db', db, 'protocol', 'import', '--from-ctgov', path.join(FIXTURES, 'ucmsc-covid19.json'), '--id', 'covid-registry']);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Protocol covid-registry: imported as version 1');
    const stored = JSON.parse(cli(['--db', db, 'protocol', 'export', 'NCT99000001']).stdout) as { arms: { visits: { key: string }[] }[] };
    expect(stored.arms[0]!.visits.map((v) => v.key)).toEqual(['post-24h', 'post-w1', 'post-w2', 'day-28', 'post-w4', 'post-w8']);
    // The same record again is the same protocol: a different draft needs --new-version.
    const again = cli(['--db', db, 'protocol', 'import', '--from-ctgov', path.join(FIXTURES, 'ucmsc-covid19.json')]);
    expect(again.stdout.trimEnd().split('\n').at(-1)).toBe('Protocol covid-registry: unchanged (version 1 is identical)');
  });

  it('a malformed record exits 2 with the problem named and writes nothing', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    cli(['--db', db, 'protocol', 'list']);
    const before = snapshot(db);
    const record = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ucmsc-sepsis.json'), 'utf8')) as { protocolSection: { identificationModule: { nctId: string } } };
    record.protocolSection.identificationModule.nctId = 'NCT123';
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(record));
    fs.writeFileSync(path.join(dir, 'notjson.json'), '{"protocolSection": ');
    expect(cli(['--db', db, 'protocol', 'import', '--from-ctgov', path.join(dir, 'bad.json')])).toMatchObject({
      code: 2,
      stderr: 'error: This is not a study record the importer can read (1 problem): protocolSection.identificationModule.nctId: must look like NCT12345678\n',
    });
    const nj = cli(['--db', db, 'protocol', 'import', '--from-ctgov', path.join(dir, 'notjson.json')]);
    expect(nj.code).toBe(2);
    expect(nj.stderr).toMatch(/^error: .*notjson\.json is not valid JSON: /);
    expect(snapshot(db)).toEqual(before);
  });

  it('move --dry-run shows the added visit; move writes it', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const csv = path.join(dir, 'p.csv');
    fs.writeFileSync(csv, 'study_id,initials,arm,day1,weight_kg,actual:infusion-1\nC-1,AB,KX7P2Q,2025-03-03,70,2025-03-03\n');
    expect(cli(['--db', db, 'participants', 'import', csv, '--protocol', 'ucmsc-covid19'])).toMatchObject({ code: 0 });
    const doc = JSON.parse(cli(['--db', db, 'protocol', 'export', 'ucmsc-covid19']).stdout) as { arms: { visits: unknown[] }[] };
    for (const a of doc.arms) a.visits.push({ key: 'week-12', label: 'Week 12', kind: 'follow-up', anchor: { type: 'firstDose' }, offset: { value: 12, unit: 'weeks' }, window: null, procedures: [] });
    fs.writeFileSync(path.join(dir, 'v2.json'), JSON.stringify(doc));
    cli(['--db', db, 'protocol', 'import', path.join(dir, 'v2.json'), '--new-version']);
    const dry = cli(['--db', db, 'protocol', 'move', 'ucmsc-covid19', '--dry-run']);
    expect(dry.stdout).toBe('C-1: version 1 → 2; 1 recorded visit kept as they are\n  added    week-12        - → 2025-05-26\nDry run: nothing was written.\n');
    expect(cli(['--db', db, 'protocol', 'move', 'ucmsc-covid19', '--participant', 'C-1', '--reason', 'Amendment 1'])).toMatchObject({ code: 0 });
    expect(cli(['--db', db, 'protocol', 'move', 'ucmsc-covid19', '--dry-run']).stdout).toBe('No participant of ucmsc-covid19 is on a version before 2.\nDry run: nothing was written.\n');
    expect(cli(['--db', db, 'protocol', 'move', 'ucmsc-covid19'])).toMatchObject({ code: 2, stderr: 'error: No participant of ucmsc-covid19 is waiting to move to version 2.\n' });
  });
});
