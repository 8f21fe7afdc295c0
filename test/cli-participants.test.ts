// Participant commands for scripts: enroll, visit, participants list and import.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cli as run, siteWithPerson } from './helpers/cli.js';
import { tempDir } from './helpers/db.js';

/** The CLI on one database, as "TC" (every role) with their passphrase in the environment. */
function cliIn(db: string) {
  const as = siteWithPerson(db);
  return (...args: string[]) => run(['--db', db, ...args], as);
}

const ARM_WORDS = /Experimental group|Sham comparator|CD83|regulatory MSC|control solution|1×10⁸|\bsham\b|\bexperimental\b/i;

describe('participant commands', () => {
  it('enroll, list and visit done in a blinded trial: codes only, and a late dose needs a reason', () => {
    const dir = tempDir();
    const cli = cliIn(path.join(dir, 'db.sqlite'));
    const enroll = cli('enroll', '--protocol', 'ucmsc-sepsis', '--study-id', 'S-10', '--initials', 'AB', '--sex', 'female', '--age', '40', '--weight', '60', '--consent', '2025-01-02', '--day1', '2025-01-06', '--confirm-eligibility', '--json');
    expect(enroll.stderr).toBe('');
    const d = JSON.parse(enroll.stdout) as { assignment: { code: string }; visits: { key: string }[] };
    expect(d.assignment.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(enroll.stdout).not.toMatch(ARM_WORDS);

    const late = cli('visit', 'done', '--protocol', 'ucmsc-sepsis', '--participant', 'S-10', '--visit', 'infusion-1', '--date', '2025-01-08', '--lot', 'L1', '--time', '10:00');
    expect([late.code, late.stderr]).toEqual([2, 'error: 2025-01-08 is outside the window for Study treatment 1 (2025-01-06): give a reason for the deviation.\n']);
    const done = cli('visit', 'done', '--protocol', 'ucmsc-sepsis', '--participant', 'S-10', '--visit', 'infusion-1', '--date', '2025-01-08', '--lot', 'L1', '--time', '10:00', '--reason', 'Late delivery');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('2025-01-06  day    1  done      Study treatment 1 (done 2025-01-08, out of window)');
    expect(done.stdout).toContain('2025-02-04  day   28  planned   Day 28 survival');

    const list = cli('participants', 'list', '--protocol', 'ucmsc-sepsis');
    expect(list.stdout.split('\n')[0]).toMatch(/^PROTOCOL\s+STUDY ID\s+INITIALS\s+STATUS\s+ARM\/CODE\s+NEXT VISIT$/);
    expect(list.stdout).toContain(d.assignment.code);
    expect(list.stdout).not.toMatch(ARM_WORDS);
  });

  it('a refused enrollment leaves nothing behind', () => {
    const cli = cliIn(path.join(tempDir(), 'db.sqlite'));
    const r = cli('enroll', '--protocol', 'ucmsc-sepsis', '--study-id', 'S-11', '--initials', 'AB', '--sex', 'male', '--age', '80', '--consent', '2025-01-02', '--day1', '2025-01-06', '--confirm-eligibility');
    expect([r.code, r.stderr]).toEqual([2, 'error: S-11 is not eligible as answered: Age 80 is above the maximum of 65 years.\n']);
    expect(JSON.parse(cli('participants', 'list', '--json').stdout)).toEqual([]);
  });

  it('participants import reports bad rows by line and column, and imports good files', () => {
    const dir = tempDir();
    const cli = cliIn(path.join(dir, 'db.sqlite'));
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'study_id,initials,arm,day1,weight_kg\nB-1,AB,low,2025-01-06,\nB-2,AB,huge,2025-01-06,\n');
    const r = cli('participants', 'import', bad, '--protocol', 'hucmsc-decompensated-cirrhosis');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: Nothing was imported: 1 problem. First: line 3, column arm: unknown arm "huge"; arms: low, medium, high\n');
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, 'study_id,initials,arm,day1,weight_kg,actual:transplant-1\nB-1,AB,low,2025-01-06,,2025-01-06\nB-2,CD,high,2025-01-07,80,\n');
    const ok = cli('participants', 'import', good, '--protocol', 'hucmsc-decompensated-cirrhosis');
    expect([ok.code, ok.stdout]).toEqual([0, 'Imported 2 participants with 2 visits into hucmsc-decompensated-cirrhosis.\n']);
    expect(cli('participants', 'list').stdout).toContain('Conventional plus hUC-MSCs treatment (low dose)');
    // The trail: one row per imported participant, and in the export a line for each visit it lists.
    const trail = parse(cli('audit', 'export', '--trial', 'hucmsc-decompensated-cirrhosis', '--participant', 'B-1').stdout, { columns: true }) as Record<string, string>[];
    expect(trail.map((r) => [r.entity, r.action, r.method])).toEqual([
      ['participants', 'insert', 'importParticipants'],
      ['visits', 'insert', 'importParticipants'],
    ]);
    expect(trail[0]!.id).toBe(trail[1]!.id);
    expect(trail[0]!.description).toBe('TC imported B-1 (AB) with one visit (Imported from CSV)');
    expect(JSON.parse(trail[1]!.changes!)).toMatchObject({ key: [null, 'transplant-1'], status: [null, 'done'], actual_date: [null, '2025-01-06'] });
    expect(trail[1]!.description).toMatch(/^TC recorded .* as done on 2025-01-06 \(Imported from CSV\)$/);
    expect(cli('audit', 'verify').code).toBe(0);
  });

  it('corrects a dose and undoes a visit from the command line, each with a reason; --trial and --protocol name the same', () => {
    const dir = tempDir();
    const cli = cliIn(path.join(dir, 'db.sqlite'));
    expect(cli('enroll', '--trial', 'ucmsc-covid19', '--study-id', 'C-1', '--initials', 'AB', '--sex', 'male', '--age', '40', '--weight', '70', '--consent', '2025-01-02', '--day1', '2025-01-06', '--confirm-eligibility').code).toBe(0);
    expect(cli('visit', 'done', '--trial', 'ucmsc-covid19', '--participant', 'C-1', '--visit', 'infusion-1', '--date', '2025-01-06', '--lot', 'L1', '--time', '10:00').code).toBe(0);
    expect(cli('visit', 'done', '--protocol', 'ucmsc-covid19', '--participant', 'C-1', '--visit', 'infusion-2', '--date', '2025-01-08', '--lot', 'L2', '--time', '10:00').code).toBe(0);
    const noReason = cli('visit', 'correct', '--trial', 'ucmsc-covid19', '--participant', 'C-1', '--visit', 'infusion-2', '--lot', 'L2B');
    expect([noReason.code, noReason.stderr]).toEqual([2, 'error: visit correct needs --reason\n']);
    const corrected = cli('visit', 'correct', '--trial', 'ucmsc-covid19', '--participant', 'C-1', '--visit', 'infusion-2', '--date', '2025-01-09', '--lot', 'L2B', '--time', '11:30', '--reason', 'Wrong day and lot on the form', '--json');
    expect(corrected.code).toBe(0);
    const d = JSON.parse(corrected.stdout) as { visits: { key: string; actualDate: string | null; plannedDate: string; status: string; dose: { lotNumber: string; givenAt: string } | null }[] };
    const v = Object.fromEntries(d.visits.map((x) => [x.key, x]));
    expect(v['infusion-2']).toMatchObject({ actualDate: '2025-01-09', dose: { lotNumber: 'L2B', givenAt: '2025-01-09T11:30' } });
    // The next dose counts from the corrected date.
    expect(v['infusion-3']!.plannedDate).toBe('2025-01-11');
    expect(cli('visit', 'missed', '--trial', 'ucmsc-covid19', '--participant', 'C-1', '--visit', 'infusion-3', '--reason', 'Unwell').code).toBe(0);
    const undone = cli('visit', 'undo', '--trial', 'ucmsc-covid19', '--participant', 'C-1', '--visit', 'infusion-3', '--reason', 'Marked missed by mistake', '--json');
    expect((JSON.parse(undone.stdout) as typeof d).visits.find((x) => x.key === 'infusion-3')!.status).toBe('planned');
    const fixed = cli('participant', 'correct', '--trial', 'ucmsc-covid19', '--participant', 'C-1', '--field', 'weight_kg', '--value', '72.5', '--reason', 'Scale was off', '--json');
    expect((JSON.parse(fixed.stdout) as { participant: { weightKg: number } }).participant.weightKg).toBe(72.5);
    const trail = cli('audit', 'export', '--trial', 'ucmsc-covid19', '--participant', 'C-1');
    expect(trail.stdout).toContain('correctVisit,Wrong day and lot on the form');
    expect(trail.stdout).toContain('undoVisit,Marked missed by mistake');
    expect(trail.stdout).toContain('correctParticipant,Scale was off');
  });

  it('unblind needs the unblinded role and the passphrase, and prints the arm', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const cli = cliIn(db);
    expect(cli('enroll', '--trial', 'ucmsc-sepsis', '--study-id', 'S-1', '--initials', 'AB', '--sex', 'male', '--age', '40', '--consent', '2025-01-02', '--day1', '2025-01-06', '--confirm-eligibility').code).toBe(0);
    const u = cli('unblind', '--trial', 'ucmsc-sepsis', '--participant', 'S-1', '--reason', 'Serious adverse event');
    expect(u.code).toBe(0);
    expect(u.stdout).toMatch(/^S-1 \(ucmsc-sepsis\): (Experimental group|Sham comparator group)\n$/);
  });
});
