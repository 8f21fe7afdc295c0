import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { protocolJsonSchema } from '../core/json-schema.js';
import { allocationRatio, ProtocolSchema, type Protocol } from '../core/protocol.js';
import { readSeedFiles } from '../db/seeds.js';
import { ROOT, SEEDS_DIR } from './helpers/db.js';

const seeds = readSeedFiles(SEEDS_DIR);
const byId = (id: string): Protocol => ProtocolSchema.parse(seeds.find((s) => (s.document as { id: string }).id === id)!.document);

describe('seed protocols', () => {
  it('has one file per seed document, each naming its source', () => {
    const sources = seeds.map((s) => (s.document as { sourceDocument: string }).sourceDocument).sort();
    expect(sources).toEqual([
      '000_791d61e5f3edd9f3.txt',
      '001_880f91b8dbb11f26.txt',
      '002_17ca2e980f5f0713.txt',
      '003_7980d71303ad17d5.txt',
      '004_3dc2b52a886292c8.txt',
    ]);
    const docs = path.resolve(ROOT, '..', 'shared', 'seed-documents');
    if (fs.existsSync(docs)) for (const s of sources) expect(fs.existsSync(path.join(docs, s)), s).toBe(true);
  });

  it.each(seeds.map((s) => [s.file, s.document]))('%s validates against the zod format', (_file, document) => {
    const result = ProtocolSchema.safeParse(document);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('the committed JSON Schema is the one generated from the zod format', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'protocol.schema.json'), 'utf8')) as unknown;
    expect(committed, 'run "npm run schema" and commit seeds/protocol.schema.json').toEqual(protocolJsonSchema());
  });

  it.each(seeds.map((s) => [s.file, s.document]))('%s validates against the committed JSON Schema', (_file, document) => {
    const schema = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'protocol.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
  });

  it('file names are the protocol ids', () => {
    for (const s of seeds) expect(s.file).toBe(`${(s.document as { id: string }).id}.json`);
  });

  it('every null in a seed is explained in notStated', () => {
    for (const s of seeds) {
      const p = ProtocolSchema.parse(s.document);
      const patterns = p.notStated.map((n) => n.field.split('.'));
      const unexplained = nullPaths(p).filter((nullPath) => !patterns.some((pat) => pat.every((seg, i) => seg === '*' || seg === nullPath[i])));
      expect(unexplained.map((x) => x.join('.')), s.file).toEqual([]);
    }
  });

  it('encodes the sepsis trial as the document states it', () => {
    const p = byId('ucmsc-sepsis');
    expect(p.identifiers.nctId).toBe('NCT06882811');
    expect(p.design.masking).toBe('DOUBLE');
    expect(p.design.allocation).toBe('RANDOMIZED');
    expect(p.enrollment.target).toBe(180);
    expect(p.arms.map((a) => [a.key, a.type, a.targetSize])).toEqual([
      ['experimental', 'EXPERIMENTAL', 135],
      ['sham', 'SHAM_COMPARATOR', 45],
    ]);
    expect(allocationRatio(p.arms)).toEqual([3, 1]);
    expect(p.arms[0]!.dosing[0]!.dose).toEqual({ kind: 'fixed', amount: 1e8, unit: 'cells', per: 'session' });
    // The number of sessions is not stated: it stays open rather than invented.
    expect(p.arms[0]!.dosing[0]!.count).toBeNull();
    expect(p.eligibility.exclusion).toHaveLength(12);
    expect(p.eligibility.maximumAge).toEqual({ value: 65, unit: 'years' });
  });

  it('encodes the COVID-19 UC-MSC regimen: 0.5×10^6 cells/kg, 4 infusions every other day, follow-up after the last', () => {
    const p = byId('ucmsc-covid19');
    for (const arm of p.arms) {
      expect(arm.targetSize).toBe(24);
      expect(arm.dosing[0]).toMatchObject({ count: 4, interval: { value: 2, unit: 'days' }, route: 'INTRAVENOUS' });
      expect(arm.visits.filter((v) => v.anchor.type === 'lastDose').map((v) => [v.offset.value, v.offset.unit])).toEqual([
        [24, 'hours'],
        [1, 'weeks'],
        [2, 'weeks'],
        [4, 'weeks'],
        [8, 'weeks'],
      ]);
    }
    expect(p.arms[0]!.dosing[0]!.dose).toEqual({ kind: 'perKg', amount: 500000, unit: 'cells' });
    expect(p.arms.map((a) => a.type)).toEqual(['EXPERIMENTAL', 'PLACEBO_COMPARATOR']);
    expect([p.eligibility.minimumAge?.value, p.eligibility.maximumAge?.value]).toEqual([18, 75]);
  });

  it('encodes the cirrhosis regimen: 3 infusions at 4-week intervals, labs at weeks 12/24/48, follow-up to month 75', () => {
    const p = byId('ucmsc-cirrhosis');
    for (const arm of p.arms) {
      expect(arm.dosing[0]).toMatchObject({ count: 3, interval: { value: 4, unit: 'weeks' } });
      expect(arm.visits.map((v) => `${v.offset.value} ${v.offset.unit}`)).toEqual(['12 weeks', '24 weeks', '48 weeks', '75 months']);
      expect(arm.visits[0]!.procedures).toEqual(expect.arrayContaining(['ALT', 'TB', 'PT', 'ALB', 'PA', 'Blood routine']));
    }
  });

  it('encodes the Beike trial: three dose groups, 18 to 70 years, 5 inclusion and 9 exclusion criteria', () => {
    const p = byId('hucmsc-decompensated-cirrhosis');
    expect(p.arms.map((a) => a.key)).toEqual(['low', 'medium', 'high']);
    expect(p.phases).toEqual(['PHASE1', 'PHASE2']);
    expect(p.eligibility.inclusion).toHaveLength(5);
    expect(p.eligibility.exclusion).toHaveLength(9);
  });

  it('encodes the exosome trial as single-arm, open-label, inhaled', () => {
    const p = byId('msc-exo-covid19');
    expect(p.design).toMatchObject({ allocation: 'NA', interventionModel: 'SINGLE_GROUP', masking: 'NONE' });
    expect(p.arms).toHaveLength(1);
    expect(p.arms[0]!.dosing[0]!.route).toBe('INHALATION');
  });
});

/** Paths of null values, with keyed array items named by their key (arms.sham.dosing.infusion.count). */
function nullPaths(value: unknown, at: string[] = []): string[][] {
  if (value === null) return [at];
  if (Array.isArray(value))
    return value.flatMap((item, i) => {
      const k = typeof item === 'object' && item !== null && 'key' in item ? String((item as { key: unknown }).key) : String(i);
      return nullPaths(item, [...at, k]);
    });
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([k, v]) => nullPaths(v, [...at, k]));
  return [];
}
