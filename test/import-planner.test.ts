import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Protocol } from '../core/protocol.js';
import { isBlinded } from '../core/vocabulary.js';
import { auditHash, auditHashEscaped } from '../db/audit.js';
import { verifyAudit } from '../db/audit-verify.js';
import { ImportPlanner, listedVisits, listingOf, planParticipant, PlanError, type PlanJob, type PlanRow } from '../db/import-planner.js';
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

/** Each visit's values after its participant's id, listed as the writer lists them (db/bulk-import.ts). */
function writersListing(rows: readonly (readonly (string | number | null)[])[]): string[] {
  return rows.map((values) =>
    values
      .slice(1)
      .map((v) => (typeof v === 'string' ? `,${JSON.stringify(v.isWellFormed() ? v : v.replace(/\p{Cs}/gu, '\uFFFD\uFFFD\uFFFD'))}` : v === null ? ',null' : `,${v}`))
      .join(''),
  );
}

describe('the import’s planner thread', () => {
  it('hands over, in the file’s order, the visits the writer would plan itself', async () => {
    const all = rows(600);
    const planner = new ImportPlanner(job(all), { thread: true });
    try {
      // Once the thread has claimed participants ahead of the writer, it plans some of them.
      await vi.waitFor(() => expect(planner.claimedAhead()).toBe(true), { timeout: 20_000, interval: 20 });
      let listedByThread = 0;
      for (const r of all) {
        const planned = planner.next();
        expect(planned.rows).toEqual(planParticipant(job(all), r));
        // What the thread lists for the participant's audit row is what the writer lists.
        if (planned.listing) {
          listedByThread++;
          expect(planned.listing.visits).toEqual(writersListing(planned.rows));
          expect(planned.listing.escaped).toEqual(planned.listing.visits.map((v) => JSON.stringify(v).slice(1, -1)));
        }
      }
      expect(planner.fromThread).toBeGreaterThan(0);
      expect(listedByThread).toBe(planner.fromThread);
    } finally {
      planner.close();
    }
  });

  it('lists text as SQLite reads it back, a lone surrogate included, as the writer does', () => {
    const odd = structuredClone(cirrhosis) as { arms: { visits: { label: string }[] }[] };
    odd.arms[0]!.visits[0]!.label = 'Infusion \uD800 "one" \\ tab\t';
    const j = { ...job(rows(1)), protocol: odd as unknown as Protocol };
    const planned = planParticipant(j, j.rows[0]!);
    expect(listedVisits(planned)).toEqual(writersListing(planned));
    expect(listedVisits(planned).join('')).toContain('Infusion \uFFFD\uFFFD\uFFFD \\"one\\"');
    // The row's hash, taken over the listing escaped piece by piece, is the hash of the whole.
    const { visits, escaped } = listingOf(planned);
    const json = `{"id":7,"visits":[${visits.map((v, k) => `[${k + 1},7${v}]`).join(',')}]}`;
    const jsonEscaped = `{\\"id\\":7,\\"visits\\":[${escaped.map((v, k) => `[${k + 1},7${v}]`).join(',')}]}`;
    const key = crypto.randomBytes(32);
    const fields = ['prev "hash"', '2025-06-20T09:00:00.000Z', 'CO', 'importParticipants', null, 'participants', '7', 'insert', 7, null];
    expect(auditHashEscaped(key, fields, jsonEscaped)).toBe(auditHash(key, ...fields, json));
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
    // With the thread, the writer waits at its first participant until the thread has claimed
    // some ahead of it, so that those come from the thread, listed there.
    let fromThread = 0;
    let waitForThread = false;
    const { next, close } = ImportPlanner.prototype;
    const waited = new WeakSet<ImportPlanner>();
    const spies = [
      vi.spyOn(ImportPlanner.prototype, 'next').mockImplementation(function (this: ImportPlanner) {
        if (waitForThread && !waited.has(this)) {
          waited.add(this);
          const until = Date.now() + 20_000;
          while (!this.claimedAhead() && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        }
        return next.call(this);
      }),
      vi.spyOn(ImportPlanner.prototype, 'close').mockImplementation(function (this: ImportPlanner) {
        fromThread += this.fromThread;
        close.call(this);
      }),
    ];
    const sites = [true, false].map((thread) => {
      waitForThread = thread;
      const { conn } = freshDb();
      importSeedsOnFirstStart(conn, SEEDS_DIR);
      addTestPerson(conn, 'CO');
      const at = '2025-06-20T09:00:00.000Z';
      conn.write({ by: 'CO', method: 'importParticipants', reason: 'Imported from CSV', at }, (db) =>
        importParticipants(db, 'ucmsc-cirrhosis', csv.join('\n'), 'CO', { now: at, today: '2025-06-20' }, undefined, { thread }),
      );
      // The trail holds: every row's hash, the listed ones' included.
      expect(conn.read((db) => verifyAudit(db))).toMatchObject({ ok: true });
      const { visits, participants, audit_log } = dumpTables(conn);
      conn.close();
      // Each participant's audit row lists the same values (its hash is the site key's).
      const imported = (audit_log as { method: string; new_values: string | null }[]).filter((r) => r.method === 'importParticipants');
      return { visits, participants, listed: imported.map((r) => r.new_values) };
    });
    expect(sites[0]!.visits!.length).toBeGreaterThan(400 * 6);
    for (const spy of spies) spy.mockRestore();
    expect(fromThread).toBeGreaterThan(0);
    expect(sites[0]!.listed).toHaveLength(400);
    expect(sites[0]).toEqual(sites[1]);
  });
});
