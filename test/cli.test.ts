// The CLI is a product interface: commands, flags, exit codes and output shapes are pinned here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { dumpTables, ROOT, SEEDS_DIR, tempDir } from './helpers/db.js';

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'cli/main.ts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

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
    expect(cli(['--db', db, 'protocol', 'list']).code).toBe(0);
    const before = snapshot(db);
    const doc = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-cirrhosis.json'), 'utf8')) as Record<string, unknown>;
    doc.id = 'cirrhosis-copy';
    (doc.enrollment as Record<string, unknown>).target = '120';
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const r = cli(['--db', db, 'protocol', 'import', file]);
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
    const r = cli(['--db', db, 'protocol', 'import', file]);
    expect(r.stdout).toBe('Protocol cirrhosis-site-b: imported as version 1\n');
    expect(r.code).toBe(0);
    expect(cli(['--db', db, 'protocol', 'import', file]).stdout).toBe('Protocol cirrhosis-site-b: unchanged (version 1 is identical)\n');
  });

  it('gives one-line errors with exit code 2 for usage mistakes', () => {
    const dir = tempDir();
    const db = path.join(dir, 'db.sqlite');
    const notJson = path.join(dir, 'x.json');
    fs.writeFileSync(notJson, '{ nope');
    for (const [args, message] of [
      [['--db', db, 'protocol', 'show', 'nope'], 'error: No protocol "nope". Run "protocol list" to see the ids.\n'],
      [['--db', db, 'frobnicate'], 'error: Unknown command "frobnicate". Run "trialcoord --help".\n'],
      [['--db', db, 'protocol', 'import', path.join(dir, 'missing.json')], `error: Cannot read ${path.join(dir, 'missing.json')}: ENOENT\n`],
      [['--db', db, 'protocol', 'list', '--bogus'], /^error: Unknown option '--bogus'/],
      [['--db', db, 'protocol', 'import', notJson], /^error: .*x\.json is not valid JSON/],
    ] as const) {
      const r = cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      if (typeof message === 'string') expect(r.stderr).toBe(message);
      else expect(r.stderr).toMatch(message);
    }
  });
});
