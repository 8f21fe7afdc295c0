import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Protocol } from '../core/protocol.js';
import { isBlinded } from '../core/vocabulary.js';
import { ImportPlanner, planParticipant, PlanError, type PlanJob, type PlanRow } from '../db/import-planner.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { addTestPerson, dumpTables, freshDb, SEEDS_DIR } from './helpers/db.js';
import { importParticipants } from '../db/import-participants.js';

// The import's planner thread (db/import-planner.ts) plans what the writer alone would plan.

const cirrhosis = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'ucmsc-cirrhosis.json'), 'utf8')) as Protocol;
const day = (i: number) => `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;

function job(rows: PlanRow[]): PlanJob {
  return { protocol: cirrhosis, blinded: isBlinded(cirrhosis), site: { closures: { openWeekdays: [1, 2, 3, 4, 5], holidays: { '2024-12-25': 'Christmas' } } }, initial: { by: 'CO', reason: 'Imported from CSV' }, now: '2025-06-20T09:00:00.000Z', rows };
}

const rows = (n: number): PlanRow[] =>
  Array.from({ length: n }, (_, i) => ({ line: i + 2, armKey: null, day1: day(i), actual: i % 3 ? [['infusion-1', day(i)], ['infusion-2', day(i + 29)]] : [] }));

describe('the import’s planner thread', () => {
  it('hands over, in the file’s order, the visits the writer would plan itself', async () => {
    const all = rows(600);
    const planner = new ImportPlanner(job(all), { thread: true });
    try {
      // Once the thread has claimed participants ahead of the writer, it plans some of them.
      await vi.waitFor(() => expect(planner.claimedAhead()).toBe(true), { timeout: 20_000, interval: 20 });
      for (const r of all) expect(planner.next()).toEqual(planParticipant(job(all), r));
      expect(planner.fromThread).toBeGreaterThan(0);
    } finally {
      planner.close();
    }
  });

  it('stops the import at a participant it cannot plan, with the line and the engine’s words', async () => {
    const all = rows(300);
    all[250] = { ...all[250]!, armKey: 'no-such-arm' };
    const planner = new ImportPlanner(job(all), { thread: true });
    try {
      await vi.waitFor(() => expect(planner.claimedAhead()).toBe(true), { timeout: 20_000, interval: 20 });
      for (let i = 0; i < 250; i++) planner.next();
      let thrown: unknown;
      try {
        planner.next();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(PlanError);
      expect(thrown).toMatchObject({ line: 252, message: expect.stringMatching(/Unknown arm "no-such-arm"/) });
    } finally {
      planner.close();
    }
  });

  it('writes the same site with the thread as without it', () => {
    const csv = ['study_id,initials,arm,day1,weight_kg,actual:infusion-1,actual:week-12'];
    for (let i = 0; i < 400; i++) csv.push(`P-${i},AB,BC${i},${day(i)},${50 + (i % 40)},${i % 4 ? day(i) : ''},${i % 5 ? '' : '2024-12-20'}`);
    const sites = [true, false].map((thread) => {
      const { conn } = freshDb();
      importSeedsOnFirstStart(conn, SEEDS_DIR);
      addTestPerson(conn, 'CO');
      const at = '2025-06-20T09:00:00.000Z';
      conn.write({ by: 'CO', method: 'importParticipants', reason: 'Imported from CSV', at }, (db) =>
        importParticipants(db, 'ucmsc-cirrhosis', csv.join('\n'), 'CO', { now: at, today: '2025-06-20' }, undefined, { thread }),
      );
      const { visits, participants } = dumpTables(conn);
      conn.close();
      return { visits, participants };
    });
    expect(sites[0]!.visits!.length).toBeGreaterThan(400 * 6);
    expect(sites[0]).toEqual(sites[1]);
  });
});
