// Participant commands for scripts: enroll, visit, participants list and import.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/db.js';

function cliIn(db: string) {
  return (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'cli/main.ts'), '--db', db, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', TRIALCOORD_USER: 'CI' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
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
    expect([r.code, r.stderr]).toEqual([2, 'error: S-11 cannot be enrolled: Age 80 is above the maximum of 65 years.\n']);
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
  });
});
