// Bad input, thousands of times: every API method parses its input, so random junk gets a clear
// message, never a crash and never a partial write.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contract } from '../core/api.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import type { Caller } from '../core/api.js';
import { dispatch } from '../db/dispatch.js';
import { createHandlers } from '../db/service.js';
import { addTestPerson, freshDb, SEEDS_DIR } from './helpers/db.js';

// Not 'database': bad input is the caller's to fix, a 400 naming the field, never an internal error.
const CODES = new Set(['invalid_input', 'not_found', 'conflict', 'unknown_method', 'unauthorized', 'forbidden']);
/** Someone with every role, so that the fuzz reaches every method's input check. */
const EVERYONE: Caller = { kind: 'person', initials: 'FZ' };

function setup() {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  addTestPerson(conn, 'FZ');
  const handlers = createHandlers({ conn, mode: 'cli', appVersion: 'test', now: () => new Date('2025-06-20T09:00:00') });
  const auditCount = () => conn.read((db) => (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n);
  return { conn, handlers, auditCount };
}

// Inputs shaped like the real ones (the right keys, wrong or odd values), and plain junk.
const value = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.integer(),
  fc.constantFrom('', ' ', '2025-02-30', '2025-06-10', 'ucmsc-sepsis', 'S-1', 'AB', 'x'.repeat(5000), '=cmd|calc', '\u0000', 'NaN'),
  fc.constantFrom(-1, 0, 1, 1e308, Number.NaN, null, true, [], {}),
);
const keys = [...new Set(Object.values(contract).flatMap((m) => Object.keys((m.input as unknown as { shape?: object }).shape ?? {})))];
const shaped = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 });

describe('API fuzz', () => {
  it('random input to every method: a clear refusal or a success, never a crash, never a partial write', () => {
    const { conn, handlers, auditCount } = setup();
    const methods = Object.keys(contract);
    fc.assert(
      fc.property(fc.constantFrom(...methods, 'nope', '__proto__', 'constructor'), fc.oneof(shaped, fc.anything()), (method, input) => {
        const before = auditCount();
        const result = dispatch(conn, handlers, method, input, EVERYONE, (e: unknown) => {
          throw new Error(`unexpected internal error: ${String(e)}`);
        });
        if (result.ok) return;
        expect(CODES.has(result.error.code), result.error.code).toBe(true);
        expect(result.error.message.length).toBeGreaterThan(5);
        expect(auditCount()).toBe(before);
      }),
      { numRuns: 3000 },
    );
    expect(conn.read((db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
    conn.close();
  });

  it('mutated protocol documents: imported whole or refused with the field named, never half-written', () => {
    const { conn, handlers, auditCount } = setup();
    const seeds = fs.readdirSync(SEEDS_DIR).filter((f) => !f.endsWith('.schema.json')).map((f) => JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, f), 'utf8')) as Record<string, unknown>);
    const paths = (v: unknown, at: string[] = []): string[][] =>
      typeof v === 'object' && v !== null ? [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))] : [at];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), value, fc.string({ minLength: 1, maxLength: 8 }), (which, where, replacement, newId) => {
        const doc = structuredClone(seeds[which % seeds.length]!);
        doc.id = `fz-${newId.toLowerCase().replace(/[^a-z0-9]/g, '') || 'x'}`;
        (doc.identifiers as { nctId: unknown }).nctId = null;
        const all = paths(doc).filter((p) => p.length > 0 && p[0] !== 'id');
        const target = all[where % all.length]!;
        let parent: Record<string, unknown> = doc;
        for (const k of target.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
        parent[target.at(-1)!] = replacement;
        const before = auditCount();
        const r = dispatch(conn, handlers, 'importProtocol', { document: doc, asNewVersion: true }, EVERYONE, (e: unknown) => {
          throw new Error(`unexpected internal error: ${String(e)}`);
        });
        if (!r.ok) {
          expect(r.error.code).toMatch(/invalid_input|conflict/);
          expect(r.error.details.length + r.error.message.length).toBeGreaterThan(0);
          expect(auditCount()).toBe(before);
        }
      }),
      { numRuns: 1500 },
    );
    conn.close();
  });
});
