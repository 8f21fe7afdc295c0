// The CLI is a product interface: commands, flags, exit codes and output shapes are pinned here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { cli, siteWithPerson } from './helpers/cli.js';
import { dumpTables, ROOT, SEEDS_DIR, tempDir } from './helpers/db.js';


function snapshot(file: string) {
  const conn = openDatabase(file);
  try {
    return dumpTables(conn);
  } finally {
    conn.close();
  }
}

describe('trialcoord CLI', () => {
  it('protocol list --json gives the five seeds with their summary fields', () => {
    const db = path.join(tempDir(), 'db.sqlite');
    const r = cli(['--db', db, 'protocol', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list).toHaveLength(5);
    expect(Object.keys(list[0]!).sort()).toEqual(
      ['allocation', 'armCount', 'conditions', 'enrollmentTarget', 'id', 'masking', 'nctId', 'phases', 'sponsor', 'status', 'title', 'version'].sort(),
    );
    const text = cli(['--db', db, 'protocol', 'list']);
    expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+NCT\s+PHASE\s+ARMS\s+TITLE$/);
  });

  it('uses TRIALCOORD_DB when --db is not given', () => {
    const db = path.join(tempDir(), 'env.sqlite');
    expect(cli(['protocol', 'list'], { TRIALCOORD_DB: db }).code).toBe(0);
    expect(fs.existsSync(db)).toBe(true);
  });

  it('protocol show prints the sepsis arms and sizes; --json prints the protocol document', () => {
    const db = path.join(tempDir(), 'db.sqlite');
    const r = cli(['--db', db, 'protocol', 'show', 'ucmsc-sepsis']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('experimental: Experimental group [Experimental], target 135');
    expect(r.stdout).toContain('sham: Sham comparator group [Sham comparator], target 45');
    expect(r.stdout).toContain('Allocation ratio  3:1');
    const json = cli(['--db', db, 'protocol', 'show', 'NCT06882811', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'ucmsc-sepsis', design: { masking: 'DOUBLE' } });
  });

  it('protocol import of a file with a wrong type in one field names the field, exits non-zero and changes nothing', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const as = siteWithPerson(db);
    const before = snapshot(db);
    const doc = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-cirrhosis.json'), 'utf8')) as Record<string, unknown>;
    doc.id = 'cirrhosis-copy';
    (doc.enrollment as Record<string, unknown>).target = '120';
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const r = cli(['--db', db, 'protocol', 'import', file], as);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: The protocol is not valid (1 problem): enrollment.target: Invalid input: expected number, received string\n');
    expect(snapshot(db)).toEqual(before);
  });

  it('protocol import stores a valid file, and says so', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const doc = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-cirrhosis.json'), 'utf8')) as Record<string, unknown>;
    doc.id = 'cirrhosis-site-b';
    const file = path.join(dir, 'ok.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    // Nobody signed in: refused, nothing written.
    const anonymous = cli(['--db', db, 'protocol', 'import', file]);
    expect([anonymous.code, anonymous.stderr]).toEqual([2, 'error: No passphrase: set TRIALCOORD_PASSPHRASE, or run the command at a terminal to be asked for it.\n']);
    const as = siteWithPerson(db);
    const wrong = cli(['--db', db, 'protocol', 'import', file], { ...as, TRIALCOORD_PASSPHRASE: 'not the passphrase' });
    expect([wrong.code, wrong.stderr]).toEqual([2, 'error: Those initials and that passphrase do not match.\n']);
    const r = cli(['--db', db, 'protocol', 'import', file], as);
    expect(r.stdout).toBe('Protocol cirrhosis-site-b: imported as version 1\n');
    expect(r.code).toBe(0);
    expect(cli(['--db', db, 'protocol', 'import', file], as).stdout).toBe('Protocol cirrhosis-site-b: unchanged (version 1 is identical)\n');
    // --by names the person; a monitor may not write.
    const monitor = siteWithPerson(path.join(dir, 'm.sqlite'), ['monitor']);
    const refused = cli(['--db', path.join(dir, 'm.sqlite'), 'protocol', 'import', file], monitor);
    expect([refused.code, refused.stderr]).toEqual([2, 'error: This needs the administrator, coordinator or investigator role.\n']);
  });

  it('gives one-line errors with exit code 2 for usage mistakes', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const notJson = path.join(dir, 'x.json');
    fs.writeFileSync(notJson, '{ nope');
    const as = siteWithPerson(db);
    for (const [args, message] of [
      [['--db', db, 'protocol', 'show', 'nope'], 'error: No protocol "nope". Run "protocol list" to see the ids.\n'],
      [['--db', db, 'frobnicate'], /^error: unknown command 'frobnicate'\n$/],
      [['--db', db, 'protocol', 'import', path.join(dir, 'missing.json')], `error: Cannot read ${path.join(dir, 'missing.json')}: ENOENT\n`],
      [['--db', db, 'protocol', 'list', '--bogus'], /^error: unknown option '--bogus'\n$/],
      [['--db', db, 'protocol', 'import', notJson], /^error: .*x\.json is not valid JSON/],
      [['--db', db, 'protocol'], /Usage: trialcoord protocol/],
    ] as const) {
      const r = cli([...args], as);
      expect(r.code, args.join(' ')).toBe(2);
      if (typeof message === 'string') expect(r.stderr).toBe(message);
      else expect(r.stderr).toMatch(message);
    }
  });

  it('--version prints the app version; --help lists every command; each command has its own help', () => {
    const version = cli(['--version']);
    expect([version.code, version.stdout.trim()]).toEqual([0, (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version]);
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['protocol', 'schedule', 'participants', 'enroll', 'visit', 'participant', 'unblind', 'user', 'audit', 'backup', 'restore', 'export', 'print', 'settings', 'serve'])
      expect(help.stdout, command).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const visit = cli(['visit', 'done', '--help']);
    expect(visit.stdout).toMatch(/--trial <id>/);
    expect(visit.stdout).toMatch(/--lot <lot>/);
    expect(visit.stdout).not.toMatch(/--protocol/);
  });
});
