// `trialcoord schedule`: flags, exit codes, JSON and CSV shapes are a product interface.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/db.js';

function cli(args: string[]) {
  const db = path.join(tempDir(), 'db.sqlite');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'cli/main.ts'), '--db', db, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('trialcoord schedule', () => {
  it('prints the JSON shape in date order, from a protocol id, with actual dates re-planning later visits', () => {
    const r = cli(['schedule', '--protocol', 'ucmsc-covid19', '--arm', 'uc-msc', '--start', '2024-03-01', '--actual', 'infusion-2=2024-03-05']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { visits: Record<string, unknown>[]; open: unknown[] };
    expect(Object.keys(out)).toEqual(['visits', 'open']);
    expect(Object.keys(out.visits[0]!)).toEqual([
      'key', 'label', 'kind', 'plannedDate', 'projectedDate', 'windowStart', 'windowEnd', 'studyDay', 'anchor',
      'actualDate', 'status', 'outOfWindow', 'windowText', 'movedFrom', 'movedBecause', 'closedDay',
    ]);
    expect(out.visits.map((v) => [v.key, v.plannedDate, v.projectedDate, v.studyDay, v.anchor])).toEqual([
      ['infusion-1', '2024-03-01', '2024-03-01', 1, 'start'],
      ['infusion-2', '2024-03-03', '2024-03-03', 5, 'infusion-1'],
      ['infusion-3', '2024-03-07', '2024-03-05', 7, 'infusion-2'],
      ['infusion-4', '2024-03-09', '2024-03-07', 9, 'infusion-3'],
      ['post-24h', '2024-03-10', '2024-03-08', 10, 'infusion-4'],
      ['post-w1', '2024-03-16', '2024-03-14', 16, 'infusion-4'],
      ['post-w2', '2024-03-23', '2024-03-21', 23, 'infusion-4'],
      ['day-28', '2024-03-28', '2024-03-28', 28, 'infusion-1'],
      ['post-w4', '2024-04-06', '2024-04-04', 37, 'infusion-4'],
      ['post-w8', '2024-05-04', '2024-05-02', 65, 'infusion-4'],
    ]);
    expect(out.visits[1]).toMatchObject({ actualDate: '2024-03-05', status: 'done', outOfWindow: true });
  });

  it('prints CSV with a header row from a protocol file', () => {
    const r = cli(['schedule', '--protocol', 'seeds/ucmsc-cirrhosis.json', '--arm', 'arm-a', '--start', '2024-01-31', '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe('key,label,kind,plannedDate,projectedDate,windowStart,windowEnd,studyDay,anchor,actualDate,status,outOfWindow,windowText,movedFrom,movedBecause,closedDay');
    expect(lines[7]).toBe('month-75,End of follow-up (month 75),end-of-study,2030-04-30,2030-04-30,2030-04-30,2030-04-30,2282,infusion-1,,planned,false,,,,');
    expect(lines.at(-1)).toBe('');
  });

  it('names what is wrong in one line with exit code 2', () => {
    const cases: [string[], string][] = [
      [['--arm', 'nope', '--protocol', 'ucmsc-covid19', '--start', '2024-03-01'], 'error: Unknown arm "nope" in protocol "ucmsc-covid19"; arms: uc-msc, placebo\n'],
      [['--protocol', 'no-such', '--arm', 'a', '--start', '2024-03-01'], 'error: No protocol "no-such". Run "protocol list" to see the ids.\n'],
      [['--protocol', 'ucmsc-covid19', '--arm', 'uc-msc', '--start', '2024-02-30'], 'error: Bad date for start: "2024-02-30" is not a calendar date in the form YYYY-MM-DD\n'],
      [['--protocol', 'ucmsc-covid19', '--arm', 'uc-msc', '--start', '2024-03-01', '--actual', 'visit-x=2024-03-02'], 'error: Unknown visit key "visit-x" in arm "uc-msc"; visits: infusion-1, infusion-2, infusion-3, infusion-4, post-24h, post-w1, post-w2, day-28, post-w4, post-w8\n'],
      [['--protocol', 'ucmsc-covid19', '--arm', 'uc-msc', '--start', '2024-03-01', '--actual', 'post-w1=2024-3-9'], 'error: Bad date for post-w1: "2024-3-9" is not a calendar date in the form YYYY-MM-DD\n'],
      [['--protocol', 'ucmsc-covid19', '--arm', 'uc-msc'], 'error: schedule needs --start <YYYY-MM-DD> (Study Day 1, the first dose)\n'],
      [['--protocol', 'ucmsc-covid19', '--arm', 'uc-msc', '--start', '2024-03-01', '--format', 'xml'], 'error: --format must be json or csv, not "xml"\n'],
    ];
    for (const [args, message] of cases) {
      const r = cli(['schedule', ...args]);
      expect([r.code, r.stderr], args.join(' ')).toEqual([2, message]);
    }
  });
});
